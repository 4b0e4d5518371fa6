"""A ticket's parts, under ``/desk/parts/tickets/<reference>/`` (namespace ``parts``)."""

from django.urls import path

from parts import ticket_views as views

urlpatterns = [
    path("<str:reference>/reserve/", views.part_reserve, name="ticket_reserve"),
    path("<str:reference>/order/", views.part_order, name="ticket_order"),
    path("<str:reference>/orders/<int:pk>/receive/", views.order_receive, name="ticket_order_receive"),
    path("<str:reference>/orders/<int:pk>/cancel/", views.order_cancel, name="ticket_order_cancel"),
    path(
        "<str:reference>/reservations/<int:pk>/release/", views.reservation_release, name="ticket_reservation_release"
    ),
]

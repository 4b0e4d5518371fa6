"""The parts demand API's routes: reservations, parts orders, old-part returns (aftersales/api/urls.py)."""

from django.urls import path

from parts.api import demand_views as views

urlpatterns = [
    path("part-reservations/", views.ReservationListCreateView.as_view(), name="part-reservation-list"),
    path(
        "part-reservations/<int:pk>/release/", views.ReservationReleaseView.as_view(), name="part-reservation-release"
    ),
    path("parts-orders/", views.OrderListCreateView.as_view(), name="parts-order-list"),
    path("parts-orders/<int:pk>/receive/", views.OrderReceiveView.as_view(), name="parts-order-receive"),
    path("parts-orders/<int:pk>/cancel/", views.OrderCancelView.as_view(), name="parts-order-cancel"),
    path("part-returns/", views.ReturnListView.as_view(), name="part-return-list"),
    path("part-returns/<int:pk>/", views.ReturnDetailView.as_view(), name="part-return-detail"),
    path("part-returns/<int:pk>/ship/", views.ReturnShipView.as_view(), name="part-return-ship"),
    path("part-returns/<int:pk>/receive/", views.ReturnReceiveView.as_view(), name="part-return-receive"),
    path("part-returns/<int:pk>/inspect/", views.ReturnInspectView.as_view(), name="part-return-inspect"),
]

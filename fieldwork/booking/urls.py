"""The desk's booking pages (namespace ``fieldwork``, under ``/desk/field/``)."""

from django.urls import path

from fieldwork.booking import views

urlpatterns = [
    path("tickets/<str:reference>/dispatch/", views.dispatch, name="dispatch"),
    path("tickets/<str:reference>/visits/", views.book, name="visit_book"),
    path("visits/<int:pk>/move/", views.move, name="visit_move"),
    path("visits/<int:pk>/cancel/", views.cancel, name="visit_cancel"),
]

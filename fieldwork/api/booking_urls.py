"""The booking API's routes (free slots, visits, technician profiles, dispatch suggestions); see
aftersales/api/urls.py."""

from django.urls import path

from fieldwork.api import booking_views as views

urlpatterns = [
    path("slots/", views.SlotListView.as_view(), name="slot-list"),
    path("visits/", views.VisitListView.as_view(), name="visit-list"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit-detail"),
    path("visits/<int:pk>/move/", views.VisitMoveView.as_view(), name="visit-move"),
    path("visits/<int:pk>/cancel/", views.VisitCancelView.as_view(), name="visit-cancel"),
    path("technicians/", views.TechnicianListView.as_view(), name="technician-list"),
    path("technicians/<int:pk>/", views.TechnicianDetailView.as_view(), name="technician-detail"),
    path(
        "tickets/<str:reference>/dispatch-suggestions/",
        views.DispatchSuggestionView.as_view(),
        name="ticket-dispatch-suggestions",
    ),
]

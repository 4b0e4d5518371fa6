"""API routes; see aftersales/api/urls.py."""

from django.urls import path

from tickets.api import dispatch as api_dispatch
from tickets.api import timeline as api_timeline
from tickets.api import views as api_views

urlpatterns = [
    path("tickets/", api_views.TicketListView.as_view(), name="ticket-list"),
    path("tickets/<str:reference>/", api_views.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<str:reference>/transition/", api_views.TicketTransitionView.as_view(), name="ticket-transition"),
    path("tickets/<str:reference>/assign/", api_views.TicketAssignView.as_view(), name="ticket-assign"),
    path("tickets/<str:reference>/resolution/", api_views.TicketResolutionView.as_view(), name="ticket-resolution"),
    path("tickets/<str:reference>/offer/", api_dispatch.TicketOfferView.as_view(), name="ticket-offer"),
    path("tickets/<str:reference>/accept/", api_dispatch.TicketAcceptView.as_view(), name="ticket-accept"),
    path("tickets/<str:reference>/return/", api_dispatch.TicketReturnView.as_view(), name="ticket-return"),
    path("tickets/<str:reference>/notes/", api_timeline.TicketNoteView.as_view(), name="ticket-notes"),
    path("tickets/<str:reference>/timeline/", api_timeline.TicketTimelineView.as_view(), name="ticket-timeline"),
]

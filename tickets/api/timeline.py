"""A ticket's timeline and its notes: ``/api/tickets/{reference}/timeline/`` and ``…/notes/``.

The same rules as the ticket endpoints (tickets/api/scope.py): staff see every event and add
internal or public notes; a customer sees what their tracking page shows (public events, no
assignments, no names) and adds information to their own open request.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.schema import CURSOR_400, error_responses
from tickets import selectors, services
from tickets.api.scope import REFERENCE, TicketScope, acting_customer, by_reference, tickets_for
from tickets.api.serializers import EventSerializer, NoteSerializer
from tickets.choices import EventKind
from tickets.customer_requests import customer_request_add_info
from tickets.models import TicketEvent


class OldestFirstCursorPagination(NewestFirstCursorPagination):
    ordering = ("created_at", "id")
    order_description = "oldest first"


class TimelineScope(TicketScope):
    def staff(self) -> bool:
        return acting_customer(self.request.user) is None

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "staff": self.staff()}


class TicketNoteView(TimelineScope, generics.GenericAPIView):
    serializer_class = NoteSerializer

    @extend_schema(
        operation_id="tickets_add_note",
        tags=["tickets"],
        summary="Add a note to a ticket's timeline",
        description="Staff notes are internal unless `is_public`. A customer adds information to their own open "
        "request; the desk and the customer both see it.",
        parameters=[REFERENCE],
        request=NoteSerializer,
        responses={201: EventSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket = self.ticket()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data["note"]
        customer = acting_customer(request.user)
        if customer is None:
            event = services.ticket_add_note(
                ticket=ticket, note=note, is_public=data.validated_data["is_public"], by=request.user
            )
        else:
            customer_request_add_info(ticket=ticket, customer=customer, note=note, photo=None)
            event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE, data__by="customer").latest("id")
        return Response(
            EventSerializer(event, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )


class TicketTimelineView(TimelineScope, generics.ListAPIView):
    serializer_class = EventSerializer
    pagination_class = OldestFirstCursorPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[TicketEvent]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no ticket
            return TicketEvent.objects.none()
        ticket = by_reference(tickets_for(self.request.user), self.kwargs["reference"])
        if ticket is None:
            raise NotFound()
        if self.staff():
            return selectors.timeline(ticket)
        # What the customer's tracking page shows: public events, assignments left out.
        return selectors.timeline(ticket, public_only=True).exclude(kind=EventKind.ASSIGNED)

    @extend_schema(
        operation_id="tickets_timeline",
        tags=["tickets"],
        summary="A ticket's timeline",
        description="Oldest first, by cursor. Staff see every event; a customer the public ones, without who "
        "made them.",
        parameters=[REFERENCE],
        responses={200: EventSerializer(many=True), **error_responses(400, 401, 403, 404, 429, e400=CURSOR_400)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

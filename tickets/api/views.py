"""The ticket endpoints: list, create, read, move, assign, record the resolution (issue 7;
docs/architecture.md#who-uses-it). Notes and the timeline are in tickets/api/timeline.py.

Who sees which ticket is tickets/api/scope.py: another customer's or technician's ticket is a
404, exactly like a reference that does not exist, and a role that may not do something to a
ticket it sees gets a 403. What a role may move is the transition table's
(tickets/transitions.py); every write is a service call.
"""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.schema import error_responses
from aftersales.roles import sees_all_tickets
from customers.models import Customer, ProductUnit
from customers.services import Contact
from tickets import selectors, services
from tickets.api.filters import TicketFilter
from tickets.api.scope import REFERENCE, TicketScope, acting_customer, by_reference, tickets_for
from tickets.api.serializers import (
    AssignSerializer,
    ResolutionSerializer,
    TicketCreateSerializer,
    TransitionSerializer,
)
from tickets.api.ticket_output import TicketListSerializer, TicketSerializer
from tickets.customer_requests import customer_request_submit
from tickets.models import Ticket

DESK_ONLY = _("Only agents, managers and administrators may do this.")
STAFF_ONLY = _("Only service staff may do this.")
UNKNOWN_CUSTOMER = _("Unknown customer.")
UNKNOWN_UNIT = _("Unknown product unit.")
UNKNOWN_FAULT_CATEGORY = _("Unknown fault category.")
UNKNOWN_REFERENCE = _("No ticket has this reference.")


def require_desk(request: Request) -> None:
    if not sees_all_tickets(request.user):
        raise PermissionDenied(DESK_ONLY)


# A customer's own requests, like the portal's submissions, are limited (docs/threat-model.md);
# "customer_requests" in DEFAULT_THROTTLE_RATES overrides.
CUSTOMER_REQUEST_RATE = "10/hour"


class CustomerRequestThrottle(SimpleRateThrottle):
    """Counts the tickets a customer submits, per customer; staff are not counted."""

    scope = "customer_requests"

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or CUSTOMER_REQUEST_RATE

    def get_cache_key(self, request: Request, view) -> str | None:
        if request.method != "POST" or acting_customer(request.user) is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


# --- the list, and new tickets ------------------------------------------------------------------


# The columns a row of the list shows (TicketListSerializer), instead of every column of four tables.
LIST_FIELDS = (
    *TicketListSerializer.Meta.fields[:6],
    "created_at",
    "next_due",
    "version",
    "station",
    "assignee",
    "customer__name",
    "customer__phone",
    "unit__serial",
    "unit__model__code",
    "unit__model__name",
    "unit__model__name_zh",
)


class TicketListView(TicketScope, generics.ListAPIView):
    serializer_class = TicketListSerializer
    filterset_class = TicketFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> QuerySet[Ticket]:
        return selectors.queue_rows(tickets_for(self.request.user)).only(*LIST_FIELDS)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.with_memo_relations(page)

    def get_serializer_context(self) -> dict:
        customer_view = acting_customer(self.request.user) is not None
        return {**super().get_serializer_context(), "now": timezone.now(), "customer_view": customer_view}

    def get_throttles(self) -> list:
        return [*super().get_throttles(), CustomerRequestThrottle()]

    @extend_schema(
        operation_id="tickets_list",
        tags=["tickets"],
        summary="List tickets",
        description="Newest first, by cursor. Agents, managers and administrators see every ticket; a technician "
        "the jobs assigned to them; a customer their own requests.",
        responses={200: TicketListSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="tickets_create",
        tags=["tickets"],
        summary="Log a ticket",
        description="Staff (agents, managers, administrators) log a request for any customer, naming the customer, "
        "the channel and optionally the unit, fault category and priority; a likely duplicate is flagged, not "
        "refused. A customer requests service for themselves, as on the portal: channel web, optionally one of "
        "their units and a preferred visit; they get the confirmation email (at most 10 requests an hour). "
        "Technicians cannot log tickets.",
        request=TicketCreateSerializer,
        responses={201: TicketSerializer, **error_responses(400, 401, 403, 415, 429)},
        examples=[
            OpenApiExample(
                "A phone call about a washing machine",
                request_only=True,
                value={
                    "customer": 42,
                    "unit": 311,
                    "kind": "repair",
                    "channel": "phone",
                    "description": "Does not spin; error E21.",
                    "priority": "high",
                },
            ),
            OpenApiExample(
                "A customer's own request",
                request_only=True,
                value={
                    "unit": 311,
                    "kind": "repair",
                    "description": "Does not spin.",
                    "preferred_visit_date": "2026-05-04",
                    "preferred_visit_slot": "morning",
                },
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        user = request.user
        customer = acting_customer(user)
        if customer is None:
            require_desk(request)
        data = TicketCreateSerializer(data=request.data, context={"staff": customer is None})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if customer is None:
            ticket = self._staff_create(fields)
        else:
            ticket = self._customer_create(customer, fields)
        location = reverse("api:ticket-detail", args=[ticket.reference])
        return self.answer(self.ticket(ticket.reference), status.HTTP_201_CREATED, Location=location)

    def _staff_create(self, fields: dict) -> Ticket:
        errors: dict[str, list] = {}
        customer = Customer.objects.filter(pk=fields["customer"]).first()
        if customer is None:
            errors["customer"] = [UNKNOWN_CUSTOMER]
        unit = None
        if fields.get("unit") is not None:
            unit = ProductUnit.objects.filter(pk=fields["unit"]).first()
            if unit is None:
                errors["unit"] = [UNKNOWN_UNIT]
        fault_category = None
        if fields.get("fault_category"):
            fault_category = selectors.active_fault_categories().filter(code=fields["fault_category"]).first()
            if fault_category is None:
                errors["fault_category"] = [UNKNOWN_FAULT_CATEGORY]
        complaint_about = None
        if fields.get("complaint_about"):
            complaint_about = by_reference(Ticket.objects.all(), fields["complaint_about"])
            if complaint_about is None:
                errors["complaint_about"] = [UNKNOWN_REFERENCE]
        if errors:
            raise ValidationError(errors)
        return services.ticket_create(
            customer=customer,
            unit=unit,
            kind=fields["kind"],
            channel=fields["channel"],
            description=fields["description"],
            priority=fields["priority"],
            fault_category=fault_category,
            contacted_at=fields.get("contacted_at"),
            complaint_about=complaint_about,
            by=self.request.user,
        )

    def _customer_create(self, customer: Customer, fields: dict) -> Ticket:
        unit = None
        if fields.get("unit") is not None:
            unit = customer.units.select_related("model").filter(pk=fields["unit"]).first()
            if unit is None:
                raise ValidationError({"unit": [UNKNOWN_UNIT]})
        # The portal's own path: the customer is found by their phone, the unit by model and serial.
        contact = Contact(
            name=customer.name,
            phone=customer.phone,
            email=customer.email,
            address=customer.address,
            region=customer.region,
            language=customer.preferred_language,
        )
        return customer_request_submit(
            contact=contact,
            model=unit.model if unit else None,
            serial=unit.serial if unit else "",
            purchase_date=None,
            kind=fields["kind"],
            description=fields["description"],
            preferred_visit_date=fields.get("preferred_visit_date"),
            preferred_visit_slot=fields.get("preferred_visit_slot") or "",
        )


# --- one ticket -------------------------------------------------------------------------------


class TicketDetailView(TicketScope, generics.GenericAPIView):
    serializer_class = TicketSerializer

    @extend_schema(
        operation_id="tickets_retrieve",
        tags=["tickets"],
        summary="One ticket",
        description="With its `version` (send it back as `expected_version` when changing the ticket) and the "
        "`moves` the caller may make from here.",
        parameters=[REFERENCE],
        responses={200: TicketSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, reference: str) -> Response:
        return self.answer(self.ticket())


class TicketTransitionView(TicketScope, generics.GenericAPIView):
    serializer_class = TransitionSerializer

    @extend_schema(
        operation_id="tickets_transition",
        tags=["tickets"],
        summary="Move a ticket along its lifecycle",
        description="Makes one of the ticket's `moves`. A move the caller's role may not make, or that something "
        "blocks, is a 400 with the reasons under `move` (a missing note under `move` too). Staff moves for "
        "staff; a technician only the field moves (start, hold, resume, resolve) on their own jobs; a customer "
        "only `customer_cancel` (until a technician is dispatched) and `customer_reopen`.",
        parameters=[REFERENCE],
        request=TransitionSerializer,
        responses={200: TicketSerializer, **error_responses(400, 401, 403, 404, 409, 415, 429)},
        examples=[
            OpenApiExample(
                "Put on hold",
                request_only=True,
                value={"move": "hold", "note": "Waiting for the spare part.", "expected_version": 3},
            )
        ],
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket = self.ticket()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        merge_into = None
        if fields["merge_into"].strip():
            merge_into = by_reference(self.get_queryset(), fields["merge_into"])
            if merge_into is None:
                raise ValidationError({"merge_into": [UNKNOWN_REFERENCE]})
        services.ticket_transition(
            ticket=ticket,
            move=fields["move"],
            by=request.user,
            customer=acting_customer(request.user),
            note=fields["note"],
            merge_into=merge_into,
            expected_version=fields["expected_version"],
        )
        return self.answer(self.ticket())


class TicketAssignView(TicketScope, generics.GenericAPIView):
    serializer_class = AssignSerializer

    @extend_schema(
        operation_id="tickets_assign",
        tags=["tickets"],
        summary="Give a ticket to a station and/or a technician, and agree the visit",
        description="Leave out `station` or `assignee` to keep it, send null to clear it. The agreed visit "
        "(day and slot) is shown and emailed to the customer. Agents, managers and administrators only.",
        parameters=[REFERENCE],
        request=AssignSerializer,
        responses={200: TicketSerializer, **error_responses(400, 401, 403, 404, 409, 415, 429)},
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket = self.ticket()
        require_desk(request)
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        appointment = (
            (fields["appointment_date"], fields["appointment_slot"]) if fields.get("appointment_date") else None
        )
        services.ticket_assign(
            ticket=ticket,
            station=fields["station"] if "station" in fields else ticket.station,
            assignee=fields["assignee"] if "assignee" in fields else ticket.assignee,
            by=request.user,
            expected_version=fields["expected_version"],
            appointment=appointment,
        )
        return self.answer(self.ticket())


class TicketResolutionView(TicketScope, generics.GenericAPIView):
    serializer_class = ResolutionSerializer

    @extend_schema(
        operation_id="tickets_record_resolution",
        tags=["tickets"],
        summary="Record what was found and done",
        description="The work done, parts and charge; a repair also needs its fault code, component and root "
        "cause before it can be resolved. Recording again replaces the earlier record until the ticket is "
        "closed. Staff, and a technician on their own jobs.",
        parameters=[REFERENCE],
        request=ResolutionSerializer,
        responses={200: TicketSerializer, **error_responses(400, 401, 403, 404, 409, 415, 429)},
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket = self.ticket()
        if acting_customer(request.user) is not None:
            raise PermissionDenied(STAFF_ONLY)
        data = ResolutionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.ticket_record_resolution(ticket=ticket, by=request.user, **data.validated_data)
        return self.answer(self.ticket())

"""How the ticket endpoints answer a ticket: the objects it names (customer, unit, station, staff,
fault category), a row of the list, and the whole ticket with the moves the caller may make.

They read only what the views' querysets joined in (docs/architecture.md#house-rules): a list costs the same few
queries for 5 rows or 100. A customer's own token is not shown what the portal does not show.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tickets.api.serializers import display_name
from tickets.api.ticket_rows import TicketRows
from tickets.choices import VisitSlot
from tickets.models import Ticket
from tickets.transitions import MOVES

# --- the objects a ticket names -----------------------------------------------------------------


class CustomerRefSerializer(serializers.Serializer):
    """The customer a ticket is for."""

    id = serializers.IntegerField(help_text="Id of the customer: their id in /api/customers/.")
    name = serializers.CharField(help_text="The customer's name.")
    phone = serializers.CharField(help_text="E.164, e.g. +8613812345678.")


class UnitRefSerializer(serializers.Serializer):
    """The product unit a ticket is about."""

    id = serializers.IntegerField(help_text="Id of the product unit: its id in /api/units/.")
    serial = serializers.CharField(help_text="The unit's serial number (IMEI for phones, VIN for cars).")
    model = serializers.CharField(source="model.code", help_text="Product model code.")
    model_name = serializers.CharField(
        source="model.display_name", help_text="Product model name, in the request's language."
    )


class UnitWarrantySerializer(UnitRefSerializer):
    """The product unit a ticket is about, with its whole-unit warranty period."""

    warranty_start = serializers.DateField(
        allow_null=True, help_text="First day of the whole-unit warranty; null when no recorded date starts it."
    )
    warranty_end = serializers.DateField(
        allow_null=True, help_text="Last day of the whole-unit warranty; null when no recorded date starts it."
    )
    in_warranty = serializers.SerializerMethodField(help_text="The whole-unit warranty runs today.")

    def get_in_warranty(self, unit) -> bool:
        today: dt.date = self.context["today"]
        return unit.warranty_end is not None and unit.warranty_end >= today


class StationRefSerializer(serializers.Serializer):
    """A service station."""

    id = serializers.IntegerField(help_text="Id of the service station (the assign endpoint's `station`).")
    code = serializers.CharField(help_text="The station's short code.")
    name = serializers.CharField(source="display_name", help_text="The station's name, in the request's language.")


class ProviderRefSerializer(serializers.Serializer):
    """A service provider."""

    code = serializers.CharField(help_text="The provider's code (the offer endpoint's `provider`).")
    name = serializers.CharField(source="display_name", help_text="The provider's name, in the request's language.")


class UserRefSerializer(serializers.Serializer):
    """A staff member."""

    id = serializers.IntegerField(help_text="User id (the assign endpoint's `assignee`).")
    name = serializers.SerializerMethodField(
        help_text="Their full name, or the username when none is recorded; a customer's own token gets the first "
        "name, as the portal shows it."
    )

    def get_name(self, user: AbstractBaseUser) -> str:
        if self.context.get("customer_view"):
            return user.first_name or user.get_username()
        return display_name(user)


class FaultCategoryRefSerializer(serializers.Serializer):
    """What a contact is about: a product fault, a class of service complaint, or a request."""

    code = serializers.CharField(help_text="Fault category code (the create endpoint's `fault_category`).")
    name = serializers.CharField(source="display_name", help_text="The category's name, in the request's language.")


class MoveSerializer(serializers.Serializer):
    move = serializers.ChoiceField(
        choices=[move.name for move in MOVES], help_text="Send it to the transition endpoint."
    )
    label = serializers.CharField(help_text="The move's name as the desk's buttons show it, in the request's language.")
    needs_note = serializers.BooleanField(help_text="The move needs a note (the reason).")
    blocked_by = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why the move cannot be made yet (empty: it can). A missing note or merge target is not listed.",
    )


# --- tickets ------------------------------------------------------------------------------


# What a customer's own token is not shown, as the portal does not show it: the desk's deadlines
# and whether they were missed, its duplicate guess, and the technician's findings kept for quality
# (what was done, the parts and the charge are shown). UserRefSerializer gives them a first name.
CUSTOMER_HIDDEN_AS_NULL = (
    "next_due",
    "overdue",
    "response_due",
    "dispatch_due",
    "arrival_due",
    "completion_due",
    "suspected_duplicate_of",
    "provider",
    "provider_offered_at",
    "provider_accept_due",
    "provider_accepted_at",
)
CUSTOMER_HIDDEN_AS_BLANK = ("fault_code", "fault_component", "root_cause")
HIDDEN_FROM_CUSTOMERS = " Null for a customer's own token."
BLANK_FOR_CUSTOMERS = " Empty for a customer's own token."


class TicketListSerializer(serializers.ModelSerializer):
    """A ticket as a list shows it. With ``customer_view`` in the context (the caller acts as the
    customer) the fields in CUSTOMER_HIDDEN_AS_NULL and _AS_BLANK are emptied."""

    customer = CustomerRefSerializer(read_only=True, help_text="The customer the ticket is for.")
    unit = UnitRefSerializer(
        read_only=True, allow_null=True, help_text="The customer's product unit concerned; null when none was named."
    )
    station = StationRefSerializer(
        read_only=True, allow_null=True, help_text="The service station given the job; null until one is assigned."
    )
    assignee = UserRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="The technician given the job; null until one is assigned.",
    )
    # A page of rows is written by ticket_rows.TicketRows, the same JSON, without a field per cell.
    direct_rows = True

    overdue = serializers.SerializerMethodField(
        help_text="The current stage's deadline has passed." + HIDDEN_FROM_CUSTOMERS
    )

    class Meta:
        model = Ticket
        list_serializer_class = TicketRows
        fields = [
            "reference",
            "kind",
            "channel",
            "status",
            "priority",
            "description",
            "customer",
            "unit",
            "station",
            "assignee",
            "created_at",
            "next_due",
            "overdue",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "reference": {
                "help_text": "The ticket's reference, e.g. AS-2026-000123: the business year it was logged in and a "
                "number counted from 1 each year. Its id in /api/tickets/."
            },
            "kind": {
                "help_text": "What the request is: a repair, installation, maintenance, consultation or complaint."
            },
            "channel": {"help_text": "How the request came in; web for a customer's own request."},
            "status": {
                "help_text": "Where the ticket is: new → acknowledged → dispatched → in_progress → resolved → verified "
                "→ closed; on_hold while the customer holds things up; reopened; cancelled and merged are final."
            },
            "priority": {
                "help_text": "Sets the deadlines: urgent runs on a quarter of the normal clock, high on half of it, "
                "low on twice it."
            },
            "description": {"help_text": "The problem or request, in the customer's words."},
            "created_at": {"help_text": "When the ticket was logged; its deadlines count from here."},
            "next_due": {
                "help_text": "Deadline of the current stage (null when no clock runs)." + HIDDEN_FROM_CUSTOMERS
            },
            "version": {"help_text": "Send it back as expected_version: a change made since is refused (409)."},
        }

    @extend_schema_field({"type": "boolean", "nullable": True})
    def get_overdue(self, ticket: Ticket) -> bool:
        return ticket.next_due is not None and ticket.next_due < self.context["now"]

    def to_representation(self, ticket: Ticket) -> dict:
        data = super().to_representation(ticket)
        if self.context.get("customer_view"):
            for name in CUSTOMER_HIDDEN_AS_NULL:
                if name in data:
                    data[name] = None
            for name in CUSTOMER_HIDDEN_AS_BLANK:
                if name in data:
                    data[name] = ""
        return data


class TicketSerializer(TicketListSerializer):
    direct_rows = False

    unit = UnitWarrantySerializer(
        read_only=True,
        allow_null=True,
        help_text="The customer's product unit concerned, with its warranty period; null when none was named.",
    )
    fault_category = FaultCategoryRefSerializer(
        read_only=True, allow_null=True, help_text="What the contact is about; null when not classified."
    )
    suspected_duplicate_of = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="Reference of the open ticket of the same customer, unit and fault category found when this one "
        "was logged: likely the same problem. Null when there was none." + HIDDEN_FROM_CUSTOMERS,
    )
    merged_into = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="Reference of the ticket this duplicate was merged into; null unless status is merged.",
    )
    complaint_about = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="For a complaint, the reference of the customer's ticket it is about; null otherwise.",
    )
    # Blank when the customer named no time of day (read-only model fields lose allow_blank).
    preferred_visit_slot = serializers.ChoiceField(
        choices=VisitSlot.choices,
        allow_blank=True,
        read_only=True,
        help_text="The time of day the customer would like the visit: morning (9:00–12:00), afternoon "
        "(13:00–17:00) or evening (18:00–21:00); empty when they named none.",
    )
    provider = ProviderRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="The service provider the job is dispatched to, offered or accepted; null while headquarters has "
        "it." + HIDDEN_FROM_CUSTOMERS,
    )
    moves = serializers.SerializerMethodField(help_text="The moves the caller's role may make from the current status.")

    class Meta(TicketListSerializer.Meta):
        fields = [
            *TicketListSerializer.Meta.fields,
            "fault_category",
            "contacted_at",
            "updated_at",
            "acknowledged_at",
            "dispatched_at",
            "started_at",
            "resolved_at",
            "verified_at",
            "closed_at",
            "cancelled_at",
            "response_due",
            "dispatch_due",
            "arrival_due",
            "completion_due",
            "on_hold_since",
            "preferred_visit_date",
            "preferred_visit_slot",
            "appointment_start",
            "appointment_end",
            "fault_code",
            "fault_component",
            "root_cause",
            "work_done",
            "parts_used",
            "charge",
            "visits",
            "reopened_count",
            "suspected_duplicate_of",
            "merged_into",
            "complaint_about",
            "provider",
            "provider_offered_at",
            "provider_accept_due",
            "provider_accepted_at",
            "moves",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **TicketListSerializer.Meta.extra_kwargs,
            "contacted_at": {
                "help_text": "When the customer first got in touch, if before the ticket was logged (a letter, a "
                "voicemail); null when it was logged as they called. Logged more than 2 hours later is an omission."
            },
            "updated_at": {"help_text": "When the ticket was last written."},
            "acknowledged_at": {
                "help_text": "When the desk first acknowledged the request (kept when a reopened ticket is "
                "acknowledged again); null until then."
            },
            "dispatched_at": {"help_text": "When it was last dispatched to a station or technician; null until then."},
            "started_at": {"help_text": "When the technician last started work on site; null until then."},
            "resolved_at": {"help_text": "When it was last resolved; null until then."},
            "verified_at": {
                "help_text": "When the desk last verified the resolution, after the after-service callback was "
                "settled; null until then."
            },
            "closed_at": {"help_text": "When it was last closed; null until then."},
            "cancelled_at": {"help_text": "When it was cancelled; null unless it was."},
            "response_due": {
                "help_text": "Deadline for the first response (moving the ticket on from new): hours after logging by "
                "kind and priority; for a complaint, the end of the business day it came in on." + HIDDEN_FROM_CUSTOMERS
            },
            "dispatch_due": {
                "help_text": "Deadline for dispatching a station or technician; null for consultations and "
                "complaints. Restarts when the ticket is reopened." + HIDDEN_FROM_CUSTOMERS
            },
            "arrival_due": {
                "help_text": "Deadline for the technician to start work on site; null for consultations and "
                "complaints. Restarts when the ticket is reopened." + HIDDEN_FROM_CUSTOMERS
            },
            "completion_due": {
                "help_text": "Deadline for resolving the ticket. Restarts when the ticket is reopened."
                + HIDDEN_FROM_CUSTOMERS
            },
            "on_hold_since": {
                "help_text": "When the current customer-caused pause began; null unless status is on_hold. Resuming "
                "moves the deadlines that were still ahead when it began on by the length of the pause."
            },
            "preferred_visit_date": {
                "help_text": "The day the customer would like the visit; null when they named none."
            },
            "appointment_start": {
                "help_text": "Start of the visit agreed with the customer (the first hour of the agreed slot); null "
                "until one is agreed."
            },
            "appointment_end": {
                "help_text": "End of the agreed visit (the end of the agreed slot); null until agreed."
            },
            "fault_code": {
                "help_text": "The technician's fault code; empty until the resolution is recorded. A quality fault "
                "code feeds the fault back to its department when a repair is resolved." + BLANK_FOR_CUSTOMERS
            },
            "fault_component": {
                "help_text": "The faulty component; empty until the resolution is recorded." + BLANK_FOR_CUSTOMERS
            },
            "root_cause": {
                "help_text": "The root cause the technician found; empty until the resolution is recorded."
                + BLANK_FOR_CUSTOMERS
            },
            "work_done": {"help_text": "The work done; empty until the resolution is recorded."},
            "parts_used": {"help_text": "The parts used, as the technician wrote them; empty when none."},
            "charge": {
                "help_text": "What the customer pays for the work, in yuan (CNY); 0.00 for free work. Carrying out a "
                "warranty claim's repair sets it too."
            },
            "visits": {
                "help_text": "Technician visits started (moves into in_progress; resuming after a pause is the same "
                "visit). More than one means the fault was not fixed first time."
            },
            "reopened_count": {"help_text": "How many times the ticket was reopened."},
            "provider_offered_at": {
                "help_text": "When the job was last offered to its `provider`; null while headquarters has it."
                + HIDDEN_FROM_CUSTOMERS
            },
            "provider_accept_due": {
                "help_text": "The provider must accept by then (its accept hours in business time), or the job "
                "returns to headquarters, escalated; null while headquarters has it." + HIDDEN_FROM_CUSTOMERS
            },
            "provider_accepted_at": {
                "help_text": "When the provider accepted the job; null until then." + HIDDEN_FROM_CUSTOMERS
            },
        }

    @extend_schema_field(MoveSerializer(many=True))
    def get_moves(self, ticket: Ticket) -> list[dict]:
        return self.context["moves"]

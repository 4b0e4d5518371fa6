"""What the ticket endpoints read (small input serializers) and a timeline event as they answer it.

Inputs are checked for shape here; the lifecycle rules are the services' and come back as
field errors in the one error shape. A ticket as the endpoints answer it is in
tickets/api/ticket_output.py. Output serializers read only what the views' querysets joined in
(docs/architecture.md#house-rules): a list costs the same few queries for 5 rows or 100.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.scoping import staff_in_scope
from tickets.choices import CUSTOMER_REQUEST_KINDS, Channel, Kind, Priority, Status, VisitSlot
from tickets.models import ServiceStation, TicketEvent
from tickets.timeline_texts import render_event_text
from tickets.transitions import MOVES

STAFF_ONLY = _("Only service staff set this.")
CUSTOMERS_ONLY = _("Customers give their preferred visit; staff agree the visit with the assign endpoint.")
STAFF_REQUIRED = serializers.Field.default_error_messages["required"]
PORTAL_KIND_ONLY = _("Choose repair, installation, maintenance or complaint.")
BOTH_DAY_AND_SLOT = _("Give both the day and the time of the visit.")
NOTE_FIRST = _("Write the note first.")


def display_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(
        help_text="Who made the change; null for automatic events, and always null for customers."
    )
    data = serializers.SerializerMethodField(
        help_text="Details for staff (channel, move, assignee…); empty for customers."
    )
    note = serializers.SerializerMethodField(
        help_text="What the event says, in the request's language (Accept-Language): the system's text for the "
        "event, or the note, reason or comment as a person typed it; may be empty."
    )
    # Blank when the event is not a status change (and "from" on creation).
    from_status = serializers.ChoiceField(
        choices=Status.choices,
        allow_blank=True,
        read_only=True,
        help_text="The status before a status change; empty for other events and on creation.",
    )
    to_status = serializers.ChoiceField(
        choices=Status.choices,
        allow_blank=True,
        read_only=True,
        help_text="The status after a status change, or new on creation; empty for other events.",
    )

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "created_at",
            "from_status",
            "to_status",
            "note",
            "message_code",
            "message_params",
            "is_public",
            "actor",
            "data",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Id of the event."},
            "kind": {"help_text": "What happened."},
            "created_at": {"help_text": "When it happened."},
            "message_code": {
                "help_text": "The code of the system's text that `note` renders (e.g. `visit.agreed`); empty when a "
                "person typed the note, and on events written before the codes."
            },
            "message_params": {
                "help_text": "The values the system's text is rendered with: codes for vocabulary (a remedy, a "
                "callback result), ISO 8601 strings for dates and times; empty without a `message_code`."
            },
            "is_public": {
                "help_text": "The customer sees the event on their tracking page; a customer is only ever shown "
                "public events."
            },
        }

    def get_actor(self, event: TicketEvent) -> str | None:
        if not self.context["staff"] or event.actor is None:
            return None
        return display_name(event.actor)

    def get_note(self, event: TicketEvent) -> str:
        return render_event_text(event)

    def get_data(self, event: TicketEvent) -> dict:
        return event.data if self.context["staff"] else {}


# --- inputs -------------------------------------------------------------------------------


def _given(serializer: serializers.Serializer, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in serializer.initial_data]


class TicketCreateSerializer(serializers.Serializer):
    """A new ticket. Staff log any customer's request; a customer requests service for themselves,
    as on the portal (channel web)."""

    customer = serializers.IntegerField(min_value=1, required=False, help_text="Customer id. Staff: required.")
    unit = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="Id of one of the customer's product units."
    )
    kind = serializers.ChoiceField(
        choices=Kind.choices, help_text="Customers: repair, installation, maintenance or complaint."
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices, required=False, help_text="How the request came in. Staff: required."
    )
    description = serializers.CharField(max_length=4000, help_text="The problem or request, in the customer's words.")
    priority = serializers.ChoiceField(
        choices=Priority.choices, required=False, default=Priority.NORMAL, help_text="Staff only."
    )
    fault_category = serializers.CharField(
        max_length=40, required=False, allow_null=True, help_text="Fault category code. Staff only."
    )
    contacted_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Staff only: when the customer first got in touch, if before now (a letter, a voicemail).",
    )
    complaint_about = serializers.CharField(
        max_length=30,
        required=False,
        allow_null=True,
        help_text="Staff only: for a complaint, the reference of the customer's ticket it is about.",
    )
    preferred_visit_date = serializers.DateField(required=False, allow_null=True, help_text="Customers only.")
    preferred_visit_slot = serializers.ChoiceField(
        choices=VisitSlot.choices, required=False, allow_blank=True, help_text="Customers only."
    )

    STAFF_FIELDS = ("customer", "channel", "priority", "fault_category", "contacted_at", "complaint_about")
    CUSTOMER_FIELDS = ("preferred_visit_date", "preferred_visit_slot")

    def validate(self, attrs: dict) -> dict:
        errors: dict[str, list] = {}
        if self.context["staff"]:
            for name in ("customer", "channel"):
                if name not in attrs:
                    errors[name] = [STAFF_REQUIRED]
            errors.update({name: [CUSTOMERS_ONLY] for name in _given(self, self.CUSTOMER_FIELDS)})
        else:
            errors.update({name: [STAFF_ONLY] for name in _given(self, self.STAFF_FIELDS)})
            if attrs["kind"] not in CUSTOMER_REQUEST_KINDS:
                errors["kind"] = [PORTAL_KIND_ONLY]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TransitionSerializer(serializers.Serializer):
    move = serializers.ChoiceField(choices=[move.name for move in MOVES], help_text="One of the ticket's `moves`.")
    note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", help_text="The reason; some moves need it."
    )
    expected_version = serializers.IntegerField(min_value=1, help_text="The ticket's `version` as last read.")
    merge_into = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="For merge: the reference of the ticket this one duplicates.",
    )


class AssignSerializer(serializers.Serializer):
    """Leave out ``station`` or ``assignee`` to keep it; send null to clear it."""

    station = serializers.PrimaryKeyRelatedField(
        queryset=ServiceStation.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown service station.")},
        help_text="Service station id; null clears it, leaving it out keeps it.",
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=staff_in_scope(get_user_model().objects.filter(is_active=True)),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown user.")},
        help_text="The technician's user id; null clears it, leaving it out keeps it.",
    )
    expected_version = serializers.IntegerField(min_value=1, help_text="The ticket's `version` as last read.")
    appointment_date = serializers.DateField(
        required=False, allow_null=True, help_text="The agreed visit day (with appointment_slot); not in the past."
    )
    appointment_slot = serializers.ChoiceField(
        choices=VisitSlot.choices,
        required=False,
        allow_blank=True,
        help_text="The agreed time of day (with appointment_date): morning (9:00–12:00), afternoon (13:00–17:00) or "
        "evening (18:00–21:00).",
    )

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("appointment_date")) != bool(attrs.get("appointment_slot")):
            raise serializers.ValidationError({"appointment_slot": [BOTH_DAY_AND_SLOT]})
        return attrs


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=4000, error_messages={"required": NOTE_FIRST, "blank": NOTE_FIRST}, help_text="The note."
    )
    is_public = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Staff: the customer sees the note on their timeline. A customer's own notes are always visible.",
    )


class ResolutionSerializer(serializers.Serializer):
    """What was found and done. A repair needs its fault code, component and root cause (no-leak 4)."""

    work_done = serializers.CharField(max_length=4000, help_text="The work done.")
    fault_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="Repairs: the fault code."
    )
    fault_component = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default="", help_text="Repairs: the faulty component."
    )
    root_cause = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", help_text="Repairs: the root cause."
    )
    parts_used = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", help_text="The parts used, as free text."
    )
    charge = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        default=Decimal("0.00"),
        help_text="What the customer pays for the work, in yuan (CNY). Default 0.00.",
    )
    expected_version = serializers.IntegerField(min_value=1, help_text="The ticket's `version` as last read.")

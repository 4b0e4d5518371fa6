"""What the callback, feedback, recall and alert endpoints read and answer (issue 7).

Output serializers read only what their view's queryset joined in (docs/architecture.md#house-rules), so a
list costs the same few queries for 5 rows or 100. Inputs are checked for shape here; the
rules are the services' and come back as field errors in the one error shape.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from followups.choices import CallbackKind, CallbackResult, CallbackStatus
from followups.feedback.forms import ANSWER_MAX_LENGTH
from followups.models import CallbackVisit, FeedbackStatus
from tickets.api.links import (
    CustomerLinkSerializer,
    ModelLinkSerializer,
    StaffLinkSerializer,
    TicketLinkSerializer,
    UnitLinkSerializer,
)
from tickets.models import Department

NOTE_MAX_LENGTH = 2000


# --- callback visits ----------------------------------------------------------------------------------


def _score(help_text: str) -> serializers.IntegerField:
    """A rating from 1 (very dissatisfied) to 5, or null."""
    return serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, help_text=help_text)


class ScoresSerializer(serializers.Serializer):
    attitude = _score("The staff's attitude, 1 (very dissatisfied) to 5; optional.")
    punctuality = _score("Whether the technician came on time, 1 (very dissatisfied) to 5; optional.")
    quality = _score("The quality of the work, 1 (very dissatisfied) to 5; optional.")
    overall = _score(
        "1 (very dissatisfied) to 5. Needed when an after-service call reaches the customer, unless "
        "they raised a complaint; 1–2 reopens the ticket and opens a complaint."
    )


class CallbackAttemptInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=CallbackResult.choices,
        help_text="How the call went: reached settles the visit; the others count towards unreachable.",
        error_messages={
            "required": _("Choose the result of the call."),
            "invalid_choice": _("Choose the result of the call."),
        },
    )
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="The agent's note on the call, e.g. when to try again.",
    )
    scores = ScoresSerializer(required=False, help_text="The customer's ratings, when reached.")
    comment = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, help_text="What the customer said."
    )
    raised_complaint = serializers.BooleanField(
        required=False, default=False, help_text="The customer complained: a complaint ticket is opened."
    )
    complaint_class = serializers.CharField(
        max_length=40,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="What the complaint is about, by fault category code: a service class (attitude, delay, no_show, "
        "overcharging, workmanship) counts in the complaint rate, a product fault as a product-quality complaint. "
        "Taken as the class of the complaint ticket the call opens (on a complaint or a rating of 1–2); the complaint "
        "is about the callback's ticket.",
    )


class CallbackAttemptSerializer(serializers.Serializer):
    """One call made to the customer."""

    id = serializers.IntegerField(help_text="Id of the call.")
    result = serializers.ChoiceField(choices=CallbackResult.choices, help_text="How the call went.")
    note = serializers.CharField(help_text="The agent's note on the call; may be empty.")
    by = StaffLinkSerializer(
        allow_null=True, help_text="Who made the call; null for a customer's own answer to the emailed survey."
    )
    at = serializers.DateTimeField(help_text="When the call was made.")


class CallbackScoresSerializer(serializers.Serializer):
    """The customer's ratings, 1 (very dissatisfied) to 5, given when they were reached; null when not given."""

    attitude = serializers.IntegerField(
        source="score_attitude", allow_null=True, help_text="The staff's attitude, 1 to 5; null when not given."
    )
    punctuality = serializers.IntegerField(
        source="score_punctuality",
        allow_null=True,
        help_text="Whether the technician came on time, 1 to 5; null when not given.",
    )
    quality = serializers.IntegerField(
        source="score_quality", allow_null=True, help_text="The quality of the work, 1 to 5; null when not given."
    )
    overall = serializers.IntegerField(
        source="score_overall",
        allow_null=True,
        help_text="Overall satisfaction, 1 to 5, the rating the dissatisfaction rate reads; null when not given.",
    )


class CallbackSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the callback visit.")
    kind = serializers.ChoiceField(choices=CallbackKind.choices, help_text="Why the customer is called.")
    status = serializers.ChoiceField(
        choices=CallbackStatus.choices,
        help_text="due: still to call; done: the customer was reached; unreachable: three failed calls on two "
        "different days; cancelled: no longer needed (the ticket was reopened before the call).",
    )
    due_at = serializers.DateTimeField(
        help_text="When the call is due: 72 hours after the resolution (after service), 7 or 30 days after it "
        "(installation), 2 days after the recall ticket was opened; midnight of the day 14 days before a "
        "maintenance or 30 days before the warranty ends (not before the day it was scheduled)."
    )
    is_overdue = serializers.SerializerMethodField(help_text="Still to call and past its due time.")
    customer = CustomerLinkSerializer(help_text="The customer to call.")
    ticket = TicketLinkSerializer(
        allow_null=True, help_text="The ticket the call follows up; null for maintenance and warranty-end calls."
    )
    unit = UnitLinkSerializer(allow_null=True, help_text="The product unit the call is about; null when none.")
    assigned_to = StaffLinkSerializer(
        allow_null=True, help_text="The agent who makes the call: the customer's representative; null when none."
    )
    extended_warranty_offer = serializers.BooleanField(
        help_text="Offer the customer an extended warranty on this call (warranty-end calls)."
    )
    attempt_count = serializers.SerializerMethodField(help_text="How many calls were made so far.")
    scores = CallbackScoresSerializer(source="*", help_text="The customer's ratings, given when they were reached.")
    comment = serializers.CharField(help_text="What the customer said, when reached; may be empty.")
    raised_complaint = serializers.BooleanField(
        help_text="The customer complained on the call: a complaint ticket was opened (`complaint_ticket`)."
    )
    complaint_ticket = TicketLinkSerializer(
        allow_null=True,
        help_text="The complaint opened from this call (a complaint, or an overall rating of 1–2); null when none.",
    )
    completed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the visit was settled (done or unreachable); null while it is due."
    )
    created_at = serializers.DateTimeField(help_text="When the visit was scheduled.")

    def get_is_overdue(self, visit: CallbackVisit) -> bool:
        now: dt.datetime = self.context["now"]
        return visit.status == CallbackStatus.DUE and visit.due_at < now

    def get_attempt_count(self, visit: CallbackVisit) -> int:
        count = getattr(visit, "attempt_count", None)
        return count if count is not None else len(visit.attempts.all())


class CallbackDetailSerializer(CallbackSerializer):
    attempts = CallbackAttemptSerializer(many=True, help_text="The calls made so far, oldest first.")


# --- feedback items ---------------------------------------------------------------------------------


class FeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the feedback item.")
    ticket = TicketLinkSerializer(help_text="The repair ticket whose resolution opened the item.")
    department = serializers.ChoiceField(
        choices=Department.choices, help_text="The department the fault code is routed to, who answers the item."
    )
    fault_code = serializers.CharField(help_text="The quality fault code the repair was resolved with.")
    component = serializers.CharField(
        help_text="The faulty component: the technician's, or the fault code's when they named none."
    )
    root_cause = serializers.CharField(help_text="The technician's finding.")
    model = ModelLinkSerializer(
        allow_null=True, help_text="The model of the repaired unit; null when the ticket named no unit."
    )
    batch = serializers.CharField(help_text="The repaired unit's production batch; empty when not recorded.")
    status = serializers.ChoiceField(
        choices=FeedbackStatus.choices,
        help_text="open (awaiting acknowledgement) → acknowledged → answered.",
    )
    created_at = serializers.DateTimeField(help_text="When the item was opened: when the repair was resolved.")
    acknowledge_due = serializers.DateTimeField(
        help_text="The department acknowledges by then: 7 days after the item was opened."
    )
    is_overdue = serializers.BooleanField(help_text="Not acknowledged within the 7 days: an omission (no-leak 4).")
    acknowledged_at = serializers.DateTimeField(
        allow_null=True, help_text="When the department acknowledged the item; null until then."
    )
    acknowledged_by = StaffLinkSerializer(allow_null=True, help_text="Who acknowledged it; null until then.")
    cause = serializers.CharField(help_text="The cause the department found; empty until answered.")
    corrective_action = serializers.CharField(
        help_text="What the department changes, and from when or which batch; empty until answered."
    )
    answered_at = serializers.DateTimeField(allow_null=True, help_text="When the department answered; null until then.")
    answered_by = StaffLinkSerializer(allow_null=True, help_text="Who answered; null until then.")


class FeedbackAnswerSerializer(serializers.Serializer):
    cause = serializers.CharField(
        max_length=ANSWER_MAX_LENGTH,
        help_text="What the department found behind the fault.",
        error_messages={
            "required": _("Give the cause the department found."),
            "blank": _("Give the cause the department found."),
        },
    )
    corrective_action = serializers.CharField(
        max_length=ANSWER_MAX_LENGTH,
        help_text="What changes in design, production or operations, and from when or which batch.",
        error_messages={
            "required": _("Say what the department does to correct it."),
            "blank": _("Say what the department does to correct it."),
        },
    )


# --- recalls and alerts -------------------------------------------------------------------------------

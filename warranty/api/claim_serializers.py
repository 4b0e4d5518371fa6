"""What the warranty claim API reads and answers: the facts as the agent confirms them, the
inputs of opening, choosing, goodwill and carrying out, and a claim as staff and customers read
it (its internal part for staff only). docs/three-guarantees.md."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.roles import is_desk_user
from customers.models import ProductModel
from tickets.api.links import StaffLinkSerializer, TicketLinkSerializer, UnitLinkSerializer
from warranty import evaluation
from warranty import three_guarantees as tg
from warranty.api.evaluate import NULL_MEANS_ABSENT, WarrantyFactsSerializer
from warranty.models import ClaimStatus, WarrantyClaim

FUTURE_DATE = _("This date is in the future.")


class ClaimFactsSerializer(WarrantyFactsSerializer):
    """The facts as the agent confirms them, in the warranty evaluation API's shape. Facts left
    out come from the ticket's unit and its history. A fact given that differs from the records is
    a correction and needs ``correction_reason``; give ``proof`` whole when correcting it."""

    category = None
    unit = None
    fault_category = None
    claim_date = None

    def validate(self, attrs: dict) -> dict:
        return {key: value for key, value in attrs.items() if not (key in NULL_MEANS_ABSENT and value is None)}


class ClaimCreateSerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=20, help_text="Reference of the ticket; its product must be registered.")
    claim_date = serializers.DateField(required=False, help_text="Default: today in the business time zone.")
    facts = ClaimFactsSerializer(required=False, help_text="The facts confirmed or corrected; default: the records.")
    correction_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, help_text="Why facts from the records were corrected."
    )

    def validate_claim_date(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(FUTURE_DATE)
        return value


class ChooseSerializer(serializers.Serializer):
    remedy = serializers.ChoiceField(choices=tg.Remedy.choices, help_text="One of the claim's allowed remedies.")


class GoodwillSerializer(serializers.Serializer):
    remedy = serializers.ChoiceField(choices=tg.Remedy.choices, help_text="Any remedy, allowed or not.")
    reason = serializers.CharField(max_length=4000, help_text="Why this goodwill remedy is granted.")


class ExecuteSerializer(serializers.Serializer):
    charge = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="A paid repair's charge.",
    )
    new_serial = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="A replacement's serial number."
    )
    new_model = serializers.PrimaryKeyRelatedField(
        queryset=ProductModel.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Id of the replacement's model (replace_other_model); default the same model.",
    )
    refund = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="A return's refund; default the decision's amount (full price or depreciated).",
    )


class PolicyLinkSerializer(serializers.Serializer):
    """The version of the category's three-guarantees policy a decision was made under."""

    code = serializers.CharField(source="category.code", help_text="Product category code.")
    version = serializers.IntegerField(help_text="The policy version the decision was made under.")


class ClaimInternalSerializer(serializers.Serializer):
    """What only staff read: who did what, and the corrections and goodwill behind the decision."""

    prefilled = serializers.JSONField(help_text="The facts as the records held them.")
    corrections = serializers.JSONField(help_text="Corrected facts: name → [from the records, entered].")
    correction_reason = serializers.CharField(
        help_text="Why facts from the records were corrected; empty when none were."
    )
    goodwill_reason = serializers.CharField(
        help_text="The manager's reason for a goodwill remedy; empty unless `is_goodwill`."
    )
    decided_by = StaffLinkSerializer(help_text="Who opened the claim (the engine decided at once).")
    chosen_by = StaffLinkSerializer(
        allow_null=True, help_text="Who recorded the customer's choice or granted the goodwill; null until then."
    )
    executed_by = StaffLinkSerializer(allow_null=True, help_text="Who carried the remedy out; null until then.")


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the warranty claim.")
    ticket = TicketLinkSerializer(help_text="The ticket the claim was opened on.")
    unit = UnitLinkSerializer(help_text="The product unit claimed for: the ticket's unit.")
    status = serializers.ChoiceField(
        choices=ClaimStatus.choices,
        help_text="evaluated (decided, no choice yet) → chosen (a remedy recorded) → executed (carried out).",
    )
    policy = PolicyLinkSerializer(help_text="The policy version the decision was made under.")
    rule = serializers.CharField(help_text="Stable code of the rule that decided.")
    remedies = serializers.ListField(
        child=serializers.ChoiceField(choices=tg.Remedy.choices),
        help_text="The remedies the customer may choose from.",
    )
    free = serializers.BooleanField(help_text="Whether the allowed remedies are free of charge.")
    reasons = serializers.SerializerMethodField(help_text="Why, in plain words, in the request's language.")
    period_end = serializers.DateField(
        allow_null=True,
        help_text="Last day of free repair for the claimed part; null when nothing dates the purchase.",
    )
    refund_amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text="The refund a return gives, in yuan (CNY), depreciation deducted where it applies; null when no "
        "return is offered or the price is not known.",
    )
    usage_fee = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text="Cars: the usage fee the owner pays on a replacement or return, in yuan (CNY); null when it does "
        "not apply.",
    )
    loaner = serializers.BooleanField(help_text="Cars: a loaner car is owed.")
    facts = serializers.JSONField(help_text="The facts the decision was computed from.")
    decided_at = serializers.DateTimeField(help_text="When the claim was opened and decided.")
    chosen_remedy = serializers.SerializerMethodField(
        help_text="The remedy recorded: the customer's choice, or a manager's goodwill remedy; null until then."
    )
    is_goodwill = serializers.BooleanField(
        help_text="The chosen remedy is outside the allowed ones, granted by a manager as goodwill."
    )
    chosen_at = serializers.DateTimeField(allow_null=True, help_text="When the remedy was recorded; null until then.")
    executed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the remedy was carried out; null until then."
    )
    charge = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text="A repair remedy carried out: what the customer paid, in yuan (CNY), 0.00 when free; null otherwise.",
    )
    refund_paid = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text="A return carried out: the amount refunded, in yuan (CNY); null otherwise.",
    )
    replacement_unit = UnitLinkSerializer(
        allow_null=True,
        help_text="A replacement carried out: the new unit registered for the customer; null otherwise.",
    )
    internal = serializers.SerializerMethodField(help_text="Staff only; null for a customer.")

    def get_reasons(self, claim: WarrantyClaim) -> list[str]:
        return evaluation.reasons_from_codes(claim.reason_codes)

    @extend_schema_field(serializers.ChoiceField(choices=tg.Remedy.choices, allow_null=True))
    def get_chosen_remedy(self, claim: WarrantyClaim) -> str | None:
        return claim.chosen_remedy or None

    @extend_schema_field(ClaimInternalSerializer(allow_null=True))
    def get_internal(self, claim: WarrantyClaim) -> dict | None:
        if not is_desk_user(self.context["request"].user):
            return None
        return ClaimInternalSerializer(claim).data

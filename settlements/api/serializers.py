"""The settlement API's bodies: providers, rate cards, travel allowances, statements with their
totals, settlement lines, and the inputs of the statement moves and line decisions."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers.models import ProductCategory
from network.models import ServiceProvider
from settlements import checks, workflow
from settlements.choices import FlagCode, LineDecision
from settlements.models import RateCard, SettlementLine, Statement, StatementEvent, TravelRate

AMOUNT = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}

# What each field means, for the OpenAPI description of every body that carries it.
DESCRIPTIONS = {
    "id": "Id of the row.",
    "provider": "Code of the service provider.",
    "code": "Short unique code of the service provider.",
    "name": "Name in English.",
    "name_zh": "Name in Chinese.",
    "contact_name": "Whom headquarters calls at the provider.",
    "phone": "The provider's phone number.",
    "email": "The provider's email address.",
    "is_active": "Whether the provider takes work.",
    "accept_hours": "Business hours the provider has to accept a dispatched job.",
    "job_type": "What the card prices: installation, repair by complexity band, maintenance.",
    "labour": "Labour amount, a decimal string with two places.",
    "currency": "ISO 4217 code of the amounts' currency.",
    "effective_from": "The day from which the card or allowance applies, YYYY-MM-DD.",
    "created_at": "When the row was added.",
    "min_km": "Where the distance band starts, in km (included).",
    "max_km": "Where the distance band ends, in km (not included); null for no upper end.",
    "allowance": "The travel allowance for a job in this band.",
    "status": "Where the statement stands: draft, submitted, in_review, approved, paid.",
    "approved_total": "Sum of what the lines pay, written when headquarters approved; null before.",
    "submitted_at": "When the provider last submitted it.",
    "approved_at": "When headquarters approved it.",
    "paid_on": "The day it was paid.",
    "payment_reference": "The payment's reference.",
    "version": "Counted up by every change; send it back with a move to refuse stale writes.",
    "totals": "Its totals now, from its lines.",
    "action": "What happened: submitted, review_started, returned, line_decided, approved, paid.",
    "line": "Id of the line decided, for a line's decision.",
    "by": "Username of who did it.",
    "at": "When it happened.",
    "note": "The note or reason given.",
    "lines": "Number of lines.",
    "approved_lines": "Lines approved as claimed.",
    "adjusted": "Lines adjusted to another amount.",
    "rejected": "Lines rejected.",
    "flagged": "Lines the automatic checks flagged.",
    "detail": "The check's finding, in words.",
    "statement": "Id of the statement.",
    "ticket": "Reference of the warranty job's ticket.",
    "job_date": "The day the job was resolved.",
    "category": "Code of the product category.",
    "travel_km": "Distance travelled, in km.",
    "parts": "Parts consumed, at standard cost.",
    "travel": "Travel allowance.",
    "extras": "Approved extras.",
    "extras_reason": "Why extras are claimed.",
    "claimed": "What the line claims: labour + parts + travel + extras.",
    "flags": "The automatic checks' findings; empty when clean.",
    "decision": "Headquarters' decision: pending, approved, adjusted, rejected.",
    "approved_amount": "The amount set when adjusted; null otherwise.",
    "decision_reason": "Why it was adjusted or rejected.",
    "decided_by": "Username of who decided it.",
    "decided_at": "When it was decided.",
    "reason": "Why: required to adjust or reject.",
}


class Described:
    """Fills in the description of each field that has none, from DESCRIPTIONS."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if not field.help_text and name in DESCRIPTIONS:
                field.help_text = DESCRIPTIONS[name]
        return fields


class ServiceProviderSerializer(Described, serializers.ModelSerializer):
    class Meta:
        model = ServiceProvider
        fields = ["id", "code", "name", "name_zh", "contact_name", "phone", "email", "is_active", "accept_hours"]
        read_only_fields = ["id"]


def _currency(value: str) -> str:
    value = (value or "").strip().upper()
    if len(value) != 3 or not value.isalpha():
        raise serializers.ValidationError(_("Give a three-letter currency code, e.g. CNY."))
    return value


class _TariffSerializer(Described, serializers.ModelSerializer):
    """What rate cards and travel allowances share: the provider by its code (none: the
    network's default) and the currency."""

    provider = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ServiceProvider.objects.all(),
        allow_null=True,
        required=False,
        help_text="Code of the service provider; null for the network's default.",
    )

    def validate_currency(self, value: str) -> str:
        return _currency(value)


class RateCardSerializer(_TariffSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ProductCategory.objects.all(),
        allow_null=True,
        required=False,
        help_text="Code of the product category; null for every category.",
    )
    labour = serializers.DecimalField(min_value=0, **AMOUNT)

    class Meta:
        model = RateCard
        fields = ["id", "provider", "category", "job_type", "labour", "currency", "effective_from", "created_at"]
        read_only_fields = ["id", "created_at"]
        # The one-per-day constraint is checked by the service, as a field error on effective_from.
        validators = []


class TravelRateSerializer(_TariffSerializer):
    allowance = serializers.DecimalField(min_value=0, **AMOUNT)
    max_km = serializers.IntegerField(min_value=1, max_value=100_000, allow_null=True, required=False)
    min_km = serializers.IntegerField(min_value=0, max_value=100_000)

    class Meta:
        model = TravelRate
        fields = ["id", "provider", "min_km", "max_km", "allowance", "currency", "effective_from", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate(self, data: dict) -> dict:
        min_km = data.get("min_km", getattr(self.instance, "min_km", 0))
        max_km = data.get("max_km", getattr(self.instance, "max_km", None))
        if max_km is not None and max_km <= min_km:
            raise serializers.ValidationError({"max_km": [_("The band must end above where it starts.")]})
        return data


class StatementTotalsSerializer(Described, serializers.Serializer):
    lines = serializers.IntegerField()
    claimed = serializers.DecimalField(help_text="Sum of the lines' claims.", **AMOUNT)
    approved = serializers.DecimalField(
        help_text="Sum of what the decided lines pay: approved lines as claimed, adjusted ones at their amount.",
        **AMOUNT,
    )
    pending = serializers.IntegerField(help_text="Lines not reviewed yet.")
    approved_lines = serializers.IntegerField()
    adjusted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    flagged = serializers.IntegerField()


class StatementEventSerializer(Described, serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    line = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = StatementEvent
        fields = ["action", "line", "by", "at", "note"]


class StatementSerializer(Described, serializers.ModelSerializer):
    provider = serializers.SlugRelatedField(slug_field="code", read_only=True)
    approved_total = serializers.DecimalField(allow_null=True, read_only=True, **AMOUNT)
    month = serializers.SerializerMethodField(help_text="The month, YYYY-MM.")

    class Meta:
        model = Statement
        fields = [
            "id",
            "provider",
            "month",
            "status",
            "currency",
            "approved_total",
            "submitted_at",
            "approved_at",
            "paid_on",
            "payment_reference",
            "version",
        ]
        read_only_fields = fields

    def get_month(self, statement: Statement) -> str:
        return f"{statement.month:%Y-%m}"


class StatementDetailSerializer(StatementSerializer):
    totals = StatementTotalsSerializer(read_only=True)
    events = StatementEventSerializer(
        source="history", many=True, read_only=True, help_text="The statement's own steps, oldest first."
    )

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "totals", "events"]
        read_only_fields = fields


class LineFlagSerializer(Described, serializers.Serializer):
    code = serializers.ChoiceField(choices=FlagCode.choices)
    detail = serializers.SerializerMethodField(help_text="Why the line was flagged, in the caller's language.")

    def get_detail(self, flag: dict) -> str:
        return checks.describe(flag)


class SettlementLineSerializer(Described, serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    flags = LineFlagSerializer(many=True, read_only=True)
    pays = serializers.SerializerMethodField(help_text="What headquarters pays for the line as decided now.")
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    labour = serializers.DecimalField(read_only=True, **AMOUNT)
    parts = serializers.DecimalField(read_only=True, **AMOUNT)
    travel = serializers.DecimalField(read_only=True, **AMOUNT)
    extras = serializers.DecimalField(read_only=True, **AMOUNT)
    claimed = serializers.DecimalField(read_only=True, **AMOUNT)
    approved_amount = serializers.DecimalField(read_only=True, allow_null=True, **AMOUNT)

    class Meta:
        model = SettlementLine
        fields = [
            "id",
            "statement",
            "ticket",
            "job_date",
            "job_type",
            "category",
            "travel_km",
            "labour",
            "parts",
            "travel",
            "extras",
            "extras_reason",
            "claimed",
            "currency",
            "flagged",
            "flags",
            "decision",
            "approved_amount",
            "decision_reason",
            "decided_by",
            "decided_at",
            "pays",
        ]
        read_only_fields = fields

    def get_pays(self, line: SettlementLine) -> str:
        payable = workflow.line_payable(
            decision=line.decision, claimed=line.claimed, approved_amount=line.approved_amount
        )
        return f"{payable:.2f}"


class VersionInput(Described, serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The statement's version you read; a stale one is refused."
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReturnInput(VersionInput):
    note = serializers.CharField(max_length=255, help_text="Why the statement goes back to the provider.")


class PayInput(VersionInput):
    payment_reference = serializers.CharField(max_length=80)
    paid_on = serializers.DateField(help_text="The day it was paid, YYYY-MM-DD; not in the future.")


class DecideInput(Described, serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The statement's version you read; a stale one is refused."
    )
    decision = serializers.ChoiceField(
        choices=[(value, label) for value, label in LineDecision.choices if value != LineDecision.PENDING]
    )
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="What to pay: adjusted lines only.",
    )
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

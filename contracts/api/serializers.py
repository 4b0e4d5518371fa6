"""The contracts API's bodies: catalogue products, contracts, a sale, a cancellation, a plan
visit. Field descriptions come from DESCRIPTIONS (the OpenAPI schema shows them)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contracts.choices import ContractKind, Coverage
from contracts.models import ContractProduct, ContractVisit, ServiceContract
from customers.models import ProductCategory, ProductUnit
from tickets.models import ServiceStation

AMOUNT = {"max_digits": 10, "decimal_places": 2, "coerce_to_string": True}

DESCRIPTIONS = {
    "id": "Id of the row.",
    "code": "Short unique code of the product.",
    "name": "Name in English.",
    "name_zh": "Name in Chinese.",
    "kind": "extended_warranty or maintenance_plan.",
    "category": "Code of the product category the contract is sold for.",
    "term_months": "How long the contract runs, in months.",
    "term_km": "Cars only: the contract also ends after this distance from the start reading; null otherwise.",
    "price": "Price, a decimal string with two places.",
    "currency": "ISO 4217 code of the price's currency.",
    "coverage": "What is free under it: parts, labour or both.",
    "included_visits": "Maintenance visits included (a plan); 0 for an extended warranty.",
    "visit_interval_months": "Months between a plan's visits.",
    "visit_interval_km": "Cars only: km between a plan's visits, whichever comes first with the months.",
    "exclusions": "What it does not cover, in English.",
    "exclusions_zh": "What it does not cover, in Chinese.",
    "is_active": "Whether it is on sale.",
    "created_at": "When the row was added.",
    "number": "The contract number, SC-<year>-<id>.",
    "product": "Code of the catalogue product sold.",
    "unit": "Id of the registered product unit.",
    "serial": "Serial number of the unit.",
    "customer": "Id of the customer who owns the unit and bought the contract.",
    "status": "active or cancelled.",
    "starts_on": "First day in force, YYYY-MM-DD.",
    "ends_on": "Last day in force, YYYY-MM-DD.",
    "start_km": "Cars: the odometer reading at the start, in km.",
    "end_km": "Cars: the reading at which it ends, in km.",
    "visits_used": "Maintenance visits already done.",
    "channel": "Where it was sold: desk, callback, portal, renewal, api.",
    "payment_reference": "The payment's reference (no payment gateway: the reference is the proof).",
    "paid_at": "When it was paid.",
    "payment_confirmed_at": "When staff confirmed the payment (at the sale when staff sold it); null for a contract "
    "bought on the portal whose payment is still to be found: it covers nothing until then.",
    "sold_by": "Username of who sold it; null when the customer bought it on the portal.",
    "provider": "Code of the service provider that sold it; null for headquarters.",
    "station": "Code of the station where it was sold.",
    "renews": "Id of the contract this one renews.",
    "cancelled_at": "When it was cancelled.",
    "cancel_reason": "Why it was cancelled.",
    "reason": "Why the contract is cancelled.",
    "done_on": "The day the visit was done, YYYY-MM-DD.",
    "odometer_km": "Cars: the odometer reading at the visit, in km.",
    "ticket": "Reference of the ticket of the visit.",
}


class Described:
    """Fills in the description of each field that has none, from DESCRIPTIONS."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if not field.help_text and name in DESCRIPTIONS:
                field.help_text = DESCRIPTIONS[name]
        return fields


class ContractProductSerializer(Described, serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=ProductCategory.objects.all())
    price = serializers.DecimalField(min_value=0, **AMOUNT)
    kind = serializers.ChoiceField(choices=ContractKind.choices)
    coverage = serializers.ChoiceField(choices=Coverage.choices, required=False)

    class Meta:
        model = ContractProduct
        fields = [
            "id", "code", "name", "name_zh", "kind", "category", "term_months", "term_km", "price", "currency",
            "coverage", "included_visits", "visit_interval_months", "visit_interval_km", "exclusions",
            "exclusions_zh", "is_active", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at"]

    def validate_currency(self, value: str) -> str:
        value = (value or "").strip().upper()
        if len(value) != 3 or not value.isalpha():
            raise serializers.ValidationError(_("Give a three-letter currency code, e.g. CNY."))
        return value


class ContractSerializer(Described, serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="code", read_only=True)
    serial = serializers.CharField(source="unit.serial", read_only=True, help_text=DESCRIPTIONS["serial"])
    provider = serializers.SlugRelatedField(slug_field="code", read_only=True)
    station = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sold_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    visits_used = serializers.IntegerField(read_only=True, help_text=DESCRIPTIONS["visits_used"])
    price = serializers.DecimalField(read_only=True, **AMOUNT)

    class Meta:
        model = ServiceContract
        fields = [
            "id", "number", "product", "kind", "unit", "serial", "customer", "status", "starts_on", "ends_on",
            "start_km", "end_km", "coverage", "included_visits", "visits_used", "visit_interval_months",
            "visit_interval_km", "price", "currency", "channel", "payment_reference", "paid_at",
            "payment_confirmed_at", "sold_by", "provider", "station", "renews", "cancelled_at", "cancel_reason",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class SellSerializer(Described, serializers.Serializer):
    """A sale: the unit (its owner buys), the product, the payment; the rest is optional."""

    unit = serializers.PrimaryKeyRelatedField(queryset=ProductUnit.objects.all(), help_text=DESCRIPTIONS["unit"])
    product = serializers.SlugRelatedField(
        slug_field="code", queryset=ContractProduct.objects.all(), help_text=DESCRIPTIONS["product"]
    )
    payment_reference = serializers.CharField(max_length=80, help_text=DESCRIPTIONS["payment_reference"])
    starts_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="First day in force; by default the day after the warranty ends (extended warranty) or today.",
    )
    start_km = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10_000_000, help_text=DESCRIPTIONS["start_km"]
    )
    station = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ServiceStation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Code of the seller's station (one of the seller's provider).",
    )
    renews = serializers.PrimaryKeyRelatedField(
        queryset=ServiceContract.objects.all(), required=False, allow_null=True, help_text=DESCRIPTIONS["renews"]
    )


class CancelSerializer(Described, serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=DESCRIPTIONS["reason"])


class VisitInputSerializer(Described, serializers.Serializer):
    done_on = serializers.DateField(help_text=DESCRIPTIONS["done_on"])
    odometer_km = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10_000_000, help_text=DESCRIPTIONS["odometer_km"]
    )


class ContractVisitSerializer(Described, serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = ContractVisit
        fields = ["id", "contract", "number", "done_on", "odometer_km", "ticket", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "contract": {"help_text": "Id of the maintenance plan."},
            "number": {"help_text": "The visit's number in the plan, from 1."},
            "created_at": {"help_text": "When the visit was recorded."},
        }

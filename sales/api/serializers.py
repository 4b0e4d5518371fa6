"""The sales API's bodies: leads with their history, lead rules, and the inputs of a lead's moves
and of a customer's offers consent."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from customers.models import ProductCategory
from network.models import ServiceProvider
from sales import lead_rules
from sales.choices import ConsentAnswer, ConsentSource
from sales.models import Lead, LeadEvent, LeadRule

AMOUNT = {"max_digits": 10, "decimal_places": 2, "coerce_to_string": True}


class LeadEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None, read_only=True, help_text="Username of who did it.")

    class Meta:
        model = LeadEvent
        fields = ["status", "note", "by", "at"]
        read_only_fields = fields
        extra_kwargs = {
            "status": {"help_text": "The lead's status after the step."},
            "note": {"help_text": "The note, the reason lost, or to whom it was given."},
            "at": {"help_text": "When it happened."},
        }


class LeadSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True, help_text="The customer's name.")
    unit_serial = serializers.CharField(
        source="unit.serial", default=None, read_only=True, help_text="Serial number of the unit."
    )
    ticket = serializers.CharField(
        source="ticket.reference", default=None, read_only=True, help_text="Reference of the ticket that found it."
    )
    rule = serializers.CharField(source="rule.code", default=None, read_only=True, help_text="Code of the rule.")
    consumable = serializers.CharField(
        source="consumable.code", default=None, read_only=True, help_text="Code of the consumable due."
    )
    owner = serializers.CharField(
        source="owner.username", default=None, read_only=True, help_text="Username of the sales owner."
    )
    dealer = serializers.CharField(
        source="owner_provider.code", default=None, read_only=True, help_text="Code of the dealer that owns it."
    )
    value = serializers.DecimalField(**AMOUNT, read_only=True, allow_null=True, help_text="Value won.")

    class Meta:
        model = Lead
        fields = [
            "id",
            "kind",
            "status",
            "customer",
            "customer_name",
            "unit",
            "unit_serial",
            "ticket",
            "rule",
            "consumable",
            "consent",
            "reason",
            "lost_reason",
            "owner",
            "dealer",
            "value",
            "created_at",
            "contacted_at",
            "closed_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Id of the lead."},
            "kind": {"help_text": "What to offer: upgrade, trade_in, cross_sell."},
            "status": {"help_text": "new, contacted, won or lost."},
            "customer": {"help_text": "Id of the customer."},
            "unit": {"help_text": "Id of the product unit."},
            "consent": {"help_text": "The customer's offers consent when the lead was found."},
            "reason": {"help_text": "The numbers that fired the rule (docs/sales.md#the-rules)."},
            "lost_reason": {"help_text": "Why it was lost; `opted out` when the customer opted out of offers."},
            "created_at": {"help_text": "When it was found."},
            "contacted_at": {"help_text": "When the customer was first contacted about it."},
            "closed_at": {"help_text": "When it was won or lost."},
        }


class LeadDetailSerializer(LeadSerializer):
    history = LeadEventSerializer(many=True, read_only=True, help_text="Its steps, oldest first.")

    class Meta(LeadSerializer.Meta):
        fields = [*LeadSerializer.Meta.fields, "history"]
        read_only_fields = fields


class ContactInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="What was discussed with the customer.")


class WinInput(serializers.Serializer):
    value = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="Value sold.")
    note = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True, help_text="What was sold, if worth noting."
    )


class LoseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the lead was lost.")


class AssignInput(serializers.Serializer):
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model()._base_manager.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Username of the new owner; null for none.",
    )
    dealer = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ServiceProvider.objects.all(),
        required=False,
        allow_null=True,
        help_text="Code of the dealer; null for headquarters' sales staff.",
    )


class LeadRuleSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ProductCategory.objects.all(),
        required=False,
        allow_null=True,
        help_text="Code of the product category it applies to; null for every one.",
    )
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model()._base_manager.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Username of the sales owner of leads no dealer takes.",
    )

    class Meta:
        model = LeadRule
        fields = [
            "id",
            "code",
            "name",
            "name_zh",
            "trigger",
            "lead_kind",
            "category",
            "cost_share_percent",
            "repairs_count",
            "within_days",
            "owner",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {
            "id": {"help_text": "Id of the rule."},
            "code": {"help_text": "Short unique code."},
            "name": {"help_text": "Name in English."},
            "name_zh": {"help_text": "Name in Chinese."},
            "trigger": {"help_text": "What it watches: repair_cost_share, unit_age, repeat_repairs, consumable_due."},
            "lead_kind": {"help_text": "The lead it makes: upgrade, trade_in, cross_sell."},
            "cost_share_percent": {"help_text": "repair_cost_share: the share of the replacement price, in %."},
            "repairs_count": {"help_text": "repeat_repairs: the repair that fires it (e.g. 3 for the third)."},
            "within_days": {"help_text": "repeat_repairs: the window, in days."},
            "is_active": {"help_text": "Whether it makes leads."},
            "created_at": {"help_text": "When it was added."},
        }

    def validate(self, attrs):
        trigger = attrs.get("trigger", getattr(self.instance, "trigger", None))
        merged = {
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in ("cost_share_percent", "repairs_count", "within_days")
        }
        missing = lead_rules.rule_errors(trigger, merged)
        if missing:
            raise serializers.ValidationError({name: [message] for name, message in missing.items()})
        return attrs


class OffersConsentInput(serializers.Serializer):
    consent = serializers.ChoiceField(
        choices=ConsentAnswer.choices, help_text="`given` (agreed) or `refused` (opted out)."
    )
    source = serializers.ChoiceField(
        choices=ConsentSource.choices,
        required=False,
        default=ConsentSource.API,
        help_text="Where staff heard it: phone, desk, or api (the default; a customer's own call is always api).",
    )


class CustomerOffersConsentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the customer.")
    offers_consent = serializers.CharField(help_text="not_asked, given or refused.")
    offers_consent_at = serializers.DateTimeField(allow_null=True, help_text="When it was recorded.")
    offers_consent_source = serializers.CharField(help_text="Where it was said: portal, desk, phone, api.")

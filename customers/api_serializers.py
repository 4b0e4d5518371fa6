"""What the customer and unit endpoints read and answer (small input and output serializers).

Inputs are checked here for shape only (types, lengths, choices); the rules (one customer per
phone, a serial once per model, no future dates) are the services' and come back as the same
field errors.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers.models import Customer, Language, ProductUnit

STAFF_ONLY = _("Only service staff set this.")


class CustomerSerializer(serializers.ModelSerializer):
    phone_display = serializers.CharField(read_only=True, help_text="The phone as people write it.")
    has_portal_account = serializers.SerializerMethodField(help_text="The customer signs in to the portal.")

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "phone",
            "phone_display",
            "email",
            "address",
            "region",
            "preferred_language",
            "representative",
            "has_portal_account",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "phone": {"help_text": "International form (E.164), e.g. +8613812345678."},
            "representative": {"help_text": "Id of the staff member who owns the relationship."},
        }

    def get_has_portal_account(self, customer: Customer) -> bool:
        return customer.user_id is not None


class CustomerInputSerializer(serializers.Serializer):
    """A new customer, or (PATCH) the fields to correct."""

    name = serializers.CharField(max_length=120)
    phone = serializers.CharField(
        max_length=40, help_text="Any usual format; numbers without a country code are read as Chinese numbers."
    )
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    address = serializers.CharField(required=False, allow_blank=True, max_length=255)
    region = serializers.CharField(required=False, allow_blank=True, max_length=80)
    preferred_language = serializers.ChoiceField(choices=Language.choices, required=False)


class UnitSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model.code", read_only=True, help_text="Product model code.")
    model_name = serializers.CharField(source="model.display_name", read_only=True)
    category = serializers.CharField(source="model.category.code", read_only=True, help_text="Product category code.")
    in_warranty = serializers.SerializerMethodField(
        help_text="The whole-unit warranty runs today (business time zone); false when no date starts it."
    )

    class Meta:
        model = ProductUnit
        fields = [
            "id",
            "owner",
            "model",
            "model_name",
            "category",
            "serial",
            "batch",
            "invoice_date",
            "delivery_date",
            "installation_date",
            "manufacture_date",
            "replacement_date",
            "dealer",
            "price",
            "has_invoice",
            "has_warranty_card",
            "status",
            "warranty_start",
            "warranty_end",
            "in_warranty",
            "registered_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"owner": {"help_text": "Id of the customer who owns the unit."}}

    def get_in_warranty(self, unit: ProductUnit) -> bool:
        today: dt.date = self.context["today"]
        return unit.warranty_end is not None and unit.warranty_end >= today


class UnitInputSerializer(serializers.Serializer):
    """A product unit to register. Customers register for themselves and leave out ``owner`` and
    the fields only staff record."""

    owner = serializers.IntegerField(
        required=False, min_value=1, help_text="Id of the customer. Required for staff; customers leave it out."
    )
    model = serializers.CharField(max_length=60, help_text="Product model code.")
    serial = serializers.CharField(max_length=64)
    batch = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="Staff only.")
    invoice_date = serializers.DateField(required=False, allow_null=True, help_text="The purchase date.")
    delivery_date = serializers.DateField(required=False, allow_null=True, help_text="Staff only.")
    installation_date = serializers.DateField(required=False, allow_null=True)
    manufacture_date = serializers.DateField(required=False, allow_null=True, help_text="Staff only.")
    replacement_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Staff only: handed over as a three-guarantees replacement on this day (its periods restart).",
    )
    dealer = serializers.CharField(required=False, allow_blank=True, max_length=120)
    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )
    has_invoice = serializers.BooleanField(required=False, default=False)
    has_warranty_card = serializers.BooleanField(required=False, default=False)

    STAFF_FIELDS = ("batch", "delivery_date", "manufacture_date", "replacement_date")

    def validate(self, attrs: dict) -> dict:
        # A customer's word alone must not restart a warranty or fill a batch statistic.
        if not self.context["staff"]:
            errors = {field: [STAFF_ONLY] for field in self.STAFF_FIELDS if field in self.initial_data}
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

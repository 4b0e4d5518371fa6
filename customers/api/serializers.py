"""What the customer and unit endpoints read and answer (small input and output serializers).

Inputs are checked here for shape only (types, lengths, choices); the rules (one customer per
phone, a serial once per model, no future dates) are the services' and come back as the same
field errors.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers.models import Channel, Customer, Language, ProductUnit

STAFF_ONLY = _("Only service staff set this.")


class OptionalEmailField(serializers.EmailField):
    """An email address the customer may not have: ``null`` in answers when there is none (the
    database keeps ""), as the schema says, since "" is no email address."""

    def to_representation(self, value: str) -> str | None:
        return value or None


class CustomerSerializer(serializers.ModelSerializer):
    email = OptionalEmailField(
        read_only=True,
        allow_null=True,
        help_text="Where the customer's emails go (ticket updates, reminders, recalls); null if none.",
    )
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
            "preferred_channel",
            "optional_messages",
            "email_verified",
            "representative",
            "has_portal_account",
            "offers_consent",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Id of the customer."},
            "name": {"help_text": "The customer's name."},
            "phone": {"help_text": "International form (E.164), e.g. +8613812345678."},
            "address": {"help_text": "Postal or service address, as given; empty when none is known."},
            "region": {"help_text": "Region the customer lives in (free text, e.g. a city); empty when not known."},
            "preferred_language": {"help_text": "Language of the messages sent to the customer."},
            "preferred_channel": {
                "help_text": "How messages reach the customer: `sms` to the phone, or `email`, which only a confirmed "
                "email receives (without one, messages go by SMS)."
            },
            "optional_messages": {
                "help_text": "The customer receives reminders and offers (maintenance reminders, warranty offers); "
                "messages about their requests are always sent."
            },
            "email_verified": {
                "help_text": "The email was entered by staff, or by the customer after proving their phone; only a "
                "confirmed email receives messages."
            },
            "representative": {"help_text": "Id of the staff member who owns the relationship."},
            "offers_consent": {
                "help_text": "Offers: not_asked, given (agreed) or refused (opted out: never contacted about an offer). "
                "Set with POST /api/customers/{id}/offers-consent/."
            },
            "created_at": {"help_text": "When the customer record was created."},
            "updated_at": {"help_text": "When the record last changed."},
        }

    def get_has_portal_account(self, customer: Customer) -> bool:
        return customer.user_id is not None


class CustomerInputSerializer(serializers.Serializer):
    """A new customer, or (PATCH) the fields to correct."""

    name = serializers.CharField(max_length=120, help_text="The customer's name.")
    phone = serializers.CharField(
        max_length=40, help_text="Any usual format; numbers without a country code are read as Chinese numbers."
    )
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=254,
        help_text="Email address; null (or empty) when none is known, which clears it.",
    )
    address = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text="Postal or service address."
    )
    region = serializers.CharField(
        required=False, allow_blank=True, max_length=80, help_text="Region the customer lives in, e.g. a city."
    )
    preferred_language = serializers.ChoiceField(
        choices=Language.choices,
        default=Language.CHINESE,
        help_text="Language of the messages sent to the customer. Default on creation: zh-hans; a correction "
        "(PATCH) without it leaves it as it is.",
    )

    preferred_channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text="`sms` (the default) or `email`; `email` needs a confirmed email, and an email sent in the same "
        "request by staff is confirmed. A correction without it leaves it as it is.",
    )
    optional_messages = serializers.BooleanField(
        required=False,
        help_text="Whether the customer receives reminders and offers; messages about their requests are always "
        "sent. Default on creation: true; a correction without it leaves it as it is.",
    )

    def validate_email(self, value: str | None) -> str:
        """No email is stored as "", however it was sent."""
        return value or ""


class CustomerCreateSerializer(CustomerInputSerializer):
    """A new customer, who may carry a friend's referral code."""

    referral_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="The referral code of the customer who referred this one (case, spaces and dashes do not "
        "matter). A code that cannot be used is a 400 on `referral_code` and no customer is created; the "
        "answer is the same whatever the reason, and never names the code's owner.",
    )


class UnitSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model.code", read_only=True, help_text="Product model code.")
    model_name = serializers.CharField(
        source="model.display_name", read_only=True, help_text="Product model name, in the request's language."
    )
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
        extra_kwargs = {
            "id": {"help_text": "Id of the product unit."},
            "owner": {"help_text": "Id of the customer who owns the unit."},
            "serial": {"help_text": "Serial number (IMEI for phones, VIN for cars); unique per model."},
            "batch": {"help_text": "Production batch; empty when not recorded."},
            "invoice_date": {"help_text": "Purchase date on the invoice; null when not known."},
            "delivery_date": {"help_text": "Day the product was delivered; null when not recorded."},
            "installation_date": {"help_text": "Day the installation was completed; null when not recorded."},
            "dealer": {"help_text": "Where the product was bought; empty when not known."},
            "price": {"help_text": "Invoice price in yuan (CNY); null when not known. Refunds are worked out from it."},
            "has_invoice": {"help_text": "An invoice was shown as proof of purchase."},
            "has_warranty_card": {"help_text": "A filled-in warranty card was shown."},
            "status": {
                "help_text": "in_use; replaced or returned once a warranty claim's replacement or return is done."
            },
            "warranty_start": {
                "help_text": "First day of the whole-unit warranty: the replacement date, else the date the "
                "category's policy starts from (invoice, installation or delivery), else the invoice date. Null "
                "when no such date is recorded."
            },
            "warranty_end": {
                "help_text": "Last day of the whole-unit warranty: the start date plus the whole-unit months of the "
                "policy in force that day (the same calendar date). Null when there is no start or no policy."
            },
            "registered_at": {"help_text": "When the unit was registered."},
        }

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
    serial = serializers.CharField(
        max_length=64, help_text="Serial number (IMEI for phones, VIN for cars); once per model, in any letter case."
    )
    batch = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="Staff only.")
    invoice_date = serializers.DateField(required=False, allow_null=True, help_text="The purchase date.")
    delivery_date = serializers.DateField(required=False, allow_null=True, help_text="Staff only.")
    installation_date = serializers.DateField(
        required=False, allow_null=True, help_text="Day the installation was completed; not before the invoice date."
    )
    manufacture_date = serializers.DateField(required=False, allow_null=True, help_text="Staff only.")
    replacement_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Staff only: handed over as a three-guarantees replacement on this day (its periods restart).",
    )
    dealer = serializers.CharField(
        required=False, allow_blank=True, max_length=120, help_text="Where the product was bought."
    )
    price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="Invoice price in yuan (CNY).",
    )
    has_invoice = serializers.BooleanField(
        required=False, default=False, help_text="An invoice was shown as proof of purchase."
    )
    has_warranty_card = serializers.BooleanField(
        required=False, default=False, help_text="A filled-in warranty card was shown."
    )

    STAFF_FIELDS = ("batch", "delivery_date", "manufacture_date", "replacement_date")

    def validate(self, attrs: dict) -> dict:
        # A customer's word alone must not restart a warranty or fill a batch statistic.
        if not self.context["staff"]:
            errors = {field: [STAFF_ONLY] for field in self.STAFF_FIELDS if field in self.initial_data}
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

"""Small read-only serializers for the objects an API answer points at (a ticket, a unit, a
staff member). Each reads only fields its view's queryset joined in, so lists never query per row.
"""

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import serializers


class TicketLinkSerializer(serializers.Serializer):
    """A ticket an answer points at."""

    id = serializers.IntegerField(help_text="Internal id of the ticket; the API addresses tickets by `reference`.")
    reference = serializers.CharField(help_text="The ticket's reference, e.g. AS-2026-000123: its id in /api/tickets/.")


class UnitLinkSerializer(serializers.Serializer):
    """A product unit an answer points at."""

    id = serializers.IntegerField(help_text="Id of the product unit: its id in /api/units/.")
    serial = serializers.CharField(help_text="The unit's serial number (IMEI for phones, VIN for cars).")
    model = serializers.CharField(source="model.code", help_text="Product model code.")


class StaffLinkSerializer(serializers.Serializer):
    """A staff member who did something or is given something to do."""

    id = serializers.IntegerField(help_text="User id of the staff member.")
    username = serializers.CharField(help_text="Their login name.")
    name = serializers.SerializerMethodField(help_text="Their full name, or the username when none is recorded.")

    def get_name(self, user: AbstractBaseUser) -> str:
        return user.get_full_name() or user.get_username()


class CustomerLinkSerializer(serializers.Serializer):
    """A customer an answer points at."""

    id = serializers.IntegerField(help_text="Id of the customer: their id in /api/customers/.")
    name = serializers.CharField(help_text="The customer's name.")
    phone = serializers.CharField(help_text="E.164, e.g. +8613812345678.")


class ModelLinkSerializer(serializers.Serializer):
    """A product model."""

    id = serializers.IntegerField(help_text="Id of the product model (the recall endpoint's `model`).")
    code = serializers.CharField(help_text="Product model code.")

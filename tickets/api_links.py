"""Small read-only serializers for the objects an API answer points at (a ticket, a unit, a
staff member). Each reads only fields its view's queryset joined in, so lists never query per row.
"""

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import serializers


class TicketLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="The ticket's reference, e.g. AS-2026-000123: its id in /api/tickets/.")


class UnitLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    serial = serializers.CharField()
    model = serializers.CharField(source="model.code", help_text="Product model code.")


class StaffLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: AbstractBaseUser) -> str:
        return user.get_full_name() or user.get_username()


class CustomerLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text="E.164, e.g. +8613812345678.")

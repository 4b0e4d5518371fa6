"""What the booking API reads and answers: free slots, visits, technician profiles, dispatch
suggestions. Inputs are small serializers of their own; outputs never carry the customer's link
key (the token is the customer's, not the desk's)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.roles import Role
from aftersales.scoping import staff_in_scope
from customers.models import BusinessCalendar, ProductCategory, ProductModel
from fieldwork.models import TechnicianProfile
from tickets.models import ServiceStation

# The longest range of days one slot search answers.
MAX_SEARCH_DAYS = 31


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the user.")
    name = serializers.SerializerMethodField(help_text="Full name, else the user name.")

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class VisitStationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the service station.")
    code = serializers.CharField(help_text="The station's code.")
    name = serializers.CharField(source="display_name", help_text="The station's name in the request's language.")


class SlotQuerySerializer(serializers.Serializer):
    station = serializers.PrimaryKeyRelatedField(
        queryset=ServiceStation.objects.filter(is_active=True), help_text="Id of an active service station."
    )
    date_from = serializers.DateField(help_text="First local day, YYYY-MM-DD.")
    date_to = serializers.DateField(help_text=f"Last local day (included), at most {MAX_SEARCH_DAYS} days on.")
    technician = serializers.PrimaryKeyRelatedField(
        queryset=staff_in_scope(get_user_model().objects.filter(technician_profile__isnull=False)),
        required=False,
        help_text="Id of one technician (a user); every technician of the station when left out.",
    )

    def validate(self, attrs: dict) -> dict:
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": [_("The last day cannot be before the first.")]})
        if attrs["date_to"] - attrs["date_from"] > dt.timedelta(days=MAX_SEARCH_DAYS):
            raise serializers.ValidationError(
                {"date_to": [_("Search at most %(days)s days at once.") % {"days": MAX_SEARCH_DAYS}]}
            )
        return attrs


class FreeSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="When the slot starts: book it with this value.")
    end = serializers.DateTimeField(help_text="When the slot ends.")
    technician = PersonSerializer(help_text="The technician whose slot it is.")
    free = serializers.IntegerField(help_text="Free places: the technician's visits per slot minus those booked.")


class VisitSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Id of the visit.")
    ticket = serializers.CharField(source="ticket.reference", help_text="Reference of the ticket.")
    technician = PersonSerializer(help_text="The technician booked.")
    station = VisitStationSerializer(help_text="The station the visit is booked at.")
    start = serializers.DateTimeField(help_text="When the visit's slot starts.")
    end = serializers.DateTimeField(help_text="When the visit's slot ends.")
    status = serializers.CharField(help_text="booked, confirmed (by the customer), checked_in, done or cancelled.")
    late_reason = serializers.CharField(help_text="Why it was booked after the arrival deadline; empty when not.")
    booked_at = serializers.DateTimeField(help_text="When it was booked.")
    confirmed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the customer confirmed it (or chose it by moving it); null when not."
    )
    cancelled_at = serializers.DateTimeField(allow_null=True, help_text="When it was cancelled; null when not.")


class VisitBookSerializer(serializers.Serializer):
    ticket = serializers.CharField(help_text="Reference of the ticket, e.g. AS-2026-000123.")
    technician = serializers.PrimaryKeyRelatedField(
        queryset=staff_in_scope(get_user_model().objects.filter(technician_profile__isnull=False)),
        help_text="Id of the technician.",
    )
    station = serializers.PrimaryKeyRelatedField(queryset=ServiceStation.objects.all(), help_text="Id of the station.")
    start = serializers.DateTimeField(help_text="The start of a free slot (from the slot search).")
    late_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        default="",
        help_text="Needed when the slot starts after the ticket's arrival deadline; logged on the timeline.",
    )


class VisitMoveSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="The start of a free slot of the same technician.")


class VisitCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, help_text="Why the visit is cancelled; logged on the timeline.")


class TechnicianProfileSerializer(serializers.ModelSerializer):
    """A technician's stations, skills, capacity and working hours; managers write it."""

    user = serializers.PrimaryKeyRelatedField(
        queryset=staff_in_scope(get_user_model().objects.filter(groups__name=Role.TECHNICIAN, is_active=True)),
        help_text="Id of a user with the technician role (one profile each).",
    )
    name = serializers.SerializerMethodField(help_text="The technician's full name, else the user name.")
    stations = serializers.PrimaryKeyRelatedField(
        queryset=ServiceStation.objects.all(), many=True, help_text="Ids of the stations they work for (one or more)."
    )
    categories = serializers.PrimaryKeyRelatedField(
        queryset=ProductCategory.objects.all(), many=True, required=False, help_text="Ids of the product categories."
    )
    product_models = serializers.PrimaryKeyRelatedField(
        queryset=ProductModel.objects.all(),
        many=True,
        required=False,
        help_text="Ids of the models they are limited to; empty for every model of their categories.",
    )
    brands = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, help_text="Brands; empty for every brand."
    )
    calendar = serializers.PrimaryKeyRelatedField(
        queryset=BusinessCalendar.objects.all(),
        allow_null=True,
        required=False,
        help_text="Id of their business calendar; null to work the hours of the station.",
    )

    class Meta:
        model = TechnicianProfile
        extra_kwargs = {
            "id": {"help_text": "Id of the profile."},
            "visits_per_slot": {"help_text": "How many visits they take in one slot (1 to 20)."},
            "is_active": {"help_text": "Whether they take visits (off while on leave)."},
        }
        fields = [
            "id",
            "user",
            "name",
            "stations",
            "categories",
            "brands",
            "product_models",
            "visits_per_slot",
            "calendar",
            "is_active",
        ]

    def get_name(self, profile: TechnicianProfile) -> str:
        return profile.user.get_full_name() or profile.user.get_username()

    def validate_stations(self, value: list) -> list:
        if not value:
            raise serializers.ValidationError(_("Give at least one service station."))
        return value


class SuggestionSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="1 for the best.")
    technician = PersonSerializer(help_text="The technician suggested.")
    station = VisitStationSerializer(help_text="The station to book them at.")
    in_region = serializers.BooleanField(help_text="The station serves the customer's region.")
    skilled = serializers.BooleanField(help_text="Skilled for the product (category, and model or brand if listed).")
    free_on_preferred_day = serializers.IntegerField(
        help_text="Free places on the customer's preferred day (and time of day), else today."
    )
    load_today = serializers.IntegerField(help_text="Visits booked today.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why, criterion by criterion.")
    slots = FreeSlotSerializer(many=True, help_text="Free slots from the preferred day (or today), three days.")


class DispatchSuggestionsSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="Reference of the ticket.")
    suggestions = SuggestionSerializer(many=True, help_text="The technicians, best first.")

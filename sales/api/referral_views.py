"""``GET /api/referrals/``: the referral report's rows (docs/referrals.md#the-api).

A list of rows per referrer, station and month; no object ids. Managers, sales staff, agents
and administrators; a provider's staff get the referrals whose referred customer they serve.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.api.schema import error_responses
from aftersales.replicas.marks import replica_reads
from aftersales.roles import works_in_sales
from sales.referrals import selectors
from sales.referrals.forms import MonthRangeForm


class SellsOrManages(BasePermission):
    message = _("Only sales staff, agents, managers and administrators may read the referral report.")

    def has_permission(self, request: Request, view) -> bool:
        return works_in_sales(request.user)


class ReferralRowSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="The month of the referrals, YYYY-MM (business time zone).")
    referrer_code = serializers.CharField(help_text="The referrer's referral code.")
    referrer_name = serializers.CharField(
        help_text="The referrer's name; empty for a provider's staff when the referrer is not their customer."
    )
    station_code = serializers.CharField(
        help_text="Code of the station of the referred customer's first ticket; empty when none."
    )
    station_name = serializers.CharField(help_text="Name of that station in the caller's language; empty when none.")
    referrals = serializers.IntegerField(help_text="Customers referred in the month.")
    by_contract = serializers.IntegerField(
        help_text="Of them, those who bought a service contract (not cancelled) after being referred."
    )
    by_registration = serializers.IntegerField(
        help_text="Of them, those who registered a product after being referred."
    )
    conversions = serializers.IntegerField(help_text="Of them, those who did either (each counted once).")


class ReferralReportSerializer(serializers.Serializer):
    month_from = serializers.CharField(help_text="First month of the report, YYYY-MM.")
    month_to = serializers.CharField(help_text="Last month of the report, YYYY-MM.")
    count = serializers.IntegerField(help_text="Number of rows.")
    results = ReferralRowSerializer(many=True, help_text="One row per referrer, station and month.")


MONTH_FROM = OpenApiParameter("month_from", str, description="First month, YYYY-MM (default: five months ago).")
MONTH_TO = OpenApiParameter("month_to", str, description="Last month, YYYY-MM (default: this month); 24 at most.")


@replica_reads
class ReferralReportView(APIView):
    permission_classes = [IsAuthenticated, SellsOrManages]

    @extend_schema(
        operation_id="referrals_report",
        tags=["referrals"],
        summary="Referrals and conversions per referrer, station and month",
        description="One row per referrer, station and month of referral: customers referred, and those who "
        "converted (bought a service contract that was not cancelled, or registered a product, after being "
        "referred), counted in the month of the referral. The station is that of the referred customer's "
        "first ticket. Ordered by month, referrer code and station code; at most 24 months. Sales staff, "
        "agents, managers and administrators; a provider's staff get only the referrals whose referred customer "
        "they serve.",
        parameters=[MONTH_FROM, MONTH_TO],
        responses={200: ReferralReportSerializer, **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        form = MonthRangeForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError({field: list(errors) for field, errors in form.errors.items()})
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        rows = selectors.referral_report(first=first, last=last)
        results = [
            {
                "month": row.month.strftime("%Y-%m"),
                "referrer_code": row.referrer_code,
                "referrer_name": row.referrer_name,
                "station_code": row.station_code,
                "station_name": row.station_name,
                "referrals": row.referrals,
                "by_contract": row.by_contract,
                "by_registration": row.by_registration,
                "conversions": row.conversions,
            }
            for row in rows
        ]
        answer = {
            "month_from": first.strftime("%Y-%m"),
            "month_to": last.strftime("%Y-%m"),
            "count": len(results),
            "results": results,
        }
        return Response(answer)

"""The CSI index API: ``GET /api/csi/`` (docs/csi.md#the-api).

The mean CSI of the survey responses given between ``from`` and ``to``, for the whole network or
per station, provider or model, optionally month by month; one aggregate query. Managers and
administrators only; a provider's own managers read their provider's responses only, whatever
they ask (quality/access.py).
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.api.schema import error_responses
from aftersales.replicas.marks import replica_reads
from aftersales.roles import provider_of
from quality.api.metrics import ManagesQuality
from quality.metrics import business_today
from quality.metrics.csi import GROUPS, csi_index
from quality.metrics.period import Period

# A year at most in one answer: the index is read by month, and a year is what the trend shows.
MAX_DAYS = 366
DEFAULT_DAYS = 365


class CsiQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(
        choices=["all", *GROUPS], default="all", help_text="`all`, `station`, `provider` or `model`."
    )
    by_month = serializers.BooleanField(default=False, help_text="One row per calendar month as well.")
    # ``from`` is a Python keyword: the field is named in __init__.
    to = serializers.DateField(required=False, help_text="The last day (default: today, business time zone).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField(
            required=False, help_text="The first day (default: a year before `to`)."
        )

    def validate(self, data):
        end = data.get("to") or self.context["today"]
        start = data.get("from") or end - dt.timedelta(days=DEFAULT_DAYS)
        if start > end:
            raise serializers.ValidationError({"from": [_("The first day is after the last.")]})
        if (end - start).days >= MAX_DAYS:
            raise serializers.ValidationError({"from": [_("Ask for at most a year at a time.")]})
        return data | {"period": Period(start, end)}


class CsiRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True, help_text="Id of the station, provider or model; null for all.")
    label = serializers.CharField(help_text="Its name in the caller's language; empty for all.")
    month = serializers.DateField(allow_null=True, help_text="First day of the month (`by_month`), else null.")
    csi = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="The index, 0–100.")
    responses = serializers.IntegerField(help_text="The survey responses averaged.")


class CsiAnswerSerializer(serializers.Serializer):
    period = serializers.DictField(child=serializers.DateField(), help_text="`start` and `end`, both included.")
    group_by = serializers.CharField(help_text="The breakdown asked for: station, provider, model or all.")
    by_month = serializers.BooleanField(help_text="Whether each row is one calendar month of its group.")
    results = CsiRowSerializer(many=True, help_text="One row per group (and month), with its CSI and responses.")


EXAMPLE = {
    "period": {"start": "2026-01-01", "end": "2026-02-28"},
    "group_by": "station",
    "by_month": False,
    "results": [{"key": 3, "label": "Pudong", "month": None, "csi": "72.92", "responses": 2}],
}


@replica_reads
class CsiIndexView(APIView):
    permission_classes = [IsAuthenticated, ManagesQuality]

    @extend_schema(
        operation_id="csi_index",
        tags=["metrics"],
        summary="The CSI index",
        description=(
            "The customer-satisfaction index: the mean CSI (0–100) of the survey responses given from `from` to "
            "`to` (days in the business time zone; at most a year, default the last year). A response's CSI is "
            "the weighted mean of its scored answers, each 1–5 answer mapped to (s−1)÷4×100 (docs/csi.md). "
            "`group_by` answers one row per station, provider or model; `by_month=true` splits each by month. "
            "Managers and administrators only; a provider's own managers get their provider's responses only."
        ),
        parameters=[CsiQuerySerializer],
        responses={200: CsiAnswerSerializer, **error_responses(400, 401, 403, 429)},
        examples=[OpenApiExample("By station", value=EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        query = CsiQuerySerializer(data=request.query_params, context={"today": business_today()})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        group_by = None if data["group_by"] == "all" else data["group_by"]
        rows = csi_index(
            data["period"], group_by=group_by, by_month=data["by_month"], provider=provider_of(request.user)
        )
        answer = {
            "period": {"start": data["period"].start, "end": data["period"].end},
            "group_by": data["group_by"],
            "by_month": data["by_month"],
            "results": [
                {"key": r.key, "label": r.label, "month": r.month, "csi": r.index, "responses": r.responses}
                for r in rows
            ],
        }
        return Response(CsiAnswerSerializer(answer).data)

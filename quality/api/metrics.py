"""The metrics API: ``GET /api/metrics/`` (issue 6, item 7; docs/kpis.md#the-metrics-api).

Every rate of a period with its numerator, denominator, value, threshold and status, for the
whole organisation, one slice of it, or each value of a dimension. It reads the daily
snapshots, like the dashboard, so it costs the same few queries for a day or a year. Managers
and administrators only, by token or session; a provider's own managers read their provider's
figures and its rank in the network only (quality/access.py).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.api.schema import error_responses
from aftersales.replicas.marks import replica_reads
from aftersales.roles import manages_quality, provider_of
from quality import alerts, snapshots
from quality.api.serializers.metrics import MetricsQuerySerializer, MetricsSerializer, rank_data, rate_data
from quality.dashboard import breakdowns, slices
from quality.dashboard.figures import BREAKDOWN_KPIS
from quality.metrics import NO_VALUE, Totals, business_today, rates_of
from quality.models import Dimension

EXAMPLE = {
    "period": {"start": "2026-03-01", "end": "2026-03-31"},
    "group_by": "all",
    "filter": None,
    "as_of": "2026-04-01T02:00:05+08:00",
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {
            "value": "",
            "label": "Whole organisation",
            "rates": {
                "dissatisfaction_rate": {
                    "numerator": 6,
                    "denominator": 170,
                    "value": "0.035294",
                    "percent": "3.53",
                    "threshold": "0.1000",
                    "direction": "lower_is_better",
                    "status": "ok",
                },
                "...": "every other rate, the same way",
            },
        }
    ],
}


class ManagesQuality(BasePermission):
    message = _("Only managers and administrators may read the quality figures.")

    def has_permission(self, request: Request, view) -> bool:
        return manages_quality(request.user)


@replica_reads
class MetricsView(APIView):
    permission_classes = [IsAuthenticated, ManagesQuality]

    @extend_schema(
        operation_id="metrics",
        tags=["metrics"],
        summary="The 1234 rates and service KPIs for a period",
        description=(
            "Every rate with its numerator, denominator, value, threshold and status, from the daily snapshots "
            "(refreshed hourly; `as_of` says when). Give `start` and `end` (default: the last 30 days), or "
            "`period` (day, week, month) with `date`. `group_by` answers one result per value of a dimension; "
            "`dimension` with `value` narrows to one value. Results come by label, `page_size` to a page "
            "(`next` and `previous` link the pages). Days are in the business time zone. A service provider's "
            "results (`group_by=provider`, or `dimension=provider`) carry `ranks`: its place among the providers "
            "on each ranked rate. Managers and administrators only; a provider's own managers get their "
            "provider's figures and ranks only (`group_by` and `dimension` may only be `all` or `provider`, the "
            "value only their own)."
        ),
        parameters=[MetricsQuerySerializer],
        responses={
            200: MetricsSerializer,
            **error_responses(400, 401, 403, 429, e403="The user is not a manager or administrator."),
        },
        examples=[OpenApiExample("March, whole organisation", value=EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        provider = provider_of(request.user)
        context = {"today": business_today(), "provider": provider}
        query = MetricsQuerySerializer(data=request.query_params, context=context)
        query.is_valid(raise_exception=True)
        scope: slices.Slice = query.validated_data["slice"]
        group_by = query.validated_data["group_by"]
        chosen = snapshots.thresholds()
        ranks: dict[str, dict] = {}
        if scope.dimension == Dimension.PROVIDER and scope.value != NO_VALUE:
            # One provider: its figures and its place among every provider, from one read of
            # the providers' sums; no other provider is named or returned.
            by_provider = snapshots.totals_by_value(scope.period, Dimension.PROVIDER)
            ranks = breakdowns.provider_ranks(by_provider, chosen, alerts.minimum_records())
            totals = {scope.value: by_provider.get(scope.value, Totals())}
            names = {scope.value: slices.label_of(scope.dimension, scope.value)}
        elif group_by == Dimension.ALL or scope.is_narrowed:
            totals = {scope.snapshot_value: snapshots.totals(scope.period, scope.dimension, scope.snapshot_value)}
            names = {scope.snapshot_value: slices.label_of(scope.dimension, scope.value)}
        else:
            totals = snapshots.totals_by_value(scope.period, group_by)
            names = snapshots.labels(group_by, totals)
            if group_by == Dimension.PROVIDER:
                ranks = breakdowns.provider_ranks(totals, chosen, alerts.minimum_records())
        ranked = Dimension.PROVIDER in (group_by, scope.dimension)
        rows = sorted(
            ((str(names.get(value) or value), value) for value in totals), key=lambda row: (row[0].casefold(), row[1])
        )
        number, size = query.validated_data["page"], query.validated_data["page_size"]
        last = max(1, -(-len(rows) // size))
        if number > last:
            raise serializers.ValidationError(
                {"page": [_("There is no page %(page)s: the last is %(last)s.") % {"page": number, "last": last}]}
            )
        # Rates only for the rows of the page: working out every rate of a thousand batches
        # takes longer than everything else together.
        results = [
            {
                "value": value,
                "label": label,
                "rates": {key: rate_data(rate) for key, rate in rates_of(totals[value], chosen).items()},
                "ranks": (
                    {key: rank_data(ranks.get(value, {}).get(key)) for key in BREAKDOWN_KPIS}
                    if ranked and value != NO_VALUE
                    else None
                ),
            }
            for label, value in rows[(number - 1) * size : number * size]
        ]
        answer = {
            "period": {"start": scope.period.start, "end": scope.period.end},
            "group_by": group_by,
            "filter": {"dimension": scope.dimension, "value": scope.value} if scope.is_narrowed else None,
            "as_of": snapshots.last_computed(),
            "count": len(rows),
            "next": self._page_url(request, number + 1) if number < last else None,
            "previous": self._page_url(request, number - 1) if number > 1 else None,
            "results": [],
        }
        data = MetricsSerializer(answer).data
        # The rows are plain data already (rate_data gives every field its final form): passing
        # them through the serializer again would only take longer.
        data["results"] = results
        return Response(data)

    @staticmethod
    def _page_url(request: Request, number: int) -> str:
        query = request.query_params.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

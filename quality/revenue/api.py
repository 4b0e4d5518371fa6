"""``GET /api/revenue/``: the revenue side of service for a range of months, one result per
station, provider or month, with the whole range's figures (docs/revenue.md#the-api).

Managers and administrators, by token or session; a provider's managers get their own
provider's figures only (quality/access.py). Rows carry names, codes and months, never ids.
Money and rates are decimal strings, never floats.
"""

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
from quality.revenue.arithmetic import Figures
from quality.revenue.months import MAX_MONTHS, month_range
from quality.revenue.selectors import GROUPINGS, STATION, RevenueScope, revenue_report

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 6, "decimal_places": 4, "allow_null": True}
PERCENT = {"max_digits": 6, "decimal_places": 2, "allow_null": True}


class RevenueQuerySerializer(serializers.Serializer):
    """Which months and which breakdown; months in the business time zone."""

    # "from" is a Python keyword: declared below by name.
    to = serializers.CharField(
        required=False, allow_blank=True, max_length=7, help_text="Last month, included (YYYY-MM). Default: this month."
    )
    group_by = serializers.ChoiceField(
        choices=GROUPINGS,
        default=STATION,
        help_text="One result per station (where it was sold or served), service provider, or month of the range.",
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=7,
            help_text=f"First month (YYYY-MM). Default: five months before `to`. At most {MAX_MONTHS} months.",
        )
        return {"from": fields.pop("from"), **fields}

    def validate(self, attrs: dict) -> dict:
        months, errors = month_range(
            attrs.get("from") or "", attrs.get("to") or "", this_month=self.context["today"].replace(day=1)
        )
        if errors:
            raise serializers.ValidationError({name: [message] for name, message in errors.items()})
        attrs["scope"] = RevenueScope(months[0], months[1], self.context["provider"])
        return attrs


class RevenueCountAmountSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many contracts.")
    amount = serializers.DecimalField(**MONEY, help_text="What they were sold for, in yuan.")


class RevenueContractFlowSerializer(RevenueCountAmountSerializer):
    extended_warranty = RevenueCountAmountSerializer(help_text="Of them, extended warranties.")
    maintenance_plan = RevenueCountAmountSerializer(help_text="Of them, maintenance plans.")


class RevenueContractsSerializer(serializers.Serializer):
    sold = RevenueContractFlowSerializer(help_text="First sales paid in the period, not cancelled.")
    renewed = RevenueContractFlowSerializer(
        help_text="Contracts renewing an earlier one, paid in the period, not cancelled."
    )


class RevenueCoverageSerializer(serializers.Serializer):
    units_in_use = serializers.IntegerField(help_text="Units in use registered by the period's last day.")
    units_covered = serializers.IntegerField(help_text="Of them, with a contract in force that day.")
    rate = serializers.DecimalField(**RATE, help_text="units_covered ÷ units_in_use, 4 places; null when no unit.")
    percent = serializers.DecimalField(**PERCENT, help_text="The rate as a percentage, 2 places.")


class RevenueLeadsFoundSerializer(serializers.Serializer):
    new = serializers.IntegerField(help_text="Found in the period and still new.")
    contacted = serializers.IntegerField(help_text="Found in the period and contacted, not closed.")
    won = serializers.IntegerField(help_text="Found in the period and won.")
    lost = serializers.IntegerField(help_text="Found in the period and lost.")
    total = serializers.IntegerField(help_text="Found in the period.")


class RevenueLeadsSerializer(serializers.Serializer):
    found = RevenueLeadsFoundSerializer(help_text="Leads found in the period, by their status now.")
    closed_won = serializers.IntegerField(help_text="Leads won in the period.")
    closed_lost = serializers.IntegerField(help_text="Leads lost in the period.")
    conversion_rate = serializers.DecimalField(**RATE, help_text="closed_won ÷ (closed_won + closed_lost).")
    conversion_percent = serializers.DecimalField(**PERCENT, help_text="The conversion rate as a percentage.")
    won_value = serializers.DecimalField(**MONEY, help_text="The value of the leads won in the period.")


class RevenueReferralsSerializer(serializers.Serializer):
    made = serializers.IntegerField(help_text="Customers referred in the period.")
    converted = serializers.IntegerField(
        help_text="Of them, those who bought a contract or registered a product after being referred, by the end."
    )
    conversion_rate = serializers.DecimalField(**RATE, help_text="converted ÷ made, 4 places; null when none made.")
    conversion_percent = serializers.DecimalField(**PERCENT, help_text="The conversion rate as a percentage.")


class RevenueAmountsSerializer(serializers.Serializer):
    contracts = serializers.DecimalField(**MONEY, help_text="Contracts sold and renewed.")
    paid_repairs = serializers.IntegerField(help_text="Paid jobs resolved in the period.")
    repair_charges = serializers.DecimalField(**MONEY, help_text="What the customers paid for them.")
    leads_won = serializers.DecimalField(**MONEY, help_text="The value of the leads won in the period.")
    total = serializers.DecimalField(**MONEY, help_text="contracts + repair_charges + leads_won.")


class RevenueFiguresSerializer(serializers.Serializer):
    contracts = RevenueContractsSerializer(help_text="Contracts sold and renewed.")
    coverage = RevenueCoverageSerializer(help_text="Registered units in use covered by a contract.")
    leads = RevenueLeadsSerializer(help_text="Leads found, and leads closed with their conversion.")
    referrals = RevenueReferralsSerializer(help_text="Referrals made and converted.")
    revenue = RevenueAmountsSerializer(help_text="Revenue from service.")


class RevenueRowSerializer(RevenueFiguresSerializer):
    label = serializers.CharField(help_text="The station's or provider's name, or the month (YYYY-MM).")
    code = serializers.CharField(
        help_text="The station's or provider's code; empty for a month or the row without one."
    )
    month = serializers.CharField(allow_null=True, help_text="YYYY-MM with group_by=month, else null.")


class RevenuePeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The first day of the first month.")
    end = serializers.DateField(help_text="The last day of the last month.")


class RevenueSerializer(serializers.Serializer):
    period = RevenuePeriodSerializer(help_text="The first day of the first month and the last day of the last.")
    group_by = serializers.CharField(help_text="The breakdown asked for: station, provider or month.")
    count = serializers.IntegerField(help_text="How many rows are in results.")
    total = RevenueFiguresSerializer(
        help_text="The whole period (stations' units and customers are counted once here)."
    )
    results = RevenueRowSerializer(many=True, help_text="One row per station, provider or month.")


def figures_data(figures: Figures) -> dict:
    counts = figures.counts

    def flow(ew: int, ew_amount, mp: int, mp_amount, count: int, amount) -> dict:
        return {
            "count": count,
            "amount": amount,
            "extended_warranty": {"count": ew, "amount": ew_amount},
            "maintenance_plan": {"count": mp, "amount": mp_amount},
        }

    return {
        "contracts": {
            "sold": flow(
                counts.ew_sold,
                counts.ew_sold_amount,
                counts.mp_sold,
                counts.mp_sold_amount,
                figures.contracts_sold,
                figures.contracts_sold_amount,
            ),
            "renewed": flow(
                counts.ew_renewed,
                counts.ew_renewed_amount,
                counts.mp_renewed,
                counts.mp_renewed_amount,
                figures.contracts_renewed,
                figures.contracts_renewed_amount,
            ),
        },
        "coverage": {
            "units_in_use": counts.units_in_use,
            "units_covered": counts.units_covered,
            "rate": figures.coverage,
            "percent": figures.coverage_percent,
        },
        "leads": {
            "found": {
                "new": counts.leads_new,
                "contacted": counts.leads_contacted,
                "won": counts.leads_won,
                "lost": counts.leads_lost,
                "total": figures.leads_found,
            },
            "closed_won": counts.leads_closed_won,
            "closed_lost": counts.leads_closed_lost,
            "conversion_rate": figures.conversion,
            "conversion_percent": figures.conversion_percent,
            "won_value": counts.leads_won_value,
        },
        "referrals": {
            "made": counts.referrals_made,
            "converted": counts.referrals_converted,
            "conversion_rate": figures.referral_conversion,
            "conversion_percent": figures.referral_conversion_percent,
        },
        "revenue": {
            "contracts": figures.contract_revenue,
            "paid_repairs": counts.paid_repairs,
            "repair_charges": counts.repair_charges,
            "leads_won": counts.leads_won_value,
            "total": figures.service_revenue,
        },
    }


EXAMPLE_FIGURES = {
    "contracts": {
        "sold": {
            "count": 3,
            "amount": "699.00",
            "extended_warranty": {"count": 1, "amount": "300.00"},
            "maintenance_plan": {"count": 2, "amount": "399.00"},
        },
        "renewed": {
            "count": 0,
            "amount": "0.00",
            "extended_warranty": {"count": 0, "amount": "0.00"},
            "maintenance_plan": {"count": 0, "amount": "0.00"},
        },
    },
    "coverage": {"units_in_use": 6, "units_covered": 3, "rate": "0.5000", "percent": "50.00"},
    "leads": {
        "found": {"new": 0, "contacted": 0, "won": 1, "lost": 2, "total": 3},
        "closed_won": 1,
        "closed_lost": 1,
        "conversion_rate": "0.5000",
        "conversion_percent": "50.00",
        "won_value": "2000.00",
    },
    "referrals": {"made": 2, "converted": 2, "conversion_rate": "1.0000", "conversion_percent": "100.00"},
    "revenue": {
        "contracts": "699.00",
        "paid_repairs": 2,
        "repair_charges": "195.50",
        "leads_won": "2000.00",
        "total": "2894.50",
    },
}
EXAMPLE = {
    "period": {"start": "2026-03-01", "end": "2026-03-31"},
    "group_by": "month",
    "count": 1,
    "total": EXAMPLE_FIGURES,
    "results": [{"label": "2026-03", "code": "", "month": "2026-03", **EXAMPLE_FIGURES}],
}


@replica_reads
class RevenueView(APIView):
    permission_classes = [IsAuthenticated, ManagesQuality]

    @extend_schema(
        operation_id="revenue",
        tags=["metrics"],
        summary="The revenue side of service for a range of months",
        description=(
            "Contracts sold and renewed (count and amount, by kind), contract coverage of the units in use on the "
            "range's last day, leads found by status and their conversion (won ÷ won + lost, closed in the range), "
            "referrals made and converted, and service revenue (contracts + paid repair charges + won leads' "
            "value), for the whole range (`total`) and one result per station, service provider or month "
            "(`group_by`). `from` and `to` are months (YYYY-MM, business time zone; default: the last six "
            f"months; at most {MAX_MONTHS}). Formulas: docs/revenue.md. Managers and administrators only; a "
            "provider's own managers get their provider's figures only, whatever they ask."
        ),
        parameters=[RevenueQuerySerializer],
        responses={
            200: RevenueSerializer,
            **error_responses(400, 401, 403, 429, e403="The user is not a manager or administrator."),
        },
        examples=[OpenApiExample("March, by month", value=EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        context = {"today": business_today(), "provider": provider_of(request.user)}
        query = RevenueQuerySerializer(data=request.query_params, context=context)
        query.is_valid(raise_exception=True)
        report = revenue_report(query.validated_data["scope"], query.validated_data["group_by"])
        answer = {
            "period": {"start": report.scope.period.start, "end": report.scope.period.end},
            "group_by": report.group_by,
            "count": len(report.rows),
            "total": figures_data(report.total),
            "results": [
                {
                    "label": row.label,
                    "code": row.code,
                    "month": row.month.strftime("%Y-%m") if row.month else None,
                    **figures_data(row.figures),
                }
                for row in report.rows
            ],
        }
        return Response(RevenueSerializer(answer).data)

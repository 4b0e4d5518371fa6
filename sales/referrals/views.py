"""The desk's referral report at ``/desk/leads/referrals/`` (docs/referrals.md#the-report):
managers, sales staff, agents and administrators; a provider's staff see the referrals whose
referred customer they serve (the scoped managers do it)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aftersales.access import sales_required
from aftersales.replicas.marks import replica_reads
from sales.referrals import exports, selectors
from sales.referrals.forms import MonthRangeForm


def _report(request: HttpRequest) -> tuple[MonthRangeForm, list[selectors.ReferralRow]]:
    form = MonthRangeForm(request.GET)
    if not form.is_valid():
        return form, []
    return form, selectors.referral_report(first=form.cleaned_data["first"], last=form.cleaned_data["last"])


@replica_reads
@sales_required
@require_GET
def referral_report(request: HttpRequest) -> HttpResponse:
    form, rows = _report(request)
    context = {
        "form": form,
        "rows": rows,
        "totals": {
            "referrals": sum(row.referrals for row in rows),
            "conversions": sum(row.conversions for row in rows),
        },
        "query": request.GET.urlencode(),
    }
    return render(request, "sales/referrals/report.html", context, status=200 if form.is_valid() else 400)


@replica_reads
@sales_required
@require_GET
def referral_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    form, rows = _report(request)
    if not form.is_valid():
        return render(request, "sales/referrals/report.html", {"form": form, "rows": []}, status=400)
    stem = f"referrals_{form.cleaned_data['first']:%Y-%m}_{form.cleaned_data['last']:%Y-%m}"
    return exports.response(rows, fmt, stem)

"""The dashboard's revenue page (``/dashboard/revenue/``) and its exports (docs/revenue.md).

Managers and administrators, as the rest of the dashboard (quality/access.py); a provider's
managers see their own provider's figures only: the provider comes from who signed in, never
from the query. Thin: parse the filters, call the selector, render.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.access import manager_required
from aftersales.replicas.marks import replica_reads
from aftersales.roles import provider_of
from quality.dashboard import exports
from quality.dashboard.forms import period_text
from quality.dashboard.rendering import query_string
from quality.metrics import business_today
from quality.revenue.exports import revenue_table
from quality.revenue.forms import RevenueFilterForm
from quality.revenue.selectors import MONTH, revenue_report


def _form(request: HttpRequest) -> RevenueFilterForm:
    form = RevenueFilterForm(
        request.GET, this_month=business_today().replace(day=1), provider=provider_of(request.user)
    )
    form.is_valid()
    return form


@replica_reads
@manager_required
@require_GET
def revenue(request: HttpRequest) -> HttpResponse:
    """The figures of the months asked for, the whole range's and one row per station, provider
    or month. Bad filters: the page answers 400 with the errors beside the fields and the last
    six months' figures."""
    form = _form(request)
    report = revenue_report(form.scope, form.group_by)
    params = form.params()
    export_base = reverse("dashboard:revenue_export", args=["csv"]).rsplit(".", 1)[0]
    return render(
        request,
        "dashboard/revenue.html",
        {
            "nav": "dashboard",
            "form": form,
            "report": report,
            "by_month": report.group_by == MONTH,
            "period_text": period_text(report.scope.period),
            "provider_view": form.provider is not None,
            "exports": [(fmt.upper(), f"{export_base}.{fmt}?{query_string(params)}") for fmt in exports.FORMATS],
        },
        status=400 if form.errors else 200,
    )


@replica_reads
@manager_required
@require_GET
def revenue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The page's table as CSV or XLSX; bad filters answer 400 with the errors, as text."""
    if fmt not in exports.FORMATS:
        raise Http404(_("No such format."))
    form = _form(request)
    if form.errors:
        lines = [f"{field}: {error}" for field, errors in form.errors.items() for error in errors]
        return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")
    return exports.response(revenue_table(revenue_report(form.scope, form.group_by)), fmt)

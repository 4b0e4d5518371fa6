"""The manager dashboard (``/dashboard/``): the 1234 rates against their thresholds, the four
no-leak counters, the service KPIs, breakdowns, the tickets behind each figure, exports,
thresholds and alerts (docs/kpis.md).

Views parse the filters, call quality.dashboard.figures (which reads snapshots) and render
(docs/architecture.md#house-rules); the figures below the page's tools are rendered and cached by
quality.dashboard.rendering. Only the drill-down lists read tickets, a page at a time.
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.access import manager_required
from aftersales.errors import add_errors_to_form
from aftersales.pagination import PAGE_SIZES, UncountedPage, page_size_from
from aftersales.replicas.marks import replica_reads
from aftersales.roles import provider_of
from quality import snapshots
from quality.access import headquarters_required
from quality.dashboard import breakdowns, drilldowns, exports, rendering, slices
from quality.dashboard import figures as dashboard
from quality.dashboard.drilldowns import DRILLDOWNS
from quality.dashboard.forms import DashboardFilterForm, ThresholdsForm, period_text
from quality.dashboard.rendering import export_urls, filter_context, query_string
from quality.metrics import business_today
from quality.models import AlertKind, Dimension, QualityAlert
from quality.tasks import quality_snapshot_task

logger = logging.getLogger(__name__)

# The figure each drill-down list is behind.
FIGURE_OF = {kind: key for key, kind in dashboard.DRILLDOWN_OF.items()}


def _filters(request: HttpRequest, now) -> DashboardFilterForm:
    """The page's filters; a provider's staff are held to their own provider's slice."""
    form = DashboardFilterForm(request.GET, today=business_today(now), provider=provider_of(request.user))
    form.is_valid()
    return form


def _alert_link(alert: QualityAlert) -> str:
    """Where an alert leads: a batch to the recalls; a rate to the dashboard over the alert's
    window, narrowed to its subject."""
    if alert.kind == AlertKind.BATCH:
        return reverse("recalls:list")
    params = {"range": "custom", "start": alert.window_start.isoformat(), "end": alert.window_end.isoformat()}
    if alert.dimension != Dimension.ALL:
        params |= {"dimension": alert.dimension, "value": alert.value}
    return reverse("dashboard:home") + "?" + query_string(params)


def _alerts_context(alerts: list[QualityAlert]) -> list[dict]:
    return [
        {
            "alert": alert,
            "url": _alert_link(alert),
            "is_batch": dashboard.is_batch_alert(alert),
            "percent": (alert.rate * 100).quantize(Decimal("0.01")),
            "threshold_percent": dashboard.percent_of(alert.threshold),
        }
        for alert in alerts
    ]


@replica_reads
@manager_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard. Its figures change only when the snapshots or the thresholds do, so they
    are rendered once per state of both and filter, and served from the cache until then; the
    alerts banner and the page's tools are always current."""
    now = timezone.now()
    today = business_today(now)
    form = _filters(request, now)
    chosen = snapshots.thresholds()
    state = snapshots.generation()
    figures = rendering.figures_html(request.GET.get("page"), form, chosen, state, today)
    open_alerts, open_count = dashboard.banner_alerts(provider=form.provider)
    return render(
        request,
        "dashboard/home.html",
        {
            "nav": "dashboard",
            "scope": form.slice,
            "scope_label": slices.label_of(form.slice.dimension, form.slice.value),
            "period_text": period_text(form.slice.period),
            "figures": mark_safe(figures),  # noqa: S308 - rendered by Django's templates, escaped there
            "alerts": _alerts_context(open_alerts),
            "more_alerts": open_count > len(open_alerts) and form.provider is None,
            "recompute_next": request.get_full_path(),
            "provider_view": form.provider is not None,
        },
        status=400 if form.errors else 200,
    )


def _drilldown_kind(kind: str) -> str:
    if kind not in DRILLDOWNS:
        raise Http404(_("No such list."))
    return kind


@replica_reads
@manager_required
@require_GET
def tickets(request: HttpRequest, kind: str) -> HttpResponse:
    """The records behind one figure, with the dashboard's filters: a live list, a page at a
    time, and how many records it holds, counted as the figure counts them, beside the figure
    from the snapshots. The two are equal unless the snapshots are older than the records: a
    deadline passed since the last run is in the list and not yet in the figure, and the page
    says so."""
    kind = _drilldown_kind(kind)
    now = timezone.now()
    form = _filters(request, now)
    scope = form.slice
    params = form.params()
    dimensions = scope.dimensions()
    rows = drilldowns.drilldown(kind, scope.period, dimensions, now=now).select_related("customer", "station")
    page = UncountedPage(rows, page_size_from(request, settings.DESK_PAGE_SIZE), request.GET.get("page"))
    count = drilldowns.drilldown_count(kind, scope.period, dimensions, now=now)
    query = request.GET.copy()
    query.pop("page", None)
    overview = dashboard.overview(scope, snapshots.thresholds())
    figure = overview.figures[FIGURE_OF[kind]]
    return render(
        request,
        "dashboard/tickets.html",
        {
            "nav": "dashboard",
            "kind": kind,
            "title": DRILLDOWNS[kind],
            "figure": figure,
            "status": figure.status,
            "count": count,
            "counts_ratings": drilldowns.BY_KIND[kind].counts_ratings,
            "figure_differs": figure.records != count,
            "form": form,
            "scope": scope,
            "scope_label": slices.label_of(scope.dimension, scope.value),
            "period_text": period_text(scope.period),
            **filter_context(form, scope, reverse("dashboard:tickets", args=[kind])),
            "page": page,
            "query_string": query.urlencode(),
            "page_sizes": PAGE_SIZES,
            "back_url": reverse("dashboard:home") + ("?" + query_string(params) if params else ""),
            "exports": export_urls("dashboard:tickets_export", params, kind=kind),
            "as_of": snapshots.last_computed(),
        },
        status=400 if form.errors else 200,
    )


def _bad_filters(form: DashboardFilterForm) -> HttpResponse:
    lines = [f"{field}: {error}" for field, errors in form.errors.items() for error in errors]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


def _format(fmt: str) -> str:
    if fmt not in exports.FORMATS:
        raise Http404(_("No such format."))
    return fmt


@replica_reads
@manager_required
@require_GET
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """The rates summary or the breakdown the page shows (all its rows), as CSV or XLSX."""
    fmt = _format(fmt)
    form = _filters(request, timezone.now())
    if form.errors:
        return _bad_filters(form)
    scope = form.slice
    chosen = snapshots.thresholds()
    if table == "rates":
        overview = dashboard.overview(scope, chosen)
        built = exports.rates_table(overview, scope, slices.label_of(scope.dimension, scope.value))
    elif table == "breakdown":
        by = form.breakdown_dimension
        own = None if form.provider is None else str(form.provider)
        rows = breakdowns.breakdown(scope.period, by, chosen, form.sort_key, only=own)
        built = exports.breakdown_table(rows, by, scope.period)
    else:
        raise Http404(_("No such table."))
    return exports.response(built, fmt)


@replica_reads
@manager_required
@require_GET
def tickets_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """A drill-down list as CSV or XLSX: its first ``DESK_COUNT_CAP`` tickets, newest first."""
    kind = _drilldown_kind(kind)
    fmt = _format(fmt)
    now = timezone.now()
    form = _filters(request, now)
    if form.errors:
        return _bad_filters(form)
    scope = form.slice
    rows = drilldowns.drilldown(kind, scope.period, scope.dimensions(), now=now).select_related("customer", "station")
    capped = rows[: settings.DESK_COUNT_CAP].iterator(chunk_size=2000)
    return exports.response(exports.tickets_table(capped, kind, scope.period), fmt)


@headquarters_required
@require_http_methods(["GET", "POST"])
def thresholds(request: HttpRequest) -> HttpResponse:
    """Every KPI's threshold in per cent, with its default. Saving enqueues a check of the
    alerts against the new thresholds."""
    current = snapshots.thresholds()
    form = ThresholdsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_thresholds()
        with transaction.atomic():
            for key, threshold in changed.items():
                try:
                    snapshots.set_threshold(key, threshold, by=request.user)
                except ValidationError as exc:
                    add_errors_to_form(form, exc, field_map={"threshold": key, "kpi": key})
            if form.errors:
                transaction.set_rollback(True)
            elif changed:
                transaction.on_commit(_queue_recompute)
        if not form.errors:
            if changed:
                messages.success(
                    request,
                    _("Thresholds saved: %(count)s changed. The alerts are being checked against them.")
                    % {"count": len(changed)},
                )
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("dashboard:thresholds")
    return render(
        request,
        "dashboard/thresholds.html",
        {"nav": "dashboard", "form": form},
        status=400 if form.errors else 200,
    )


def _queue_recompute() -> bool:
    """Queue the snapshot job for today and yesterday, which then raises and clears the alerts.
    A broker that cannot be reached is logged, never raised: the hourly run catches up."""
    try:
        quality_snapshot_task.delay(2)
    except Exception:  # noqa: BLE001 - any publishing failure leaves it to the hourly run
        logger.warning("Could not queue the quality snapshot job", exc_info=True)
        return False
    return True


@headquarters_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Recompute today's and yesterday's figures now: queued for a worker, not run in the request."""
    if _queue_recompute():
        messages.success(request, _("Recomputing today's and yesterday's figures. Reload in a minute to see them."))
    else:
        messages.error(request, _("The figures could not be recomputed now; the hourly run will do it."))
    target = request.POST.get("next", "")
    home = reverse("dashboard:home")
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return redirect(target if allowed and target.startswith(home) else home)


@replica_reads
@headquarters_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    open_alerts, cleared = dashboard.alert_log(timezone.now())
    return render(
        request,
        "dashboard/alerts.html",
        {
            "nav": "dashboard",
            "open_alerts": _alerts_context(open_alerts),
            "cleared_alerts": _alerts_context(cleared),
            "cleared_days": dashboard.RECENTLY_CLEARED_DAYS,
        },
    )

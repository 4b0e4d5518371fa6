"""The manager dashboard (``/dashboard/``): the 1234 rates against their thresholds, the four
no-leak counters, the service KPIs, breakdowns, the tickets behind each figure, exports,
thresholds and alerts (DESIGN.md sections 2 and 6).

Views parse the filters, call quality.dashboard.figures (which reads snapshots) and render
(STYLE.md rule 4). Only the drill-down lists read tickets, a page at a time.
"""

import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.access import manager_required
from aftersales.errors import add_errors_to_form
from aftersales.pagination import PAGE_SIZES, UncountedPage, page_size_from
from quality import snapshots
from quality.alerts import minimum_records
from quality.charts import LineChart
from quality.dashboard import drilldowns, exports
from quality.dashboard import figures as dashboard
from quality.dashboard.drilldowns import DRILLDOWNS
from quality.dashboard.forms import DashboardFilterForm, ThresholdsForm, period_text
from quality.metrics import DIMENSION_LABELS, business_today
from quality.models import AlertKind, Dimension, QualityAlert

logger = logging.getLogger(__name__)

BREAKDOWN_PAGE_SIZE = 50
# The figure each drill-down list is behind.
FIGURE_OF = {kind: key for key, kind in dashboard.DRILLDOWN_OF.items()}


def _filters(request: HttpRequest, now) -> DashboardFilterForm:
    form = DashboardFilterForm(request.GET, today=business_today(now))
    form.is_valid()
    return form


def _query(params: dict) -> str:
    return urlencode({key: value for key, value in params.items() if value not in ("", None)})


@dataclass(frozen=True)
class SortLink:
    key: str
    label: str
    url: str
    # "ascending", "descending" or "none", as aria-sort says it.
    state: str


def _sort_links(params: dict, by: str, current: str) -> list[SortLink]:
    labels = {
        "label": DIMENSION_LABELS[by],
        "completed": _("Completed"),
        **{key: dashboard.KPIS[key].label for key in dashboard.BREAKDOWN_KPIS},
    }
    links = []
    for key in dashboard.SORT_KEYS:
        if current == key:
            state, target = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, target = "descending", key
        else:
            state, target = "none", key
        url = "?" + _query({**params, "by": by, "sort": target}) + "#breakdown"
        links.append(SortLink(key=key, label=str(labels[key]), url=url, state=state))
    return links


def _alert_link(alert: QualityAlert) -> str:
    """Where an alert leads: a batch to the recalls; a rate to the dashboard over the alert's
    window, narrowed to its subject."""
    if alert.kind == AlertKind.BATCH:
        return reverse("recalls:list")
    params = {"range": "custom", "start": alert.window_start.isoformat(), "end": alert.window_end.isoformat()}
    if alert.dimension != Dimension.ALL:
        params |= {"dimension": alert.dimension, "value": alert.value}
    return reverse("dashboard:home") + "?" + _query(params)


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


def _drilldown_url(kind: str, params: dict) -> str:
    query = _query(params)
    return reverse("dashboard:tickets", args=[kind]) + ("?" + query if query else "")


def _figure_context(figure: dashboard.Figure, params: dict) -> dict:
    url = _drilldown_url(figure.drilldown, params) if figure.drilldown else ""
    return {"figure": figure, "rate": figure.rate, "kpi": figure.kpi, "status": figure.status, "drilldown_url": url}


def _breakdown_rows(rows, params: dict, by: str) -> list[dict]:
    """A page of breakdown rows, each cell linking to the records behind it: the figure's list
    narrowed to the row's value. A row without a value (no station…) has no list to narrow to."""
    kinds = [dashboard.DRILLDOWN_OF.get(key) for key in dashboard.BREAKDOWN_KPIS]
    result = []
    for row in rows:
        narrowed = {**params, "dimension": by, "value": row.value}
        rates = row.of(dashboard.BREAKDOWN_KPIS)
        urls = [
            _drilldown_url(kind, narrowed) if kind and row.value and (rate.numerator or rate.denominator) else ""
            for kind, rate in zip(kinds, rates, strict=True)
        ]
        cells = [dashboard.Cell.of(rate, row.minimum, url) for rate, url in zip(rates, urls, strict=True)]
        result.append({"row": row, "cells": cells})
    return result


def _filter_context(form: DashboardFilterForm, scope: dashboard.Slice, clear_url: str) -> dict:
    """What the filters partial shows: the choices in force, or what was typed when it was wrong."""
    data = form.cleaned_data
    dimension = data.get("dimension") or Dimension.ALL
    valid_value = "" if form.has_error("value") else data.get("value", "")
    selected = form.data.get("value", "") if form.has_error("value") else valid_value
    if form.errors:
        shown_start, shown_end = form.data.get("start", ""), form.data.get("end", "")
    else:
        shown_start, shown_end = scope.period.start.isoformat(), scope.period.end.isoformat()
    return {
        "range_value": data.get("range") or dashboard.DEFAULT_PRESET,
        "shown_start": shown_start,
        "shown_end": shown_end,
        "dimension_value": dimension,
        "selected_value": selected,
        "value_options": dashboard.filter_values(scope.period, dimension, valid_value),
        "clear_url": clear_url,
    }


def _window_name(first, last, day_names: dict) -> str:
    for day in (first, last):
        if day not in day_names:
            day_names[day] = escape(date_format(day, "DATE_FORMAT"))
    return day_names[last] if first == last else f"{day_names[first]} – {day_names[last]}"


def _chart_marks(chart: LineChart, day_names: dict) -> str:
    """Each window's volume bar and dot, with its days and figures as a tooltip. Built here
    rather than in a template loop: six charts hold up to 120 windows, and a template spends ten
    times as long on them. Every value is a number except the days' names, which are escaped,
    and the fixed "too few to judge" text."""
    radius = "1.6" if chart.windows > 20 else "2.2"
    too_few = escape(_("too few to judge"))
    parts = []
    for point, bar in zip(chart.points, chart.bars, strict=True):
        name = _window_name(point.first_day, point.last_day, day_names)
        title = f"{name}: {point.percent} % ({point.numerator}/{point.denominator})"
        if point.too_few:
            title += f" · {too_few}"
            dot_class = "dot few"
        else:
            dot_class = "dot crossed" if point.crossed else "dot"
        parts.append(
            f'<rect class="{"bar few" if bar.too_few else "bar"}" x="{bar.x}" y="{bar.y}" width="{bar.width}"'
            f' height="{bar.height}"><title>{title}</title></rect>'
            f'<circle class="{dot_class}" cx="{point.x}" cy="{point.y}" r="{radius}"><title>{title}</title></circle>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped texts only


def _export_urls(name: str, params: dict, **kwargs) -> dict[str, str]:
    query = _query(params)
    return {
        fmt: reverse(name, kwargs={**kwargs, "fmt": fmt}) + ("?" + query if query else "") for fmt in exports.FORMATS
    }


def _keeps_breakdown(form: DashboardFilterForm) -> bool:
    """Whether the manager picked the breakdown's tab or order: the filters then keep them."""
    return bool(form.data.get("by") or form.data.get("sort"))


def _figures_key(form: DashboardFilterForm, page: str, chosen: dict, state: snapshots.Generation, today) -> str:
    """What the figures of a request depend on: the snapshots, the thresholds, the filters,
    the breakdown's page, the day (today's figures are provisional) and the language."""
    parts = (
        state.key,
        translation.get_language(),
        today.isoformat(),
        sorted(form.params().items()),
        form.breakdown_dimension,
        form.sort_key,
        _keeps_breakdown(form),
        page[:20],
        sorted((key, str(value)) for key, value in chosen.items()),
        # What is too few to judge is part of what the page says.
        minimum_records(),
    )
    return "figures:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _figures(page: str | None, form: DashboardFilterForm, chosen: dict, state: snapshots.Generation, today) -> str:
    """The page below its title and tools: the filters, the three rates with their trends, the
    no-leak counters, the service KPIs and the breakdown, rendered."""
    scope = form.slice
    params = form.params()
    minimum = minimum_records()
    overview = dashboard.overview(scope, chosen, minimum)
    trends = {trend.key: trend for trend in dashboard.trends(scope, chosen, minimum=minimum)}
    by, sort = form.breakdown_dimension, form.sort_key
    rows = dashboard.breakdown(scope.period, by, chosen, sort, minimum)
    breakdown_page = Paginator(rows, BREAKDOWN_PAGE_SIZE).get_page(page)
    page_params = {**params, "by": by, "sort": sort}
    headline = []
    day_names: dict = {}  # each day's name, worked out once for the six charts
    for figure in overview.of(dashboard.HEADLINE_KPIS):
        context = _figure_context(figure, params)
        charts = trends[figure.key].charts
        context["charts"] = [
            {
                "chart": charts[view],
                "view": view,
                "id": f"chart-{figure.key}-{view}",
                "marks": _chart_marks(charts[view], day_names),
            }
            for view in dashboard.TREND_VIEWS
        ]
        headline.append(context)
    return render_to_string(
        "dashboard/_figures.html",
        {
            "form": form,
            "scope": scope,
            "period_text": period_text(scope.period),
            **_filter_context(form, scope, reverse("dashboard:home")),
            # The tab and order the manager picked stay when the filters change.
            "keep_breakdown": _keeps_breakdown(form),
            "sort": sort,
            "headline": headline,
            "product_complaints": overview.totals.product_complaints,
            "no_leaks": [_figure_context(figure, params) for figure in overview.of(dashboard.NO_LEAK_KPIS)],
            "service": [_figure_context(figure, params) for figure in overview.of(dashboard.SERVICE_KPIS)],
            "by": by,
            "by_label": DIMENSION_LABELS[by],
            "tabs": [
                {
                    "dimension": dimension,
                    "label": DIMENSION_LABELS[dimension],
                    "url": "?" + _query({**params, "by": dimension}) + "#breakdown",
                    "active": dimension == by,
                }
                for dimension in dashboard.BREAKDOWN_DIMENSIONS
            ],
            "sort_links": _sort_links(params, by, sort),
            "breakdown_page": breakdown_page,
            "breakdown_rows": _breakdown_rows(breakdown_page.object_list, params, by),
            "minimum_records": minimum,
            "breakdown_kpis": dashboard.BREAKDOWN_KPIS,
            "breakdown_query": _query(page_params),
            "highlight_value": scope.value if scope.dimension == by else None,
            "breakdown_narrowed": scope.is_narrowed and scope.dimension != by,
            "as_of": state.as_of,
            "provisional": scope.period.end >= today,
            "exports": {
                "rates": _export_urls("dashboard:export", params, table="rates"),
                "breakdown": _export_urls("dashboard:export", page_params, table="breakdown"),
            },
        },
    )


# The views a snapshot run renders in advance, in every language: the page as it opens, and
# each breakdown tab over the last 30 and 90 days. Other filters are rendered when first asked.
PRERENDERED_PRESETS = (dashboard.Preset.LAST_30_DAYS, dashboard.Preset.LAST_90_DAYS)


def prerender_figures(now=None) -> int:
    """Render the dashboard's most used views into the cache for the snapshots as they are now,
    so the first manager after a snapshot run does not wait for them. Returns how many."""
    now = now or timezone.now()
    today = business_today(now)
    chosen = snapshots.thresholds()
    state = snapshots.generation()
    queries = [{}] + [
        {"range": preset, "by": by} for preset in PRERENDERED_PRESETS for by in dashboard.BREAKDOWN_DIMENSIONS
    ]
    rendered = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for data in queries:
                form = DashboardFilterForm(data, today=today)
                if not form.is_valid():
                    continue
                key = _figures_key(form, "", chosen, state, today)
                caches["fragments"].set(key, _figures(None, form, chosen, state, today))
                rendered += 1
    return rendered


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
    key = None if form.errors else _figures_key(form, request.GET.get("page", ""), chosen, state, today)
    figures = caches["fragments"].get(key) if key else None
    if figures is None:
        figures = _figures(request.GET.get("page"), form, chosen, state, today)
        if key:
            caches["fragments"].set(key, figures)
    open_alerts, open_count = dashboard.banner_alerts()
    return render(
        request,
        "dashboard/home.html",
        {
            "nav": "dashboard",
            "scope": form.slice,
            "scope_label": dashboard.label_of(form.slice.dimension, form.slice.value),
            "period_text": period_text(form.slice.period),
            "figures": mark_safe(figures),  # noqa: S308 - rendered by Django's templates, escaped there
            "alerts": _alerts_context(open_alerts),
            "more_alerts": open_count > len(open_alerts),
            "recompute_next": request.get_full_path(),
        },
        status=400 if form.errors else 200,
    )


def _drilldown_kind(kind: str) -> str:
    if kind not in DRILLDOWNS:
        raise Http404(_("No such list."))
    return kind


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
            "scope_label": dashboard.label_of(scope.dimension, scope.value),
            "period_text": period_text(scope.period),
            **_filter_context(form, scope, reverse("dashboard:tickets", args=[kind])),
            "page": page,
            "query_string": query.urlencode(),
            "page_sizes": PAGE_SIZES,
            "back_url": reverse("dashboard:home") + ("?" + _query(params) if params else ""),
            "exports": _export_urls("dashboard:tickets_export", params, kind=kind),
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
        built = exports.rates_table(overview, scope, dashboard.label_of(scope.dimension, scope.value))
    elif table == "breakdown":
        by = form.breakdown_dimension
        built = exports.breakdown_table(dashboard.breakdown(scope.period, by, chosen, form.sort_key), by, scope.period)
    else:
        raise Http404(_("No such table."))
    return exports.response(built, fmt)


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


@manager_required
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
    from quality.tasks import quality_snapshot_task

    try:
        quality_snapshot_task.delay(2)
    except Exception:  # noqa: BLE001 - any publishing failure leaves it to the hourly run
        logger.warning("Could not queue the quality snapshot job", exc_info=True)
        return False
    return True


@manager_required
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


@manager_required
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

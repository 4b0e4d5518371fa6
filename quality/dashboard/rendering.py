"""The dashboard's figures as the page shows them below its tools, rendered once per state of the
snapshots, thresholds and filters and kept in the cache: the filters, the three rates with their
trend charts, the no-leak counters, the service KPIs and the breakdown (docs/kpis.md).

A snapshot run renders the most used views in advance (:func:`prerender_figures`), so the
first manager after it does not wait for them.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from quality import snapshots
from quality.alerts import minimum_records
from quality.charts import LineChart
from quality.dashboard import breakdowns, exports, slices
from quality.dashboard import figures as dashboard
from quality.dashboard.forms import DashboardFilterForm, period_text
from quality.metrics import DIMENSION_LABELS, NO_VALUE, business_today
from quality.models import Dimension

BREAKDOWN_PAGE_SIZE = 50


def query_string(params: dict) -> str:
    """The filters as a URL's query string, without the empty ones."""
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
    for key in breakdowns.SORT_KEYS:
        if current == key:
            state, target = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, target = "descending", key
        else:
            state, target = "none", key
        url = "?" + query_string({**params, "by": by, "sort": target}) + "#breakdown"
        links.append(SortLink(key=key, label=str(labels[key]), url=url, state=state))
    return links


def _drilldown_url(kind: str, params: dict) -> str:
    return _with_query(reverse("dashboard:tickets", args=[kind]), query_string(params))


def _with_query(path: str, query: str) -> str:
    return path + ("?" + query if query else "")


def _figure_context(figure: dashboard.Figure, params: dict) -> dict:
    url = _drilldown_url(figure.drilldown, params) if figure.drilldown else ""
    return {"figure": figure, "rate": figure.rate, "kpi": figure.kpi, "status": figure.status, "drilldown_url": url}


def _breakdown_rows(rows, params: dict, by: str) -> list[dict]:
    """A page of breakdown rows, each cell linking to the records behind it: the figure's list
    narrowed to the row's value. A row without a value (no station…) has no list to narrow to."""
    kinds = [dashboard.DRILLDOWN_OF.get(key) for key in dashboard.BREAKDOWN_KPIS]
    # Each list's address once, each row's query once: a page of rows links twenty cells each.
    paths = {kind: reverse("dashboard:tickets", args=[kind]) for kind in kinds if kind}
    result = []
    for row in rows:
        query = query_string({**params, "dimension": by, "value": row.value})
        rates = row.of(dashboard.BREAKDOWN_KPIS)
        urls = [
            _with_query(paths[kind], query) if kind and row.value and (rate.numerator or rate.denominator) else ""
            for kind, rate in zip(kinds, rates, strict=True)
        ]
        cells = [
            breakdowns.Cell.of(rate, row.minimum, url, rank=row.ranks.get(key))
            for key, rate, url in zip(dashboard.BREAKDOWN_KPIS, rates, urls, strict=True)
        ]
        result.append({"row": row, "cells": cells})
    return result


def filter_context(form: DashboardFilterForm, scope: slices.Slice, clear_url: str) -> dict:
    """What the filters partial shows: the choices in force, or what was typed when it was wrong.
    A provider's staff get no dimension to narrow to (their slice is their provider's), and so
    no list of values naming the network's stations or providers."""
    data = form.cleaned_data
    dimension = data.get("dimension") or Dimension.ALL
    valid_value = "" if form.has_error("value") else data.get("value", "")
    selected = form.data.get("value", "") if form.has_error("value") else valid_value
    if form.errors:
        shown_start, shown_end = form.data.get("start", ""), form.data.get("end", "")
    else:
        shown_start, shown_end = scope.period.start.isoformat(), scope.period.end.isoformat()
    return {
        "range_value": data.get("range") or slices.DEFAULT_PRESET,
        "shown_start": shown_start,
        "shown_end": shown_end,
        "dimension_value": dimension,
        "selected_value": selected,
        "value_options": []
        if form.provider is not None
        else slices.filter_values(scope.period, dimension, valid_value),
        "clear_url": clear_url,
        "provider_view": form.provider is not None,
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


def export_urls(name: str, params: dict, **kwargs) -> dict[str, str]:
    """The URL of the export ``name`` in each format, with the page's filters."""
    query = query_string(params)
    return {
        fmt: reverse(name, kwargs={**kwargs, "fmt": fmt}) + ("?" + query if query else "") for fmt in exports.FORMATS
    }


def _keeps_breakdown(form: DashboardFilterForm) -> bool:
    """Whether the manager picked the breakdown's tab or order: the filters then keep them."""
    return bool(form.data.get("by") or form.data.get("sort"))


def _figures_key(form: DashboardFilterForm, page: str, chosen: dict, state: snapshots.Generation, today) -> str:
    """What the figures of a request depend on: who reads them (headquarters, or which
    provider: its staff see their own slice only), the snapshots, the thresholds, the filters,
    the breakdown's page, the day (today's figures are provisional) and the language."""
    parts = (
        ("provider", form.provider),
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
    own = None if form.provider is None else str(form.provider)
    rows = breakdowns.breakdown(scope.period, by, chosen, sort, minimum, only=own)
    ranks = _slice_ranks(scope, by, rows, chosen, minimum)
    breakdown_page = Paginator(rows, BREAKDOWN_PAGE_SIZE).get_page(page)
    page_params = {**params, "by": by, "sort": sort}
    headline = []
    day_names: dict = {}  # each day's name, worked out once for the six charts
    for figure in overview.of(dashboard.HEADLINE_KPIS):
        context = _figure_context(figure, params)
        context["rank"] = ranks.get(figure.key)
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
            **filter_context(form, scope, reverse("dashboard:home")),
            # The tab and order the manager picked stay when the filters change.
            "keep_breakdown": _keeps_breakdown(form),
            "sort": sort,
            "headline": headline,
            "product_complaints": overview.totals.product_complaints,
            "no_leaks": [_figure_context(figure, params) for figure in overview.of(dashboard.NO_LEAK_KPIS)],
            "service": [
                {**_figure_context(figure, params), "rank": ranks.get(figure.key)}
                for figure in overview.of(dashboard.SERVICE_KPIS)
            ],
            "provider_view": own is not None,
            "ranked_slice": bool(ranks),
            "by": by,
            "by_label": DIMENSION_LABELS[by],
            "tabs": [
                {
                    "dimension": dimension,
                    "label": DIMENSION_LABELS[dimension],
                    "url": "?" + query_string({**params, "by": dimension}) + "#breakdown",
                    "active": dimension == by,
                }
                for dimension in breakdowns.BREAKDOWN_DIMENSIONS
                if own is None or dimension == Dimension.PROVIDER
            ],
            "sort_links": _sort_links(params, by, sort),
            "breakdown_page": breakdown_page,
            "breakdown_rows": _breakdown_rows(breakdown_page.object_list, params, by),
            "minimum_records": minimum,
            "breakdown_kpis": dashboard.BREAKDOWN_KPIS,
            "breakdown_query": query_string(page_params),
            "highlight_value": scope.value if scope.dimension == by else None,
            "breakdown_narrowed": scope.is_narrowed and scope.dimension != by,
            "as_of": state.as_of,
            "provisional": scope.period.end >= today,
            "exports": {
                "rates": export_urls("dashboard:export", params, table="rates"),
                "breakdown": export_urls("dashboard:export", page_params, table="breakdown"),
            },
        },
    )


def _slice_ranks(scope: slices.Slice, by: str, rows, chosen: dict, minimum: int) -> dict:
    """The slice's provider's place among the providers on each ranked rate, when the slice is
    one provider: from the providers' breakdown when it is the one shown, else read (one query)."""
    if scope.dimension != Dimension.PROVIDER or scope.value in ("", NO_VALUE):
        return {}
    if by != Dimension.PROVIDER:
        by_value = snapshots.totals_by_value(scope.period, Dimension.PROVIDER)
        return breakdowns.provider_ranks(by_value, chosen, minimum).get(scope.value, {})
    return next((dict(row.ranks) for row in rows if row.value == scope.value), {})


# The views a snapshot run renders in advance, in every language: the page as it opens, and
# each breakdown tab over the last 30 and 90 days. Other filters are rendered when first asked.
PRERENDERED_PRESETS = (slices.Preset.LAST_30_DAYS, slices.Preset.LAST_90_DAYS)


def prerender_figures(now=None) -> int:
    """Render the dashboard's most used views into the cache for the snapshots as they are now,
    so the first manager after a snapshot run does not wait for them. Returns how many."""
    now = now or timezone.now()
    today = business_today(now)
    chosen = snapshots.thresholds()
    state = snapshots.generation()
    queries = [{}] + [
        {"range": preset, "by": by} for preset in PRERENDERED_PRESETS for by in breakdowns.BREAKDOWN_DIMENSIONS
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


def figures_html(page: str | None, form: DashboardFilterForm, chosen: dict, state: snapshots.Generation, today) -> str:
    """The figures of a request: from the cache when this state and these filters were rendered
    before, else rendered now and kept. Filters with errors are rendered and never kept."""
    key = None if form.errors else _figures_key(form, page or "", chosen, state, today)
    figures = caches["fragments"].get(key) if key else None
    if figures is None:
        figures = _figures(page, form, chosen, state, today)
        if key:
            caches["fragments"].set(key, figures)
    return figures

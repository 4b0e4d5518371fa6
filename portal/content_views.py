"""Public content pages of the portal: help answers and the price list (issue 4, point 1).

Both pages answer before anyone needs to call: what the three guarantees give, and what a
paid repair costs. Each page reads the categories and its rows in two queries, however many
rows are published.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from customers.forms import CategoryFilterForm
from customers.models import FaqEntry, PriceKind, PriceListItem, ProductCategory

# The "per" labels of the default price list. The column holds one language, so the labels
# admins use most are in the catalogue and shown translated; any other label shows as typed.
PRICE_UNIT_LABELS = (
    gettext_noop("per visit"),
    gettext_noop("per hour"),
    gettext_noop("each"),
    gettext_noop("per set"),
    gettext_noop("per pair"),
)
# Service charges first: they apply to every paid repair; parts depend on the fault.
SECTION_TITLES = {PriceKind.SERVICE: _("Service charges"), PriceKind.PART: _("Genuine spare parts")}


@dataclass(frozen=True)
class PriceRow:
    name: str
    code: str
    per: str
    price: Decimal


@dataclass
class PriceGroup:
    """The rows of one product category; ``category`` None: rows for every product."""

    category: ProductCategory | None
    rows: list[PriceRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.category.display_name if self.category else gettext("All products")


@dataclass
class PriceSection:
    kind: str
    title: str
    groups: list[PriceGroup] = field(default_factory=list)


def _categories() -> list[ProductCategory]:
    return list(ProductCategory.objects.order_by("code"))


def _for_category(qs: QuerySet, category: ProductCategory | None) -> QuerySet:
    """Rows of one category plus the rows that apply to every product."""
    if category is None:
        return qs
    return qs.filter(Q(category__isnull=True) | Q(category=category))


def published_faq(category: ProductCategory | None) -> QuerySet[FaqEntry]:
    qs = FaqEntry.objects.filter(is_published=True).select_related("category").order_by("position", "id")
    return _for_category(qs, category)


def published_prices(category: ProductCategory | None) -> QuerySet[PriceListItem]:
    qs = PriceListItem.objects.filter(is_published=True).select_related("category")
    return _for_category(qs, category)


def _per_label(label: str) -> str:
    return gettext(label) if label else ""


def price_sections(items: list[PriceListItem]) -> list[PriceSection]:
    """Group published prices by kind (service charges, then parts) and by category: rows for
    every product first, then one group per category, by name in the visitor's language."""
    # Within a group, the admins' positions, then the name in the visitor's language.
    items = sorted(items, key=lambda item: (item.position, item.display_name.casefold()))
    sections = []
    for kind, title in SECTION_TITLES.items():
        groups: dict[int | None, PriceGroup] = {}
        for item in items:
            if item.kind != kind:
                continue
            group = groups.setdefault(item.category_id, PriceGroup(category=item.category))
            group.rows.append(PriceRow(item.display_name, item.code, _per_label(item.unit_label), item.price))
        if not groups:
            continue
        ordered = sorted(
            groups.values(),
            key=lambda g: (g.category is not None, g.category.display_name.casefold() if g.category else ""),
        )
        sections.append(PriceSection(kind=kind, title=title, groups=ordered))
    return sections


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    form = CategoryFilterForm(request.GET or None, categories=_categories())
    category = form.selected()
    return render(
        request,
        "portal/help.html",
        {"nav": "help", "form": form, "category": category, "entries": list(published_faq(category))},
    )


@require_GET
def price_list(request: HttpRequest) -> HttpResponse:
    form = CategoryFilterForm(request.GET or None, categories=_categories())
    category = form.selected()
    return render(
        request,
        "portal/prices.html",
        {
            "nav": "prices",
            "form": form,
            "category": category,
            "sections": price_sections(list(published_prices(category))),
        },
    )

"""Reads for customers and units (docs/architecture.md#house-rules, with their joins done)."""

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

from django.db.models import BooleanField, Case, QuerySet, Value, When

from aftersales import table_memo
from customers.models import Customer, DayKind, NationalCalendarDay, ProductModel, ProductUnit, WarrantyPolicy
from customers.phones import try_normalize_phone

V = TypeVar("V")


def customer_by_phone(raw_phone: str) -> Customer | None:
    """The customer who owns this number, however it was typed; None when unknown or not a number."""
    phone = try_normalize_phone(raw_phone)
    if phone is None:
        return None
    return Customer.objects.filter(phone=phone).first()


def customer_with_phone(raw_phone: str) -> Customer | None:
    """The one customer who owns this number, whoever may see them (docs/network.md#who-sees-what):
    what a provider's staff see is what their provider served, but one number stays one customer,
    so a request for a customer unknown to their provider is logged for the customer on file."""
    phone = try_normalize_phone(raw_phone)
    if phone is None:
        return None
    return Customer._base_manager.filter(phone=phone).first()


def units_of(customer: Customer) -> QuerySet[ProductUnit]:
    return (
        ProductUnit.objects.filter(owner=customer)
        .select_related("model", "model__category", "replaced_by")
        .order_by("status", "-registered_at", "-id")
    )


def active_models() -> QuerySet[ProductModel]:
    return ProductModel.objects.filter(is_active=True).select_related("category").order_by("category__code", "code")


def units_with_warranty(customer: Customer, today) -> QuerySet[ProductUnit]:
    """The customer's units, each annotated ``in_warranty`` as of ``today``."""
    return units_of(customer).annotate(
        in_warranty=Case(
            When(warranty_end__gte=today, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def policy_in_force(versions: int | QuerySet[WarrantyPolicy], on_date: dt.date | None) -> WarrantyPolicy | None:
    """The policy version that governs a product whose warranty starts ``on_date``: the latest
    one effective by then (the first version when the date is unknown or earlier).

    ``versions`` is a category id — the version is then picked from the memo of policy versions
    (aftersales/table_memo.py) and read by its key — or a queryset of one category's versions
    (with the joins the caller needs).
    """
    if isinstance(versions, int):
        return _policy_version(versions, on_date)
    if on_date is not None:
        current = versions.filter(effective_from__lte=on_date).order_by("-effective_from", "-version").first()
        if current is not None:
            return current
    return versions.order_by("version").first()


class PolicyVersion(NamedTuple):
    pk: int
    category_id: int
    effective_from: dt.date
    version: int


def version_in_force(versions: Sequence[V], on_date: dt.date | None) -> V | None:
    """:func:`policy_in_force`'s rule over one category's versions already read (policies, or
    anything with their ``effective_from`` and ``version``)."""
    if not versions:
        return None
    if on_date is not None:
        current = [v for v in versions if v.effective_from <= on_date]
        if current:
            return max(current, key=lambda v: (v.effective_from, v.version))
    return min(versions, key=lambda v: v.version)


def _policy_version(category_id: int, on_date: dt.date | None) -> WarrantyPolicy | None:
    every = table_memo.derived(
        ("customers.warrantypolicy",),
        ("policy-versions",),
        lambda: tuple(
            PolicyVersion(*row)
            for row in WarrantyPolicy.objects.values_list("pk", "category_id", "effective_from", "version")
        ),
    )
    chosen = version_in_force([v for v in every if v.category_id == category_id], on_date)
    if chosen is None:
        return None
    return table_memo.rows(WarrantyPolicy, [chosen.pk]).get(chosen.pk)


def holidays_between(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """The statutory holidays from ``start`` to ``end`` (both included); make-up working days are
    working days, not holidays."""
    days = NationalCalendarDay.objects.filter(kind=DayKind.HOLIDAY, date__range=(start, end))
    return frozenset(days.values_list("date", flat=True))

"""Filters of the customer and unit lists (django-filter), and the id and date-time filters every
list shares: a value the database could not take is the parameter's 400, not a 500."""

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from customers.models import Customer, ProductUnit
from customers.phones import try_normalize_phone

# The largest id a 64-bit primary key holds: a larger number overflows the database's integer.
MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """An object id: a whole number from 1 to MAX_ID, matched without looking the object up (so a
    filter never tells whether an object the caller may not see exists)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # The schema says integer (a NumberFilter alone reads as any number), with this filter's help.
        extend_schema_field(
            {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": self.extra.get("help_text", "")}
        )(self)


class _UtcDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                value.astimezone(dt.UTC)
            except OverflowError:  # 0001-01-01T00:00+08:00 is in year 0 in UTC, where the database compares
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return value


class DateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date-time that exists in UTC too; one that does not is the parameter's 400."""

    field_class = _UtcDateTimeField


class CustomerFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        help_text="A phone number in any format (exact), or part of the name.",
    )
    region = filters.CharFilter(lookup_expr="iexact", label=_("Region"))

    class Meta:
        model = Customer
        fields = ["q", "region"]

    def filter_search(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        text = value.strip()
        if not text:
            return queryset
        phone = try_normalize_phone(text)
        if phone is not None:
            return queryset.filter(phone=phone)
        return queryset.filter(name__icontains=text)


class UnitFilter(filters.FilterSet):
    serial = filters.CharFilter(
        lookup_expr="iexact", label=_("Serial number"), help_text="The exact serial, in any letter case."
    )
    customer = IdFilter(field_name="owner_id", label=_("Owner"), help_text="Id of the owning customer.")
    model = filters.CharFilter(field_name="model__code", label=_("Model"), help_text="Product model code.")

    class Meta:
        model = ProductUnit
        fields = ["serial", "customer", "model"]

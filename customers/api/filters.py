"""Filters of the customer and unit lists (django-filter)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from aftersales.api.filters import IdFilter
from customers.models import Customer, ProductUnit
from customers.phones import try_normalize_phone


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

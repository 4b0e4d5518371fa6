"""Every model has a working admin with search and filters."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = factories.UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_every_product_model_is_registered():
    registered = {model._meta.label for model in admin.site._registry}
    for label in (
        "customers.Customer",
        "customers.ProductCategory",
        "customers.ProductModel",
        "customers.ProductUnit",
        "tickets.ServiceStation",
        "tickets.FaultCategory",
        "tickets.Ticket",
        "tickets.TicketEvent",
        "tickets.TicketSequence",
    ):
        assert label in registered


def test_admin_pages_render_with_search(client, superuser):
    ticket = factories.TicketFactory()
    client.force_login(superuser)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("customers", "tickets"):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        params = {"q": "x"} if model_admin.search_fields else {}
        assert client.get(url, params).status_code == 200, url
    change = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    assert client.get(change).status_code == 200


def test_tickets_cannot_be_deleted_in_the_admin(client, superuser):
    ticket = factories.TicketFactory()
    client.force_login(superuser)
    response = client.post(reverse("admin:tickets_ticket_delete", args=[ticket.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(ticket).objects.filter(pk=ticket.pk).exists()


def test_a_policy_edit_in_the_admin_is_a_new_version(client, superuser):
    from customers.models import WarrantyPolicy

    current = WarrantyPolicy.objects.get(category__code="fridge")
    client.force_login(superuser)
    add = reverse("admin:customers_warrantypolicy_add")
    form = client.get(add, {"from": current.pk}).context["adminform"].form
    assert form.initial["whole_unit_months"] == 12
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "category": current.category_id,
            "effective_from": "2027-01-01",
            "whole_unit_months": 24,
            "main_components": '[["compressor", 60]]',
            "accessories": "[]",
            "brand_extra_remedies": '["loaner"]',
            "note": "Brand gives two years",
            "count_start_day": "",
        }
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    versions = list(
        WarrantyPolicy.objects.filter(category=current.category).values_list("version", "whole_unit_months")
    )
    assert versions == [(2, 24), (1, 12)]
    assert client.post(reverse("admin:customers_warrantypolicy_change", args=[current.pk]), data).status_code == 403
    current.refresh_from_db()
    assert current.whole_unit_months == 12


def test_a_policy_with_unknown_brand_remedies_is_refused(client, superuser):
    from customers.models import WarrantyPolicy

    current = WarrantyPolicy.objects.get(category__code="fridge")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:customers_warrantypolicy_add"),
        {
            "category": current.category_id,
            "effective_from": "2027-01-01",
            "family": "general",
            "whole_unit_months": 12,
            "main_component_months": 36,
            "main_components": "[]",
            "accessories": "[]",
            "depreciation_rate_per_day": "0.001",
            "return_days": 7,
            "replace_days": 15,
            "repairer_limit_days": 30,
            "no_parts_limit_days": 90,
            "brand_extra_remedies": '["free_pizza"]',
            "validity_months": 24,
            "validity_km": 50000,
            "repair_period_months": 36,
            "repair_period_km": 60000,
            "car_usage_rate": "0.005",
        },
    )
    assert response.status_code == 200
    assert "free_pizza" in str(response.context["adminform"].form.non_field_errors())
    assert WarrantyPolicy.objects.filter(category=current.category).count() == 1

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

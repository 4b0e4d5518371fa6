"""The sales admin: rules and consumables edited (a rule without its numbers refused), leads read
with their history and never changed there; and the daily sweep's task."""

import datetime as dt

import pytest
from django.urls import reverse

from sales.choices import LeadStatus
from sales.leads import lead_contact
from sales.models import Lead, LeadRule
from sales.tasks import lead_sweep_task
from tests import factories
from tests.sales import helpers_leads as h
from tests.sales.factories_leads import ConsumableFactory, LeadFactory, LeadRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = factories.UserFactory(username="root-leads")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_pages_render_and_leads_are_read_only(client, superuser):
    lead = LeadFactory()
    lead_contact(lead=lead, note="Called about the upgrade.", by=superuser)
    ConsumableFactory()
    client.force_login(superuser)
    for name in ("leadrule", "consumable", "lead"):
        assert client.get(reverse(f"admin:sales_{name}_changelist"), {"q": "x"}).status_code == 200, name
    page = client.get(reverse("admin:sales_lead_change", args=[lead.pk]))
    assert page.status_code == 200 and b"Called about the upgrade." in page.content
    assert client.get(reverse("admin:sales_lead_add")).status_code == 403
    assert client.post(reverse("admin:sales_lead_delete", args=[lead.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:sales_lead_change", args=[lead.pk]), {"status": "won"})
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CONTACTED


def test_a_rule_without_its_numbers_is_refused_in_the_admin(client, superuser):
    client.force_login(superuser)
    answer = client.post(
        reverse("admin:sales_leadrule_add"),
        {
            "code": "third",
            "name": "Third repair",
            "trigger": "repeat_repairs",
            "lead_kind": "trade_in",
            "is_active": "on",
        },
    )
    assert answer.status_code == 200
    assert set(answer.context["adminform"].form.errors) == {"repairs_count", "within_days"}
    assert not LeadRule.objects.exists()


def test_the_daily_task_sweeps_for_old_units(time_machine):
    LeadRuleFactory(code="old", trigger="unit_age", lead_kind="trade_in", cost_share_percent=None)
    h.unit(started=dt.date(2020, 1, 1))
    time_machine.move_to(h.at(dt.date(2027, 6, 1), 10), tick=False)
    assert lead_sweep_task() == {"unit_age": 1, "consumable_due": 0}
    assert lead_sweep_task() == {"unit_age": 0, "consumable_due": 0}

"""Portal accounts linked without proof of the phone are listed for staff review: by the
``accounts_to_review`` command and by the admin's "account proven by code" filter."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    unproven = factories.CustomerFactory(
        phone="+8613900000001", name="Linked by reference", user=factories.UserFactory(username="+8613900000001")
    )
    proven = factories.CustomerFactory(
        phone="+8613900000002",
        name="Linked by code",
        user=factories.UserFactory(username="+8613900000002"),
        account_verified_at=timezone.now(),
    )
    no_account = factories.CustomerFactory(phone="+8613900000003", name="Desk only")
    return unproven, proven, no_account


def test_the_command_lists_only_accounts_linked_without_proof(accounts):
    unproven, _proven, _no_account = accounts
    out, err = io.StringIO(), io.StringIO()
    call_command("accounts_to_review", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].split("\t")[:3] == [str(unproven.pk), "+8613900000001", "Linked by reference"]
    assert "1 portal account(s) linked without proof of the phone." in err.getvalue()
    count = io.StringIO()
    call_command("accounts_to_review", "--count", stdout=count)
    assert count.getvalue().strip() == "1"


def test_the_admin_filters_customers_by_account_proof(client, accounts):
    unproven, proven, _no_account = accounts
    root = factories.UserFactory(username="root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    url = reverse("admin:customers_customer_changelist")
    listed = {
        value: {customer.pk for customer in client.get(url, {"account_proven": value}).context["cl"].result_list}
        for value in ("no", "yes")
    }
    assert listed == {"no": {unproven.pk}, "yes": {proven.pk}}
    assert "account proven by code" in client.get(url).content.decode()


def test_phone_codes_in_the_admin_cannot_be_changed(client, accounts):
    from customers.phone_code_models import PhoneCode

    row = PhoneCode.objects.create(
        phone="+8613900000001", purpose="signup", code_hash="s$h", expires_at=timezone.now(), sent_from_ip="10.0.0.1"
    )
    root = factories.UserFactory(username="root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    assert client.get(reverse("admin:customers_phonecode_changelist")).status_code == 200
    assert client.get(reverse("admin:customers_phonecode_add")).status_code == 403
    response = client.post(reverse("admin:customers_phonecode_change", args=[row.pk]), {"phone": "+8613900000009"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.phone == "+8613900000001"

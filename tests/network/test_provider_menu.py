"""The desk's menu offers a provider's staff only the pages they may open: recalls and the admin
are headquarters' (tests/network/test_provider_lists.py holds the refusals themselves)."""

import pytest
from django.urls import reverse

from aftersales.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("provider", "shown"), [(True, False), (False, True)])
def test_recalls_and_the_admin_are_in_the_menu_of_headquarters_managers_only(client, provider, shown):
    member_of = factories.ServiceProviderFactory(code="east") if provider else None
    manager = factories.UserFactory(roles=[Role.MANAGER], provider=member_of, is_staff=True)
    client.force_login(manager)

    page = client.get(reverse("desk:queue")).content.decode()

    assert (reverse("recalls:list") in page, reverse("admin:index") in page) == (shown, shown)
    assert reverse("settlements:list") in page

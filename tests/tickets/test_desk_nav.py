"""The desk menu links to the technician's day and to parts stock and returns, for the roles
that use them."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

MY_DAY, STOCK, RETURNS = ">My day</a>", ">Parts stock</a>", ">Old-part returns</a>"


@pytest.mark.parametrize(
    ("roles", "links"),
    [
        (["technician"], {MY_DAY, STOCK, RETURNS}),
        (["agent"], {STOCK, RETURNS}),
        (["manager"], {STOCK, RETURNS}),
        (["admin"], {STOCK, RETURNS}),
    ],
)
def test_the_menu_links_the_field_pages_each_role_uses(client, roles, links):
    client.force_login(factories.UserFactory(roles=roles))
    page = client.get(reverse("desk:queue")).content.decode()
    for link in {MY_DAY, STOCK, RETURNS}:
        assert (link in page) == (link in links), link
    if MY_DAY in links:
        assert f'<a href="{reverse("fieldwork:today")}" class="">My day</a>' in page
    assert f'<a href="{reverse("parts:stock")}" class="">Parts stock</a>' in page
    assert f'<a href="{reverse("parts:returns")}" class="">Old-part returns</a>' in page


def test_the_menu_in_chinese_and_for_a_department_user(client, department_user, technician):
    client.force_login(technician)
    client.cookies.load({"django_language": "zh-hans"})
    page = client.get(reverse("desk:queue")).content.decode()
    assert page.count(f'href="{reverse("fieldwork:today")}"') == 1
    client.force_login(department_user)
    page = client.get(reverse("feedback:inbox")).content.decode()
    assert reverse("parts:stock") not in page and reverse("fieldwork:today") not in page

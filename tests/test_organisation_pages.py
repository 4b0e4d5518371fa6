"""Every page under the organisation's name and logo, with a favicon; the title pattern
"<page> · <organisation>", the portal's home titled by the organisation alone."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
FAVICON = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
LOGO = '<img class="brand-logo" src="/static/img/logo.svg" alt="" width="28" height="28">'


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_the_logo_and_the_favicons_are_static_files():
    for path in (settings.ORGANISATION_LOGO, "favicon.svg", "favicon.png", "favicon-180.png", "favicon.ico"):
        assert finders.find(path), path
    assert finders.find("img/logo.svg").endswith("static/img/logo.svg")


def test_the_home_page_is_titled_by_the_organisation_alone_in_each_language(client):
    english = client.get(reverse("portal:home")).content.decode()
    chinese = client.get(reverse("portal:home"), **ZH).content.decode()
    assert _title(english) == "Aftersales Service"
    assert _title(chinese) == "售后服务中心"
    assert "售后服务 · 售后服务" not in chinese
    assert f'{LOGO}<span class="brand-name">售后服务中心</span>' in chinese
    assert f'{LOGO}<span class="brand-name">Aftersales Service</span>' in english


def test_other_pages_are_titled_page_then_organisation(client):
    assert _title(client.get(reverse("portal:submit")).content.decode()) == "Request service · Aftersales Service"
    assert _title(client.get(reverse("portal:track"), **ZH).content.decode()).endswith(" · 售后服务中心")


def test_the_names_come_from_the_settings(client, settings):
    settings.ORGANISATION_NAME = "Qingdao Home Appliance Service"
    settings.ORGANISATION_NAME_ZH = "青岛家电服务"
    html = client.get(reverse("portal:prices")).content.decode()
    assert _title(html) == "Prices · Qingdao Home Appliance Service"
    assert '<span class="brand-name">Qingdao Home Appliance Service</span>' in html
    assert _title(client.get(reverse("portal:home"), **ZH).content.decode()) == "青岛家电服务"


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("portal:home", None),
        ("portal:submit", None),
        ("desk:login", None),
        ("desk:queue", "agent"),
        ("dashboard:home", "manager"),
        ("feedback:inbox", "manager"),
    ],
)
def test_every_page_has_the_favicon_the_logo_and_the_name(client, request, path, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(path))
    assert response.status_code == 200
    html = response.content.decode()
    assert FAVICON in html
    assert LOGO in html
    assert _title(html).endswith(" · Aftersales Service") or _title(html) == "Aftersales Service"


def test_the_error_pages_carry_them_too(client):
    html = client.get("/no-such-page/").content.decode()
    assert FAVICON in html and LOGO in html and _title(html) == "Not found · Aftersales Service"


def test_the_admin_is_headed_by_the_organisation_in_the_readers_language(admin_client):
    english = admin_client.get(reverse("admin:index")).content.decode()
    assert (
        '<img class="brand-logo" src="/static/img/logo.svg" alt="" width="24" height="24"> Aftersales Service</a>'
        in english
    )
    assert FAVICON in english
    assert _title(english) == "Administration | Aftersales Service"
    chinese = admin_client.get(reverse("admin:index"), **ZH).content.decode()
    assert "售后服务中心</a>" in chinese


def test_browsers_asking_for_favicon_ico_are_sent_to_the_static_file(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon.ico")


def test_the_server_error_page_names_the_organisation_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Aftersales Service · 售后服务中心" in html
    assert FAVICON in html

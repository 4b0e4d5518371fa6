"""``/healthz``: the load balancer's health check and the load benchmark's hello-world."""

import pytest
from django.urls import reverse

# django_assert_num_queries needs the test database, though the view never uses it.
pytestmark = pytest.mark.django_db


@pytest.fixture
def url():
    return reverse("healthz")


def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries, url):
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_head_and_sets_no_cookie(client, django_assert_num_queries, url):
    with django_assert_num_queries(0):
        response = client.head(url)
    assert response.status_code == 200
    assert not response.cookies


def test_healthz_refuses_writes(client, django_assert_num_queries, url):
    with django_assert_num_queries(0):
        response = client.post(url)
    assert response.status_code == 405


def test_healthz_is_at_the_root_without_a_slash(url):
    assert url == "/healthz"

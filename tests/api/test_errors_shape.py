"""Every API error answers the one JSON error shape, never HTML: an unexpected exception inside an
API view, and the errors Django answers itself (handler400/403/404/500) for paths under /api/.
The site's own pages keep their HTML error pages.

The views that fail on purpose are mounted by this module's URLconf, in front of the site's."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.urls import handler400, handler403, handler404, handler500  # noqa: F401 (this URLconf's)
from customers.models import Customer
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SERVER_ERROR = {"detail": "A server error occurred.", "code": "server_error"}


class Breaks(APIView):
    """Writes, then fails as a bug would."""

    permission_classes = []

    def post(self, request: Request) -> Response:
        factories.CustomerFactory(name="Half-written")
        raise ZeroDivisionError("a bug")

    def get(self, request: Request) -> Response:
        raise SuspiciousOperation("a forged header")


def plain_view_that_breaks(request: HttpRequest) -> HttpResponse:
    raise KeyError("a bug")


def plain_view_that_refuses(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("api/test-breaks/", Breaks.as_view()),
    path("api/test-plain-breaks/", plain_view_that_breaks),
    path("api/test-plain-refuses/", plain_view_that_refuses),
    path("desk/test-breaks/", plain_view_that_breaks),
    path("desk/test-refuses/", plain_view_that_refuses),
    path("", include("aftersales.urls")),
]


@pytest.fixture
def client() -> Client:
    """A client that gets the answer a browser would, not the exception re-raised into the test."""
    return Client(raise_request_exception=False)


def test_an_unexpected_exception_in_an_api_view_is_a_json_500_logged_with_its_traceback(client, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.post("/api/test-breaks/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == SERVER_ERROR
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /api/test-breaks/"
    assert record.exc_info[0] is ZeroDivisionError


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_what_the_failing_api_view_wrote_is_rolled_back_in_a_request_transaction(client, monkeypatch):
    """With ATOMIC_REQUESTS, the 500 is answered without committing the half-done write."""
    monkeypatch.setitem(connections.settings["default"], "ATOMIC_REQUESTS", True)

    response = client.post("/api/test-breaks/")

    assert response.status_code == 500
    assert not Customer.objects.filter(name="Half-written").exists()


def test_the_test_client_still_raises_the_exception_by_default():
    """The 500 is answered as Django answers one, signal included: a test sees the traceback."""
    with pytest.raises(ZeroDivisionError):
        Client().post("/api/test-breaks/")


def test_an_exception_django_answers_with_a_400_is_a_json_400_under_the_api(client):
    response = client.get("/api/test-breaks/")

    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json() == {"detail": "The request could not be read.", "code": "bad_request"}


def test_an_exception_in_a_plain_view_under_the_api_is_a_json_500(client):
    response = client.get("/api/test-plain-breaks/")

    assert (response.status_code, response["Content-Type"]) == (500, "application/json")
    assert response.json() == SERVER_ERROR


def test_a_refusal_in_a_plain_view_under_the_api_is_a_json_403(client):
    response = client.get("/api/test-plain-refuses/")

    assert (response.status_code, response["Content-Type"]) == (403, "application/json")
    assert response.json() == {
        "detail": "You do not have permission to perform this action.",
        "code": "permission_denied",
    }


def test_a_bad_host_under_the_api_is_a_json_400(client):
    response = client.get("/api/tickets/", HTTP_HOST="evil.example")

    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json() == {"detail": "The request could not be read.", "code": "bad_request"}


def test_the_api_errors_are_in_the_request_language(client):
    response = client.get("/api/test-plain-breaks/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert response.json()["detail"] != SERVER_ERROR["detail"]


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/desk/test-breaks/", 500, b"Something went wrong"),
        ("/desk/test-refuses/", 403, b"Your account does not have access to this page."),
        ("/no-such-page/", 404, b"There is nothing at this address"),
    ],
)
def test_the_site_pages_keep_their_html_error_pages(client, path, status, text):
    response = client.get(path)

    assert (response.status_code, response["Content-Type"]) == (status, "text/html; charset=utf-8")
    assert text in response.content

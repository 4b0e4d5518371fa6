"""Who opens a service report: the customer through their link, staff from the desk and the API,
nobody else (fieldwork/reports/views.py, fieldwork/api/report_views.py)."""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from fieldwork.models import ServiceReport
from fieldwork.reports.services import report_make
from tests.api.conftest import client_for, portal_customer
from tests.factories import UserFactory
from tests.fieldwork.reports_helpers import checked_out_job

PDF_HEADERS = {
    "Content-Type": "application/pdf",
    "Content-Disposition": 'inline; filename="service-report-AS-2026-000321.pdf"',
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
}


@pytest.fixture(autouse=True)
def fresh_limits():
    """Each test counts its link requests afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def report(db, technician) -> ServiceReport:
    job = checked_out_job(language="en", technician=technician)
    return report_make(job.visit)


def _stored(report: ServiceReport) -> bytes:
    with report.file.open("rb") as handle:
        return handle.read()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _assert_pdf(response, report: ServiceReport) -> None:
    assert response.status_code == 200
    assert {name: response[name] for name in PDF_HEADERS} == PDF_HEADERS
    assert _body(response) == _stored(report)


def _assert_reveals_nothing(response) -> None:
    assert response.status_code == 404
    body = _body(response).decode()
    assert response["Content-Type"].startswith("text/html")
    for secret in ("AS-2026-000321", "Li Na", "SN7788123", "Hong Kong Road", "%PDF"):
        assert secret not in body


# --- the customer's link ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_customers_link_opens_the_pdf_inline_uncached(client, report):
    response = client.get(f"/v/r/{report.token}/")

    _assert_pdf(response, report)


@pytest.mark.django_db
def test_a_key_no_report_has_is_a_plain_404(client, report):
    _assert_reveals_nothing(client.get(reverse("visit:report", kwargs={"token": uuid.uuid4()})))
    # Another object's key (the visit's confirm-or-move link) opens no report either.
    _assert_reveals_nothing(client.get(f"/v/r/{report.visit.token}/"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/v/r/not-a-key/", "/v/r/../../desk/", "/v/r/12/", "/v/r/%00/"])
def test_a_malformed_key_is_a_404(client, report, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_the_link_only_reads(client, report):
    response = client.post(f"/v/r/{report.token}/")

    assert response.status_code == 405
    assert ServiceReport.objects.get() == report


@pytest.mark.django_db
def test_trying_keys_in_bulk_is_stopped(client, report):
    for _ in range(31):
        assert client.get(f"/v/r/{uuid.uuid4()}/").status_code == 404

    response = client.get(f"/v/r/{report.token}/")

    assert response.status_code == 429
    assert b"%PDF" not in response.content
    assert client.get(f"/v/r/{uuid.uuid4()}/").status_code == 429
    # Another address is not held up.
    _assert_pdf(client.get(f"/v/r/{report.token}/", REMOTE_ADDR="203.0.113.9"), report)


@pytest.mark.django_db
def test_opening_a_real_report_again_and_again_is_never_stopped(client, report):
    for _ in range(40):
        assert client.get(f"/v/r/{report.token}/").status_code == 200


# --- the desk ------------------------------------------------------------------------------------


def _desk(report: ServiceReport) -> str:
    return reverse("fieldwork:report", kwargs={"pk": report.pk})


@pytest.mark.django_db
def test_agents_and_managers_open_any_report_from_the_desk(client, agent, manager, report):
    assert _desk(report) == f"/desk/field/reports/{report.pk}/"
    for user in (agent, manager):
        client.force_login(user)
        _assert_pdf(client.get(_desk(report)), report)


@pytest.mark.django_db
def test_the_technician_of_the_ticket_or_of_the_visit_opens_it(client, technician, report):
    client.force_login(technician)
    _assert_pdf(client.get(_desk(report)), report)

    # The ticket handed to another technician: the one who made the visit still opens its report.
    report.ticket.assignee = UserFactory(roles=["technician"], username="tech3")
    report.ticket.save()
    _assert_pdf(client.get(_desk(report)), report)
    client.force_login(report.ticket.assignee)
    _assert_pdf(client.get(_desk(report)), report)


@pytest.mark.django_db
def test_another_technician_gets_a_404_as_for_a_report_that_does_not_exist(client, other_technician, report):
    client.force_login(other_technician)

    _assert_reveals_nothing(client.get(_desk(report)))
    _assert_reveals_nothing(client.get(reverse("fieldwork:report", kwargs={"pk": report.pk + 1000})))


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_and_others_refused(client, department_user, report):
    response = client.get(_desk(report))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login"))

    client.force_login(department_user)
    assert client.get(_desk(report)).status_code == 403
    client.force_login(portal_customer("+8613900000009", "Li Na").user)
    assert client.get(_desk(report)).status_code == 403


# --- the API -------------------------------------------------------------------------------------


def _reports(client, **query) -> list[dict]:
    response = client.get("/api/service-reports/", query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.django_db
def test_the_api_lists_a_tickets_reports_without_the_customers_key(agent, report):
    [item] = _reports(client_for(agent), ticket="AS-2026-000321")

    assert item == {
        "id": report.pk,
        "ticket": {"id": report.ticket_id, "reference": "AS-2026-000321"},
        "visit": {
            "id": report.visit_id,
            "technician": report.visit.technician.get_full_name(),
            "checked_in_at": "2026-03-02T09:15:00+08:00",
            "checked_out_at": "2026-03-02T10:40:00+08:00",
        },
        "language": "en",
        "created_at": item["created_at"],
        "pdf_url": f"http://testserver/api/service-reports/{report.pk}/pdf/",
        "desk_url": f"http://testserver/desk/field/reports/{report.pk}/",
    }
    assert str(report.token) not in str(item)
    assert _reports(client_for(agent), ticket="AS-2026-999999") == []


@pytest.mark.django_db
def test_the_api_scopes_reports_like_the_desk(technician, other_technician, report):
    assert [item["id"] for item in _reports(client_for(technician))] == [report.pk]
    assert _reports(client_for(other_technician)) == []
    assert _reports(client_for(other_technician), ticket="AS-2026-000321") == []


@pytest.mark.django_db
def test_the_api_gives_the_pdf_to_those_who_may_see_it(agent, technician, other_technician, report):
    url = f"/api/service-reports/{report.pk}/pdf/"
    _assert_pdf(client_for(agent).get(url), report)
    _assert_pdf(client_for(technician).get(url, HTTP_ACCEPT="application/pdf"), report)

    denied = client_for(other_technician).get(url)
    assert denied.status_code == 404
    assert denied.json()["code"] == "not_found"
    assert b"%PDF" not in denied.content


@pytest.mark.django_db
def test_the_api_refuses_anonymous_callers_and_customers(report):
    assert APIClient().get("/api/service-reports/").status_code == 401
    assert APIClient().get(f"/api/service-reports/{report.pk}/pdf/").status_code == 401
    customer = client_for(portal_customer("+8613900000009", "Li Na").user)
    assert customer.get("/api/service-reports/").status_code == 403
    assert customer.get(f"/api/service-reports/{report.pk}/pdf/").status_code == 403


@pytest.mark.django_db
def test_listing_reports_takes_the_same_queries_however_many_there_are(agent, django_assert_num_queries):
    first = checked_out_job(language="en")
    report_make(first.visit)
    api = client_for(agent)
    # The caller's token, their roles, the page of reports with its ticket, visit and technician.
    with django_assert_num_queries(3):
        assert len(_reports(api)) == 1
    ServiceReport.objects.all().delete()
    for _ in range(3):
        visit = first.visit
        visit.pk = None
        visit.token = uuid.uuid4()
        visit.save()
        ServiceReport.objects.create(ticket=visit.ticket, visit=visit, file="reports/x.pdf", language="en")
    api = client_for(agent)
    with django_assert_num_queries(2):
        assert len(_reports(api)) == 3


@pytest.mark.django_db
def test_the_admin_lists_reports_read_only_without_the_customers_key(client, report):
    root = UserFactory(username="root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)

    listing = client.get(reverse("admin:fieldwork_servicereport_changelist"), {"q": "AS-2026-000321"})
    page = client.get(reverse("admin:fieldwork_servicereport_change", args=[report.pk]))

    assert listing.status_code == 200 and page.status_code == 200
    assert f'href="/desk/field/reports/{report.pk}/"' in listing.content.decode()
    assert str(report.token) not in listing.content.decode() + page.content.decode()
    assert (
        client.post(reverse("admin:fieldwork_servicereport_delete", args=[report.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert ServiceReport.objects.filter(pk=report.pk).exists()

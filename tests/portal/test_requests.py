"""The customer portal: submit, track, add information, cancel, rate, files; abuse and privacy."""

import datetime as dt
import io
import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from customers.models import Customer, ProductCategory, ProductUnit
from customers.warranty_periods import add_months
from followups.models import SatisfactionRating
from notifications.models import OutboundMessage
from notifications.sms.locmem import outbox as sms_outbox
from tests import factories
from tickets.choices import EventKind, Status
from tickets.models import Attachment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def jpeg(name="invoice.jpg", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def washer_model():
    return factories.ProductModelFactory(code="XQG80-P1", category=ProductCategory.objects.get(code="washing_machine"))


def _submit_data(product_model, **overrides):
    data = {
        "kind": "repair",
        "description": "The drum does not turn.",
        "model": product_model.code,
        "serial": "P1-000777",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=20)).isoformat(),
        "name": "Zhou Min",
        "phone": "139 8888 7777",
        "email": "zhou@example.com",
        "address": "1 Haier Road",
        "region": "Qingdao",
        "preferred_visit_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        "preferred_visit_slot": "morning",
        "website": "",
    }
    data.update(overrides)
    return data


def test_home_page_says_what_a_customer_can_do(client):
    html = client.get(reverse("portal:home")).content.decode()
    for link in ("portal:submit", "portal:track", "portal:register", "portal:help", "portal:prices"):
        assert f'href="{reverse(link)}"' in html


def test_the_blank_form_is_rendered_once_per_language(client, washer_model, django_assert_num_queries):
    first = client.get(reverse("portal:submit")).content.decode()
    assert f'<option value="{washer_model.code}">' in first

    with django_assert_num_queries(0):  # no session yet, and the fields with the models come from the cache
        again = client.get(reverse("portal:submit")).content.decode()
    fields = re.compile(r'<div class="honeypot".*?<button type="submit"', re.S)
    assert fields.search(again).group(0) == fields.search(first).group(0)
    assert 'name="csrfmiddlewaretoken"' in again

    chinese = client.get(reverse("portal:submit"), headers={"accept-language": "zh-hans"}).content.decode()
    assert "产品型号" in chinese and "Product model" not in chinese


def test_a_form_sent_back_with_errors_keeps_what_was_typed(client, washer_model):
    client.get(reverse("portal:submit"))  # the blank form is cached

    response = client.post(reverse("portal:submit"), {**_submit_data(washer_model), "description": ""})

    assert response.status_code == 400
    assert 'value="Zhou Min"' in response.content.decode()
    assert "Describe the problem or what you need." in response.content.decode()


def test_submit_creates_customer_unit_ticket_and_proof(client, washer_model, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:submit"), {**_submit_data(washer_model), "proof": jpeg()})
    assert response.status_code == 302
    ticket = Ticket.objects.select_related("customer", "unit").get()
    assert (ticket.channel, ticket.kind, ticket.status, ticket.created_by) == ("web", "repair", Status.NEW, None)
    assert (ticket.customer.phone, ticket.customer.name, ticket.unit.serial) == (
        "+8613988887777",
        "Zhou Min",
        "P1-000777",
    )
    assert (ticket.preferred_visit_slot, ticket.unit.has_invoice) == ("morning", True)
    proof = Attachment.objects.get(ticket=ticket)
    assert (proof.kind, proof.content_type, proof.uploaded_by_customer) == ("proof", "image/jpeg", True)
    page = client.get(response["Location"])
    assert ticket.reference in page.content.decode()
    # The confirmation went to the outbox and out after the commit, by SMS: the email typed on
    # the form is not confirmed.
    message = OutboundMessage.objects.get(ticket_reference=ticket.reference)
    assert (message.channel, message.recipient, message.status) == ("sms", "+8613988887777", "sent")


def test_a_submission_costs_a_fixed_number_of_queries(client, washer_model, django_assert_num_queries):
    # The first one also reads which webhook events anyone listens to, the SLA targets, the
    # business calendars and the warranty policy versions (kept in the process,
    # aftersales/table_memo.py); later ones find them kept.
    client.post(reverse("portal:submit"), _submit_data(washer_model, phone="139 8888 0001", serial="P1-1"))
    data = {**_submit_data(washer_model, phone="139 8888 0002", serial="P1-2"), "proof": jpeg()}

    with django_assert_num_queries(23) as captured:
        response = client.post(reverse("portal:submit"), data)

    assert response.status_code == 302
    statements = [" ".join(query["sql"].split()[:3]) for query in captured.captured_queries]
    assert [statement.split()[0] for statement in statements] == [
        "SELECT",  # the model (the form)
        "SAVEPOINT",  # the request's transaction (a savepoint inside the test's own)
        "SELECT",  # the customer by phone, whoever may see them (one phone is one customer)
        "SAVEPOINT",  # the new customer
        "INSERT",
        "RELEASE",
        "SELECT",  # the unit by model and serial
        # The warranty policy in force: kept.
        "SAVEPOINT",  # the new unit
        "INSERT",
        "RELEASE",
        # The SLA target in force and the business calendar the deadlines count in: kept.
        "INSERT",  # the year's next reference number
        "INSERT",  # the ticket, with the visit the customer would like
        # The session (who is signed in, whose scope the queries run in, aftersales/scoping.py) is
        # read from the cache by the first scoped query; the customer and the unit were looked up
        # unscoped.
        "INSERT",  # its created event
        "INSERT",  # the proof of purchase
        "INSERT",  # its event
        "SELECT",  # the confirmation email, once per ticket
        "SAVEPOINT",
        "INSERT",
        "RELEASE",
        "RELEASE",  # the request's transaction
        "SAVEPOINT",  # the session, saved with the tracking grant in a transaction of its own
        "UPDATE",
        "RELEASE",
    ]
    assert statements[10] == 'INSERT INTO "tickets_ticketsequence"'
    ticket = Ticket.objects.get(customer__phone="+8613988880002")
    messages = OutboundMessage.objects.filter(ticket_reference=ticket.reference)
    assert (ticket.preferred_visit_slot, ticket.attachments.get().kind, messages.count()) == ("morning", "proof", 1)


def test_a_bad_proof_is_refused_before_anything_is_read_or_written(client, washer_model):
    upload = SimpleUploadedFile("invoice.jpg", b"this is not an image at all", content_type="image/jpeg")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("portal:submit"), {**_submit_data(washer_model), "proof": upload})
    assert response.status_code == 400
    touched = " ".join(query["sql"] for query in captured.captured_queries)
    for table in ("customers_customer", "customers_productunit", "tickets_ticketsequence", "tickets_ticket"):
        assert f'"{table}"' not in touched


def test_existing_customer_is_matched_by_phone_not_duplicated(client, washer_model):
    existing = factories.CustomerFactory(phone="+8613988887777", name="周敏", email="")
    client.post(reverse("portal:submit"), _submit_data(washer_model, name="Zhou M."))
    assert Customer.objects.count() == 1
    existing.refresh_from_db()
    # Typing a phone proves nothing: the record is not changed, not even the missing email;
    # what was typed stays on the request for the desk.
    assert (existing.name, existing.email) == ("周敏", "")
    ticket = Ticket.objects.get()
    assert ticket.customer == existing
    assert (ticket.submitted_contact["name"], ticket.submitted_contact["email"]) == ("Zhou M.", "zhou@example.com")


def test_serial_of_another_customer_is_kept_for_the_desk(client, washer_model):
    factories.ProductUnitFactory(model=washer_model, serial="P1-000777")
    response = client.post(reverse("portal:submit"), _submit_data(washer_model))
    assert response.status_code == 302
    ticket = Ticket.objects.get(channel="web")
    assert ticket.unit is None
    note = ticket.events.get(kind=EventKind.NOTE)
    assert (note.is_public, "registered to another customer" in note.note) == (False, True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": ""}, "phone", "Enter your mobile phone number."),
        ({"phone": "12345"}, "phone", "This phone number is not valid: check the digits and the country code."),
        ({"name": ""}, "name", "Enter your name."),
        ({"description": ""}, "description", "Describe the problem or what you need."),
        ({"model": "NOPE-1"}, "model", "Choose your model from the list (the code is on the product's label)."),
        ({"purchase_date": "2999-01-01"}, "purchase_date", "This date is in the future."),
        ({"purchase_date": "2024-02-30"}, "purchase_date", "Enter a valid date."),
        ({"preferred_visit_date": "2000-01-01"}, "preferred_visit_date", "Choose today or a later day."),
        ({"address": ""}, "address", "Enter the address where the technician should come."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"kind": "teleport"}, "kind", "Select a valid choice. teleport is not one of the available choices."),
        ({"website": "http://spam"}, "website", "Leave this field empty."),
    ],
)
def test_bad_input_gets_a_field_error_keeps_the_input_and_saves_nothing(
    client, washer_model, overrides, field, message
):
    response = client.post(reverse("portal:submit"), _submit_data(washer_model, **overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert (Customer.objects.count(), ProductUnit.objects.count(), Ticket.objects.count()) == (0, 0, 0)
    if field != "description":
        assert "The drum does not turn." in response.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("invoice.jpg", b"this is not an image at all", content_type="image/jpeg"),
            "Upload a photo (JPEG or PNG) or a PDF.",
        ),
        (
            SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 windows program", content_type="application/pdf"),
            "Upload a photo (JPEG or PNG) or a PDF.",
        ),
        (
            SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), content_type="application/pdf"),
            "The file is larger than 5 MB.",
        ),
        (
            SimpleUploadedFile("cut.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00broken", content_type="image/jpeg"),
            "This image file is damaged.",
        ),
    ],
)
def test_uploads_are_checked_by_content(client, washer_model, upload, message):
    response = client.post(reverse("portal:submit"), {**_submit_data(washer_model), "proof": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["proof"] == [message]
    assert (Ticket.objects.count(), Attachment.objects.count(), Customer.objects.count()) == (0, 0, 0)


def test_a_pdf_proof_is_accepted(client, washer_model):
    pdf = SimpleUploadedFile(
        "invoice.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf"
    )
    assert client.post(reverse("portal:submit"), {**_submit_data(washer_model), "proof": pdf}).status_code == 302
    assert Attachment.objects.get().content_type == "application/pdf"


def test_submission_is_saved_when_the_broker_is_down(client, washer_model, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    with mock.patch("notifications.tasks.send_message_task.delay", side_effect=OperationalError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("portal:submit"), _submit_data(washer_model))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert OutboundMessage.objects.get(ticket_reference=ticket.reference).status == "pending"


def test_warranty_preview_explains_the_entitlement(client, washer_model):
    bought = timezone.localdate() - dt.timedelta(days=5)
    response = client.get(
        reverse("portal:warranty_preview"), {"model": washer_model.code, "purchase_date": bought.isoformat()}
    )
    html = response.content.decode()
    assert response.context["decision"].rule == "general.return_7d"
    assert "You bought this product 5 days ago." in html
    empty = client.get(reverse("portal:warranty_preview"), {"model": "??", "purchase_date": "x"})
    assert empty.status_code == 200 and empty.context["decision"] is None


# --- tracking ---------------------------------------------------------------------------------


@pytest.fixture
def web_ticket(washer_model):
    customer = factories.CustomerFactory(phone="+8613977776666")
    unit = factories.ProductUnitFactory(owner=customer, model=washer_model)
    ticket = factories.TicketFactory(customer=customer, unit=unit, channel="web")
    TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.NOTE, note="Internal: customer is difficult", is_public=False
    )
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.NOTE, note="We will call you tomorrow", is_public=True)
    return ticket


def test_track_with_reference_and_phone_shows_where_it_stands_and_nothing_personal(client, web_ticket):
    web_ticket.customer.address = "7 Private Lane"
    web_ticket.customer.save()
    web_ticket.assignee = factories.UserFactory(first_name="Qiang", roles=["technician"])
    web_ticket.appointment_start = timezone.now() + dt.timedelta(days=1)
    web_ticket.save()
    response = client.post(
        reverse("portal:track"), {"reference": web_ticket.reference.lower(), "phone": "139-7777-6666"}
    )
    assert response["Location"] == reverse("portal:track_detail", args=[web_ticket.reference])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.context["sees_everything"] is False
    assert "We have received your request and will contact you soon." in html
    assert 'class="status-steps"' in html and "Appointment" in html
    for secret in (
        "We will call you tomorrow",
        "customer is difficult",
        web_ticket.customer.name,
        "7 Private Lane",
        web_ticket.unit.serial,
        "Qiang",
        "139 7777 6666",
    ):
        assert secret not in html
    for form in ('id="add"', 'id="cancel"', 'id="rate"', 'id="timeline"'):
        assert form not in html
    assert 'id="prove"' in html and reverse("portal:track_code_send", args=[web_ticket.reference]) in html


def test_with_the_code_the_page_shows_the_details_and_public_events_only(client, web_ticket, _open):
    _open(client, web_ticket)
    page = client.get(reverse("portal:track_detail", args=[web_ticket.reference]))
    assert page.context["sees_everything"] is True
    html = page.content.decode()
    assert "We will call you tomorrow" in html
    assert "customer is difficult" not in html
    assert web_ticket.customer.name in html and web_ticket.unit.serial in html
    assert 'id="prove"' not in html


@pytest.mark.parametrize("pair", ["wrong-reference", "wrong-phone", "both-wrong"])
def test_wrong_reference_or_phone_get_the_same_answer(client, web_ticket, pair):
    reference = "AS-2026-999999" if pair != "wrong-phone" else web_ticket.reference
    phone = "13911112222" if pair != "wrong-reference" else "13977776666"
    response = client.post(reverse("portal:track"), {"reference": reference, "phone": phone})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "We could not find a request with this reference and phone number."
    ]


def test_a_tracking_page_is_not_open_without_the_phone(client, web_ticket):
    response = client.get(reverse("portal:track_detail", args=[web_ticket.reference]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:track"))


def _track(client, ticket, phone="13977776666", **extra):
    return client.post(reverse("portal:track"), {"reference": ticket.reference, "phone": phone}, **extra)


def _sent_code(phone: str) -> str:
    return [message.params["code"] for message in sms_outbox if message.to == phone][-1]


def _ask_code(client, ticket, capture):
    with capture(execute=True):
        return client.post(reverse("portal:track_code_send", args=[ticket.reference]))


@pytest.fixture
def _open(django_capture_on_commit_callbacks):
    """Open a request with its reference and phone, and prove the phone with the code sent to it."""

    def open_(client, ticket, phone="13977776666"):
        _track(client, ticket, phone)
        if client.session.get("portal_proven_phone") == ticket.customer.phone:
            return  # proven for every request of this customer already
        _ask_code(client, ticket, django_capture_on_commit_callbacks)
        response = client.post(
            reverse("portal:track_code_verify", args=[ticket.reference]), {"code": _sent_code(ticket.customer.phone)}
        )
        assert response.status_code == 302

    return open_


def _ticket_rows() -> list[tuple]:
    return list(Ticket.objects.order_by("pk").values_list("pk", "status", "version", "customer_id"))


def _what_a_ticket_holds(ticket) -> tuple:
    return (
        _ticket_rows(),
        list(ticket.events.values_list("pk", flat=True)),
        Attachment.objects.count(),
        SatisfactionRating.objects.count(),
    )


def test_without_the_code_nothing_can_be_done_to_the_request(client, web_ticket):
    """Someone who knows (or made up) a reference and the phone it was made with sees where the
    request stands but cannot cancel, rate, add to it or open its files."""
    photo = Attachment.objects.create(
        ticket=web_ticket, kind="photo", file=png(), content_type="image/png", size=100, uploaded_by_customer=True
    )
    _track(client, web_ticket)
    Ticket.objects.filter(pk=web_ticket.pk).update(status=Status.RESOLVED)
    before = _what_a_ticket_holds(web_ticket)
    for name, data in (
        ("portal:track_cancel", {"reason": "Not mine"}),
        ("portal:track_rate", {"score": "1"}),
        ("portal:track_add", {"note": "Send the technician elsewhere"}),
    ):
        response = client.post(reverse(name, args=[web_ticket.reference]), data)
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:track_detail", args=[web_ticket.reference])
    assert client.get(reverse("portal:attachment", args=[photo.pk])).status_code == 404
    assert _what_a_ticket_holds(web_ticket) == before


def test_the_code_goes_to_the_requests_phone_and_a_wrong_one_changes_nothing(
    client, web_ticket, django_capture_on_commit_callbacks
):
    _track(client, web_ticket)
    response = _ask_code(client, web_ticket, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and 'id="code-sent"' in response.content.decode()
    assert [message.to for message in sms_outbox] == ["+8613977776666"]
    right = _sent_code("+8613977776666")
    response = client.post(
        reverse("portal:track_code_verify", args=[web_ticket.reference]), {"code": f"{(int(right) + 1) % 10**6:06d}"}
    )
    assert response.status_code == 400
    assert response.context["code_form"].errors["code"] == [
        "This code is wrong or no longer valid. Check the SMS, or ask for a new code."
    ]
    assert "portal_proven_phone" not in client.session
    response = client.post(reverse("portal:track_code_verify", args=[web_ticket.reference]), {"code": right})
    assert response.status_code == 302
    assert client.session["portal_proven_phone"] == "+8613977776666"
    web_ticket.customer.refresh_from_db()
    assert web_ticket.customer.phone_verified_at is not None


def test_no_code_step_for_a_request_not_opened(client, web_ticket):
    response = client.post(reverse("portal:track_code_send", args=[web_ticket.reference]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:track"))
    assert sms_outbox == []


def test_a_customer_who_rated_on_the_phone_is_not_asked_again(client, web_ticket, _open):
    Ticket.objects.filter(pk=web_ticket.pk).update(status=Status.RESOLVED)
    SatisfactionRating.objects.create(ticket=web_ticket, source="callback", score=4)
    _open(client, web_ticket)
    page = client.get(reverse("portal:track_detail", args=[web_ticket.reference]))
    html = page.content.decode()
    assert page.context["can_rate"] is False
    assert 'id="rate"' not in html and "You rated this service 4 out of 5. Thank you!" in html
    response = client.post(reverse("portal:track_rate", args=[web_ticket.reference]), {"score": "1"})
    assert response.status_code == 400
    assert response.context["rate_form"].errors["score"] == ["You have already rated this request. Thank you!"]
    assert SatisfactionRating.objects.count() == 1


def test_customer_adds_information_and_a_photo(client, web_ticket, _open):
    _open(client, web_ticket)
    response = client.post(
        reverse("portal:track_add", args=[web_ticket.reference]), {"note": "It also smells burnt.", "photo": png()}
    )
    assert response.status_code == 302
    events = list(
        web_ticket.events.filter(kind__in=[EventKind.NOTE, EventKind.ATTACHMENT]).values_list(
            "kind", "note", "is_public"
        )
    )
    assert events[-2:] == [
        (EventKind.NOTE, "It also smells burnt.", True),
        (EventKind.ATTACHMENT, "Photo received.", True),
    ]
    photo = Attachment.objects.get(ticket=web_ticket)
    assert client.get(reverse("portal:attachment", args=[photo.pk])).status_code == 200


def test_files_are_served_only_to_those_allowed(client, web_ticket, agent, other_technician, _open):
    _open(client, web_ticket)
    client.post(reverse("portal:track_add", args=[web_ticket.reference]), {"note": "", "photo": png()})
    photo = Attachment.objects.get()
    assert not photo.file.path.startswith(str(__import__("django.conf").conf.settings.STATIC_ROOT))
    stranger = type(client)()
    assert stranger.get(reverse("portal:attachment", args=[photo.pk])).status_code == 404
    stranger.force_login(other_technician)
    assert stranger.get(reverse("portal:attachment", args=[photo.pk])).status_code == 404
    stranger.force_login(agent)
    response = stranger.get(reverse("portal:attachment", args=[photo.pk]))
    assert (response.status_code, response["Content-Type"], response["X-Content-Type-Options"]) == (
        200,
        "image/png",
        "nosniff",
    )


def test_customer_cancels_before_dispatch_but_not_after(client, web_ticket, _open):
    _open(client, web_ticket)
    response = client.post(reverse("portal:track_cancel", args=[web_ticket.reference]), {"reason": "Fixed it myself"})
    assert response.status_code == 302
    web_ticket.refresh_from_db()
    assert web_ticket.status == Status.CANCELLED
    event = web_ticket.events.get(kind=EventKind.STATUS)
    assert (event.actor, event.note, event.data["by"]) == (None, "Fixed it myself", "customer")

    dispatched = factories.TicketFactory(customer=web_ticket.customer, status=Status.DISPATCHED)
    _open(client, dispatched)
    refused = client.post(reverse("portal:track_cancel", args=[dispatched.reference]), {"reason": ""})
    assert refused.status_code == 400
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED


def test_rating_after_resolution_once(client, web_ticket, _open):
    _open(client, web_ticket)
    early = client.post(reverse("portal:track_rate", args=[web_ticket.reference]), {"score": "4"})
    assert early.status_code == 400
    assert early.context["rate_form"].errors["score"] == ["You can rate the service once your request is resolved."]
    Ticket.objects.filter(pk=web_ticket.pk).update(status=Status.RESOLVED)
    ok = client.post(reverse("portal:track_rate", args=[web_ticket.reference]), {"score": "2", "comment": "Came late"})
    assert ok.status_code == 302
    rating = SatisfactionRating.objects.get()
    assert (rating.ticket, rating.source, rating.score, rating.comment) == (web_ticket, "portal", 2, "Came late")
    again = client.post(reverse("portal:track_rate", args=[web_ticket.reference]), {"score": "5"})
    assert again.status_code == 400
    assert SatisfactionRating.objects.count() == 1
    bad = client.post(reverse("portal:track_rate", args=[web_ticket.reference]), {"score": "9"})
    assert bad.status_code == 400


def test_tracking_is_rate_limited_per_address_and_phone(client, web_ticket):
    for _ in range(10):
        client.post(reverse("portal:track"), {"reference": "AS-2026-999999", "phone": "13977776666"})
    response = client.post(reverse("portal:track"), {"reference": web_ticket.reference, "phone": "13977776666"})
    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == ["Too many attempts. Please wait a while and try again."]


def test_tracking_is_rate_limited_per_address(client, web_ticket):
    for n in range(30):
        client.post(reverse("portal:track"), {"reference": "AS-2026-999999", "phone": f"139000{n:05d}"})
    response = _track(client, web_ticket)
    assert response.status_code == 429


def test_junk_tracking_against_a_phone_from_other_addresses_does_not_stop_its_owner(client, web_ticket):
    """The lock-out attack: wrong references with the owner's phone from many addresses."""
    for n in range(40):
        client.post(
            reverse("portal:track"),
            {"reference": "AS-2026-999999", "phone": "13977776666"},
            REMOTE_ADDR=f"10.1.{n // 10}.{n}",
        )
    owner = type(client)()
    response = _track(owner, web_ticket, REMOTE_ADDR="198.51.100.77")
    assert response.status_code == 302


def test_a_proven_owner_is_not_held_by_others_junk_from_a_shared_address(client, web_ticket, _open):
    _open(client, web_ticket)
    for n in range(30):  # others behind the same address spend its budget
        type(client)().post(reverse("portal:track"), {"reference": "AS-2026-999999", "phone": f"139000{n:05d}"})
    assert _track(client, web_ticket).status_code == 302
    assert _track(type(client)(), web_ticket).status_code == 429


def test_submission_is_rate_limited_per_address_and_phone(client, washer_model):
    for index in range(5):
        client.post(reverse("portal:submit"), _submit_data(washer_model, serial=f"S-{index}"))
    response = client.post(reverse("portal:submit"), _submit_data(washer_model, serial="S-9"))
    assert response.status_code == 429
    assert Ticket.objects.count() == 5


def test_junk_submissions_against_a_phone_from_other_addresses_do_not_stop_its_owner(client, washer_model):
    """The lock-out attack: a flood of requests naming the owner's phone from other addresses."""
    for index in range(12):
        client.post(
            reverse("portal:submit"),
            _submit_data(washer_model, serial=f"JUNK-{index}", description="junk"),
            REMOTE_ADDR=f"10.2.0.{index // 4}",
        )
    junk = Ticket.objects.count()
    owner = type(client)()
    response = owner.post(
        reverse("portal:submit"), _submit_data(washer_model, serial="MINE-1"), REMOTE_ADDR="198.51.100.77"
    )
    assert response.status_code == 302
    assert Ticket.objects.count() == junk + 1


def test_portal_pages_render_in_chinese_from_the_browser_language(client):
    html = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html


def test_register_a_product(client, washer_model):
    data = {
        "model": washer_model.code,
        "serial": "REG-1",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "name": "Wu Lei",
        "phone": "13600001111",
        "has_invoice": "on",
        "website": "",
    }
    response = client.post(reverse("portal:register"), data)
    assert response.status_code == 200
    unit = ProductUnit.objects.get(serial="REG-1")
    assert (unit.owner.phone, unit.has_invoice, unit.warranty_end) == (
        "+8613600001111",
        True,
        add_months(unit.invoice_date, 12),
    )
    again = client.post(reverse("portal:register"), data)
    assert again.status_code == 400
    assert again.context["form"].errors["serial"] == ["You have already registered this product."]

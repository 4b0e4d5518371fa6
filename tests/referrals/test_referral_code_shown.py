"""The customer's code on their account page and after a good rating (4–5), never after a low one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.choices import CallbackKind, CallbackStatus
from followups.ratings import rating_record_from_portal
from followups.survey.links import survey_token
from notifications.models import OutboundMessage
from tests import factories
from tickets.choices import Status

pytestmark = pytest.mark.django_db


def test_the_account_page_shows_the_customers_code(client):
    user = factories.UserFactory(username="+8613900000001")
    customer = factories.CustomerFactory(
        phone="+8613900000001", user=user, account_verified_at=timezone.now(), referral_code="7KQ2MX9P"
    )
    client.force_login(user)

    response = client.get(reverse("portal:account"))

    assert response.status_code == 200
    assert b'id="referral-code">7KQ2MX9P<' in response.content
    assert customer.referral_code == "7KQ2MX9P"


@pytest.mark.parametrize(("score", "invited"), [(5, True), (4, True), (3, False), (2, False)])
def test_a_portal_rating_of_4_or_5_sends_the_code_in_the_customers_language(score, invited):
    customer = factories.CustomerFactory(referral_code="7KQ2MX9P", preferred_language="en")
    ticket = factories.TicketFactory(customer=customer, status=Status.RESOLVED)

    rating_record_from_portal(ticket=ticket, customer=customer, score=score, comment="")

    messages = OutboundMessage.objects.filter(template="referral_invite")
    assert messages.count() == (1 if invited else 0)
    if invited:
        (message,) = messages
        assert (message.context["referral_code"], message.language, message.customer_id) == (
            "7KQ2MX9P",
            "en",
            customer.pk,
        )


def test_no_invitation_for_a_customer_who_opted_out_of_offers():
    customer = factories.CustomerFactory(referral_code="7KQ2MX9P", offers_consent="refused")
    ticket = factories.TicketFactory(customer=customer, status=Status.RESOLVED)

    rating_record_from_portal(ticket=ticket, customer=customer, score=5, comment="")

    assert not OutboundMessage.objects.filter(template="referral_invite").exists()


def _survey(client, score: int):
    customer = factories.CustomerFactory(referral_code="7KQ2MX9P")
    ticket = factories.TicketFactory(customer=customer, status=Status.RESOLVED)
    visit = factories.CallbackVisitFactory(
        kind=CallbackKind.AFTER_SERVICE, customer=customer, ticket=ticket, status=CallbackStatus.DUE
    )
    return client.post(reverse("survey:answer", args=[survey_token(visit)]), {"score_overall": str(score)})


def test_the_survey_thanks_page_shows_the_code_after_a_5(client):
    response = _survey(client, 5)

    assert response.status_code == 200
    assert b'id="referral-code">7KQ2MX9P<' in response.content


def test_the_survey_thanks_page_has_no_code_after_a_2(client):
    response = _survey(client, 2)

    assert response.status_code == 200
    assert b"7KQ2MX9P" not in response.content
    assert not OutboundMessage.objects.filter(template="referral_invite").exists()

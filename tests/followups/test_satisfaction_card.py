"""The ticket page's satisfaction card shows every score of each rating: the four a customer
gives on a callback call or in the survey, with their labels, and the one of the portal."""

import re

import pytest
from django.urls import reverse

from followups.callbacks.services import record_attempt
from followups.choices import CallbackKind, CallbackResult, RatingSource
from followups.models import CallbackVisit
from followups.ratings import rating_record
from tests import factories
from tickets.choices import Kind
from tickets.services import ticket_create, ticket_record_resolution, ticket_transition

pytestmark = pytest.mark.django_db


def _resolved(agent):
    ticket = ticket_create(
        customer=factories.CustomerFactory(name="Zhang Wei"),
        kind=Kind.CONSULTATION,
        channel="phone",
        description="How do I descale?",
        by=agent,
    )
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent)
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Explained the descaling programme.")
    return ticket_transition(ticket=ticket, move="resolve", by=agent)


def _call(ticket, agent, source=RatingSource.CALLBACK, **scores):
    visit = CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status="due")
    record_attempt(
        visit=visit,
        result=CallbackResult.REACHED,
        by=agent,
        scores=scores,
        comment="Friendly, but came late.",
        source=source,
    )


def _scores(page: str) -> list[list[tuple[str, str]]]:
    card = page[page.index('id="ratings"') : page.index("</section>", page.index('id="ratings"'))]
    return [
        re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", block)
        for block in re.findall(r'<dl class="facts rating-scores">(.*?)</dl>', card)
    ]


@pytest.mark.parametrize("source", [RatingSource.CALLBACK, RatingSource.SURVEY])
def test_a_rating_given_on_a_call_or_in_the_survey_shows_all_four_scores(client, agent, source):
    ticket = _resolved(agent)
    _call(ticket, agent, source, score_attitude=5, score_punctuality=2, score_quality=4, score_overall=4)
    client.force_login(agent)
    page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    assert _scores(page) == [
        [
            ("Attitude", "5 / 5"),
            ("Punctuality", "2 / 5"),
            ("Quality of work", "4 / 5"),
            ("Overall satisfaction", "4 / 5"),
        ]
    ]
    assert "“Friendly, but came late.”" in page


def test_scores_not_given_are_shown_as_not_given_and_a_portal_rating_has_its_one_score(client, agent):
    ticket = _resolved(agent)
    _call(ticket, agent, score_overall=3)
    rating_record(ticket=ticket, source=RatingSource.PORTAL, score=5, comment="Thanks")
    client.force_login(agent)
    page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    # Newest first: the portal's, then the call's.
    assert _scores(page) == [
        [("Overall satisfaction", "5 / 5")],
        [("Attitude", "—"), ("Punctuality", "—"), ("Quality of work", "—"), ("Overall satisfaction", "3 / 5")],
    ]


def test_each_call_gives_its_own_scores_after_a_reopening(client, agent):
    ticket = _resolved(agent)
    _call(ticket, agent, score_attitude=1, score_punctuality=1, score_quality=1, score_overall=1)
    ticket.refresh_from_db()  # reopened by the dissatisfied answer
    ticket = ticket_transition(ticket=ticket, move="resolve", by=agent)
    _call(ticket, agent, score_attitude=5, score_punctuality=4, score_quality=5, score_overall=5)
    client.force_login(agent)
    page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    assert [[score for _label, score in scores] for scores in _scores(page)] == [
        ["5 / 5", "4 / 5", "5 / 5", "5 / 5"],
        ["1 / 5", "1 / 5", "1 / 5", "1 / 5"],
    ]


def test_the_scores_in_chinese(client, agent):
    ticket = _resolved(agent)
    _call(ticket, agent, score_attitude=5, score_punctuality=4, score_quality=4, score_overall=4)
    client.force_login(agent)
    client.cookies.load({"django_language": "zh-hans"})
    page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    labels = [label for label, _score in _scores(page)[0]]
    assert "Attitude" not in labels and len(labels) == 4

"""The ratings service: what counts as dissatisfied (in Python and in SQL, the same), one portal
rating per ticket, the portal's refusals, and cancelling a reopened ticket's callbacks."""

import pytest
from django.core.exceptions import ValidationError

from followups.callbacks.services import cancel_due_after_service
from followups.choices import CallbackKind, CallbackStatus, RatingSource
from followups.models import CallbackVisit, SatisfactionRating
from followups.ratings import (
    DISSATISFIED_AT_MOST,
    dissatisfied_q,
    is_dissatisfied,
    low_rating_q,
    rating_record,
    rating_record_from_portal,
)
from tests import factories
from tickets.choices import EventKind, Status
from tickets.models import TicketEvent

ALREADY_RATED = "You have already rated this request. Thank you!"


@pytest.mark.parametrize(
    ("score", "raised_complaint", "dissatisfied"),
    [
        (1, False, True),
        (2, False, True),
        (3, False, False),
        (4, False, False),
        (5, False, False),
        (5, True, True),
        (3, True, True),
        (None, True, True),
        (None, False, False),
    ],
)
def test_a_response_is_dissatisfied_at_2_or_less_or_with_a_complaint(score, raised_complaint, dissatisfied):
    assert DISSATISFIED_AT_MOST == 2
    assert is_dissatisfied(score=score, raised_complaint=raised_complaint) is dissatisfied


@pytest.mark.django_db
def test_the_query_says_dissatisfied_of_the_same_ratings_as_the_rule():
    ticket = factories.TicketFactory(status=Status.CLOSED)
    for score in range(1, 6):
        for complained in (False, True):
            rating_record(ticket=ticket, source=RatingSource.CALLBACK, score=score, raised_complaint=complained)

    rows = SatisfactionRating.objects.all()
    by_rule = {row.pk for row in rows if is_dissatisfied(score=row.score, raised_complaint=row.raised_complaint)}
    assert set(rows.filter(dissatisfied_q()).values_list("pk", flat=True)) == by_rule
    assert set(rows.filter(low_rating_q()).values_list("score", flat=True)) == {1, 2}


@pytest.mark.django_db
def test_a_ticket_has_one_portal_rating_and_any_number_from_calls():
    ticket = factories.TicketFactory(status=Status.RESOLVED)
    rating_record(ticket=ticket, source=RatingSource.PORTAL, score=4)

    with pytest.raises(ValidationError) as raised:
        rating_record(ticket=ticket, source=RatingSource.PORTAL, score=1)
    assert raised.value.message_dict == {"score": [ALREADY_RATED]}

    rating_record(ticket=ticket, source=RatingSource.CALLBACK, score=2, comment="Late", raised_complaint=True)
    rating_record(ticket=ticket, source=RatingSource.SURVEY, score=5)
    assert sorted(ticket.ratings.values_list("source", "score", "comment", "raised_complaint")) == [
        (RatingSource.CALLBACK, 2, "Late", True),
        (RatingSource.PORTAL, 4, "", False),
        (RatingSource.SURVEY, 5, "", False),
    ]


@pytest.mark.django_db
def test_the_portal_rating_is_stored_with_a_public_timeline_line(django_assert_num_queries):
    ticket = factories.TicketFactory(status=Status.RESOLVED)

    # In its own transaction (a savepoint here): already rated?, the row in a savepoint of its
    # own (a racing second rating is refused, not an error), the timeline event; a 5 also writes
    # the referral invitation to the outbox (followups/referral_invite.py: 4 queries).
    with django_assert_num_queries(11):
        rating = rating_record_from_portal(ticket=ticket, customer=ticket.customer, score=5, comment="  Quick  ")

    assert (rating.source, rating.score, rating.comment) == (RatingSource.PORTAL, 5, "Quick")
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.RATING)
    assert (event.note, event.is_public, event.data) == (
        "Quick",
        True,
        {"score": 5, "source": RatingSource.PORTAL, "by": "customer"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "score", "someone_else", "rated_before", "message"),
    [
        (Status.RESOLVED, 5, True, False, "We could not find this request."),
        (Status.CLOSED, 5, False, True, ALREADY_RATED),
        (Status.IN_PROGRESS, 5, False, False, "You can rate the service once your request is resolved."),
        (Status.RESOLVED, 0, False, False, "Choose from 1 to 5 stars."),
        (Status.RESOLVED, 6, False, False, "Choose from 1 to 5 stars."),
    ],
)
def test_the_portal_refuses_and_changes_nothing(status, score, someone_else, rated_before, message):
    ticket = factories.TicketFactory(status=status)
    if rated_before:
        rating_record(ticket=ticket, source=RatingSource.CALLBACK, score=4)
    customer = factories.CustomerFactory() if someone_else else ticket.customer
    before = list(SatisfactionRating.objects.values_list("pk", flat=True))

    with pytest.raises(ValidationError) as raised:
        rating_record_from_portal(ticket=ticket, customer=customer, score=score, comment="")

    assert raised.value.message_dict == {"score": [message]}
    assert list(SatisfactionRating.objects.values_list("pk", flat=True)) == before
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.RATING).exists()


@pytest.mark.django_db
def test_reopening_cancels_only_the_after_service_callbacks_still_to_make(django_assert_num_queries):
    due = factories.CallbackVisitFactory()
    ticket = due.ticket
    done = factories.CallbackVisitFactory(ticket=ticket, status=CallbackStatus.DONE)
    installation = factories.CallbackVisitFactory(ticket=ticket, kind=CallbackKind.INSTALLATION_7D)
    other_ticket = factories.CallbackVisitFactory()

    with django_assert_num_queries(1):
        assert cancel_due_after_service(ticket) == 1

    statuses = dict(CallbackVisit.objects.values_list("pk", "status"))
    assert statuses == {
        due.pk: CallbackStatus.CANCELLED,
        done.pk: CallbackStatus.DONE,
        installation.pk: CallbackStatus.DUE,
        other_ticket.pk: CallbackStatus.DUE,
    }

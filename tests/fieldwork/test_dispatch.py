"""fieldwork/booking/dispatch.py: technicians ranked for a ticket, with their reasons and free slots.

Monday 2 March 2026, 08:00; the customer lives in Qingdao and would like Tuesday morning.
"""

import datetime as dt

import pytest

from fieldwork.booking.dispatch import suggest_technicians
from fieldwork.booking.services import visit_book
from tests import factories
from tests.fieldwork.booking_helpers import MONDAY, NOW, at, field_station, repair_ticket, technician_at
from tickets.choices import VisitSlot

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def washers():
    return factories.ProductCategoryFactory(code="washer", name="Washing machine", name_zh="洗衣机")


@pytest.fixture
def ticket(washers):
    unit = factories.ProductUnitFactory(model=factories.ProductModelFactory(category=washers, code="XQG-HAIER-10"))
    return repair_ticket(
        unit=unit,
        customer=unit.owner,
        preferred_visit_date=TUESDAY,
        preferred_visit_slot=VisitSlot.MORNING,
    )


def person(first):
    return factories.UserFactory(roles=["technician"], first_name=first, last_name="Tech")


def book_for(profile, station, start, agent):
    visit_book(ticket=repair_ticket(), technician=profile.user, station=station, start=start, by=agent, now=NOW)


def test_technicians_are_ranked_by_region_skill_free_places_and_todays_load(ticket, washers, agent):
    fridges = factories.ProductCategoryFactory(code="fridge", name="Fridge")
    qingdao, jinan = field_station(region="Qingdao", name="Qingdao North"), field_station(region="Jinan")
    busy = technician_at(qingdao, user=person("Busy"), categories=[washers])
    technician_at(qingdao, user=person("Free"), categories=[washers])
    full = technician_at(qingdao, user=person("Full"), categories=[washers])
    technician_at(qingdao, user=person("Fridge"), categories=[fridges])
    technician_at(jinan, user=person("Far"), categories=[washers])
    book_for(busy, qingdao, at(MONDAY, 9), agent)
    book_for(full, qingdao, at(TUESDAY, 9), agent)

    ranked = suggest_technicians(ticket, now=NOW)

    assert [
        (s.rank, s.technician.first_name, s.in_region, s.skilled, s.free_on_preferred_day, s.load_today) for s in ranked
    ] == [
        (1, "Free", True, True, 1, 0),
        (2, "Busy", True, True, 1, 1),
        (3, "Full", True, True, 0, 0),
        (4, "Fridge", True, False, 1, 0),
        (5, "Far", False, True, 1, 0),
    ]
    assert ranked[0].station == qingdao
    assert ranked[0].reasons == [
        "Qingdao North serves the customer's region (Qingdao).",
        "Skilled for Washing machine.",
        "1 free place on the customer's preferred day, 3 Mar 2026 (Morning (9:00–12:00)).",
        "0 visits today.",
    ]
    assert ranked[1].reasons[3] == "1 visit today."
    assert ranked[3].reasons[1] == "Not skilled for Washing machine."
    assert ranked[4].reasons[0] == f"{jinan.name} does not serve the customer's region (Qingdao)."
    # The slots to book: from the preferred day on, three days, the full one left out.
    assert [(slot.start, slot.free) for slot in ranked[2].slots][:2] == [
        (at(TUESDAY, 13), 1),
        (at(TUESDAY + dt.timedelta(1), 9), 1),
    ]
    assert len(ranked[0].slots) == 6
    assert suggest_technicians(ticket, now=NOW, limit=2)[-1].technician == busy.user


def test_models_and_brands_narrow_a_skill(ticket, washers):
    station = field_station()
    other_model = factories.ProductModelFactory(category=washers, code="XQB-OTHER")
    technician_at(station, user=person("Models"), categories=[washers]).product_models.set([other_model])
    technician_at(station, user=person("Brand"), categories=[washers], brands=["Midea"])
    technician_at(station, user=person("Haier"), categories=[washers], brands=["haier"])
    exact = technician_at(station, user=person("Exact"), categories=[washers])
    exact.product_models.set([ticket.unit.model])

    reasons = {s.technician.first_name: (s.skilled, s.reasons[1]) for s in suggest_technicians(ticket, now=NOW)}

    assert reasons == {
        "Models": (False, "Skilled for Washing machine, but not for model XQG-HAIER-10."),
        "Brand": (False, "Skilled for Washing machine, but not for this brand."),
        "Haier": (True, "Skilled for Washing machine."),
        "Exact": (True, "Skilled for model XQG-HAIER-10."),
    }


def test_without_a_preferred_day_capacity_is_counted_today_and_inactive_ones_are_left_out(washers):
    station = field_station()
    technician_at(station, user=person("Off"), categories=[washers], is_active=False)
    technician_at(station, user=person("On"), categories=[washers])
    ticket = repair_ticket(customer=factories.CustomerFactory(region="Qingdao"))

    [only] = suggest_technicians(ticket, now=NOW)

    assert only.technician.first_name == "On"
    assert only.reasons[2] == "2 free places on 2 Mar 2026."
    assert [slot.start for slot in only.slots][:2] == [at(MONDAY, 9), at(MONDAY, 13)]


def test_the_query_count_does_not_grow_with_technicians_or_visits(ticket, washers, agent, django_assert_num_queries):
    stations = [field_station(), field_station(region="Jinan")]
    technician_at(*stations, categories=[washers])
    # ticket, profiles, their stations, categories, models, slot settings, national days, holding visits
    with django_assert_num_queries(8):
        suggest_technicians(ticket, now=NOW)
    for index in range(4):
        profile = technician_at(stations[index % 2], categories=[washers], per_slot=2)
        book_for(profile, stations[index % 2], at(TUESDAY, 9), agent)
    with django_assert_num_queries(8):
        assert len(suggest_technicians(ticket, now=NOW, limit=10)) == 5

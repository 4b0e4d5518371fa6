"""The ``demo`` and ``seed`` management commands."""

import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from aftersales.roles import Role
from customers.models import Customer, ProductCategory, ProductModel, ProductUnit, WarrantyPolicy
from customers.phones import normalize_phone
from customers.units import compute_unit_warranty
from demo.data.serials import luhn_digit, vin
from demo.scenario.recall import RECALL_STORY_BATCHES
from demo.seed.customers import seed_phone
from followups.choices import CallbackKind, CallbackResult, CallbackStatus
from followups.models import CallbackAttempt, CallbackVisit, SatisfactionRating
from tests import factories
from tickets.choices import OPEN_STATUSES, SERVICE_KINDS, Channel, EventKind, Kind, Priority, Status
from tickets.models import FaultCategory, ServiceStation, Ticket, TicketEvent, TicketSequence
from tickets.services import ticket_create

STATUTORY_CODES = {
    "washing_machine",
    "fridge",
    "air_conditioner",
    "crt_tv",
    "flat_panel_tv",
    "microwave",
    "mobile_phone",
    "laptop",
    "desktop",
    "car",
}
REFERENCE = re.compile(r"^AS-(\d{4})-(\d{6})$")
# The batch-warning story adds its units' owners, their repairs and the recall's tickets.
STORY_CUSTOMERS = sum(size for size, _ in RECALL_STORY_BATCHES)
STORY_TICKETS = sum(failed for _, failed in RECALL_STORY_BATCHES) + RECALL_STORY_BATCHES[0][0]


def run(command: str, **options) -> str:
    out = StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    User = get_user_model()
    return {
        "users": User.objects.count(),
        "groups": Group.objects.count(),
        "categories": ProductCategory.objects.count(),
        "models": ProductModel.objects.count(),
        "faults": FaultCategory.objects.count(),
        "stations": ServiceStation.objects.count(),
        "customers": Customer.objects.count(),
        "units": ProductUnit.objects.count(),
        "tickets": Ticket.objects.count(),
        "events": TicketEvent.objects.count(),
        "sequence": sum(TicketSequence.objects.values_list("last_value", flat=True)),
    }


# --- demo -------------------------------------------------------------------------------------


def test_demo_covers_every_status_kind_channel_and_priority(db):
    out = run("demo")

    tickets = Ticket.objects.all()
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert set(tickets.values_list("kind", flat=True)) == set(Kind.values)
    assert set(tickets.values_list("channel", flat=True)) == set(Channel.values)
    assert set(tickets.values_list("priority", flat=True)) == set(Priority.values)
    assert 100 <= tickets.count() - STORY_TICKETS <= 140
    assert "http://127.0.0.1:8000/desk/" in out and "/admin/" in out


def test_demo_has_one_user_per_role_with_the_demo_password(db):
    out = run("demo")

    User = get_user_model()
    for role in Role.values:
        assert User.objects.filter(groups__name=role).exists(), role
    expected = {
        "agent": Role.AGENT,
        "agent2": Role.AGENT,
        "technician": Role.TECHNICIAN,
        "technician2": Role.TECHNICIAN,
        "manager": Role.MANAGER,
        "quality": Role.DEPARTMENT,
        "admin": Role.ADMIN,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password("aftersales-demo")
        assert user.first_name and user.last_name
        assert username in out
    [portal] = Customer.objects.filter(user__isnull=False)
    assert portal.user.username == portal.phone and portal.user.check_password("aftersales-demo")
    assert not portal.user.groups.exists() and not portal.user.is_staff
    assert f"  {portal.phone} aftersales-demo  customer    {portal.name} (portal account)" in out
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert User.objects.get(username="manager").is_staff
    assert not User.objects.get(username="agent").is_staff
    assert not User.objects.get(username="technician").is_staff


def test_demo_prints_every_entry_point_on_the_chosen_port_the_logins_and_where_messages_appear(db, settings):
    settings.SITE_URL = "http://127.0.0.1:8080"  # as PORT=8080 makes it
    # The defaults outside the tests: each message one line on the console.
    settings.EMAIL_BACKEND = "notifications.backends.ConsoleEmailBackend"
    settings.SMS_BACKEND = "notifications.sms.console.SmsBackend"
    out = run("demo")
    lines = out.splitlines()
    start = lines.index("Aftersales Service is ready at http://127.0.0.1:8080/")
    assert lines[start + 2 : start + 8] == [
        "  Customer portal      http://127.0.0.1:8080/",
        "  Staff desk           http://127.0.0.1:8080/desk/",
        "  Quality dashboard    http://127.0.0.1:8080/dashboard/",
        "  Feedback inbox       http://127.0.0.1:8080/feedback/",
        "  Administration       http://127.0.0.1:8080/admin/",
        "  API documentation    http://127.0.0.1:8080/api/docs/",
    ]
    assert "Demo logins (password for every account: aftersales-demo)" in lines
    for username, role in (
        ("agent", "agent"),
        ("technician", "technician"),
        ("manager", "manager"),
        ("quality", "department"),
        ("admin", "admin"),
    ):
        assert any(line.startswith(f"  {username:<12} aftersales-demo  {role:<11} ") for line in lines), username
    portal = Customer.objects.get(user__isnull=False)
    assert (
        f"  The demo customer signs in to the portal (http://127.0.0.1:8080/account/login/) with the phone "
        f"{portal.phone}; tracking a request needs its reference and that phone."
    ) in lines
    assert lines[-1] == (
        "Messages: nothing is really sent. Every SMS (sign-in and verification codes included) and every "
        "email appears in this console, one line each, as the server and the worker run."
    )
    # Run again (nothing is loaded twice) with an explicit address: the same list on it.
    again = run("demo", base_url="http://localhost:9000/")
    assert "  API documentation    http://localhost:9000/api/docs/" in again.splitlines()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SMS_BACKEND = "notifications.sms.aliyun.SmsBackend"
    assert run("demo").splitlines()[-1] == (
        "Messages are sent for real: EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, "
        "SMS_BACKEND=notifications.sms.aliyun.SmsBackend"
    )


def test_demo_catalogue_uses_the_statutory_codes(db):
    run("demo")

    categories = {c.code: c for c in ProductCategory.objects.all()}
    assert set(categories) == STATUTORY_CODES
    assert all(c.name and c.name_zh for c in categories.values())
    assert categories["flat_panel_tv"].warranty_start_basis == "installation"
    assert categories["car"].warranty_start_basis == "delivery"
    policies = {p.category.code: p for p in WarrantyPolicy.objects.select_related("category")}
    assert set(policies) == STATUTORY_CODES
    car = policies["car"]
    assert (car.family, car.validity_months, car.validity_km, car.repair_period_months) == ("car", 24, 50_000, 36)
    assert (policies["mobile_phone"].whole_unit_months, policies["mobile_phone"].accessories) == (
        12,
        [["battery", 6], ["wired_headset", 3], ["charger", 12]],
    )
    assert (policies["laptop"].whole_unit_months, policies["laptop"].main_component_months) == (12, 24)
    per_category = ProductModel.objects.values("category").annotate(n=Count("id"))
    assert all(2 <= row["n"] <= 4 for row in per_category)
    assert not ProductModel.objects.filter(Q(name_zh="") | Q(main_components=[])).exists()
    assert set(FaultCategory.objects.values_list("group", flat=True)) == {"product", "service", "request"}
    assert ServiceStation.objects.values("region").distinct().count() >= 4


def test_demo_customers_units_and_timelines_are_consistent(db):
    run("demo")
    now = timezone.now()

    customers = Customer.objects.all()
    assert customers.count() == 50 + STORY_CUSTOMERS
    assert all(normalize_phone(c.phone) == c.phone for c in customers)
    assert customers.filter(preferred_language="en").exists()
    assert customers.filter(representative__isnull=False).exists()
    assert customers.filter(referred_by__isnull=False).exists()
    units = ProductUnit.objects.select_related("model__category")
    assert all(1 <= c.units.count() <= 4 for c in customers)
    today = timezone.localdate()
    assert units.filter(warranty_end__gte=today).exists() and units.filter(warranty_end__lt=today).exists()
    for unit in units:
        expected = ProductUnit(
            model=unit.model,
            invoice_date=unit.invoice_date,
            delivery_date=unit.delivery_date,
            installation_date=unit.installation_date,
        )
        compute_unit_warranty(expected)
        assert (unit.warranty_start, unit.warranty_end) == (expected.warranty_start, expected.warranty_end)

    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    assert Ticket.objects.filter(created_at__lt=now - timezone.timedelta(days=45)).exists()
    for ticket in Ticket.objects.prefetch_related("events"):
        events = sorted(ticket.events.all(), key=lambda e: (e.created_at, e.pk))
        assert events[0].kind == EventKind.CREATED and events[0].created_at == ticket.created_at
        moves = [e for e in events if e.kind == EventKind.STATUS]
        assert (moves[-1].to_status if moves else Status.NEW) == ticket.status
    assert Ticket.objects.filter(status__in=OPEN_STATUSES, next_due__lt=now).count() >= 3
    merged = Ticket.objects.filter(status=Status.MERGED)
    assert merged.exists() and not merged.filter(merged_into__isnull=True).exists()
    assert Ticket.objects.filter(suspected_duplicate_of__isnull=False).exclude(status=Status.MERGED).exists()
    assert not Ticket.objects.filter(kind=Kind.REPAIR, resolved_at__isnull=False, fault_code="").exists()


def test_demo_twice_adds_nothing(db):
    run("demo")
    before = row_counts()
    assert before["users"] == 8 + 9 + 1  # headquarters' staff, the providers' staff, and one portal customer
    assert before["categories"] == 10
    assert before["stations"] == 6 + 1  # and the one a provider opened
    assert before["customers"] == 50 + STORY_CUSTOMERS
    assert before["tickets"] == 120 + STORY_TICKETS
    assert before["sequence"] == 120 + STORY_TICKETS

    out = run("demo")

    assert row_counts() == before
    assert "already loaded" in out
    assert "agent" in out and "aftersales-demo" in out


# --- seed -------------------------------------------------------------------------------------


def test_seed_creates_exactly_the_requested_rows(db):
    out = run("seed", customers=30, units=45, tickets=140, batch=20)

    assert Customer.objects.count() == 30
    assert ProductUnit.objects.count() == 45
    assert Ticket.objects.count() == 140
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == 140
    assert "rows/s" in out
    # A minimal catalogue was created for an empty database.
    assert set(ProductCategory.objects.values_list("code", flat=True)) == STATUTORY_CODES
    assert ServiceStation.objects.exists()
    assert get_user_model().objects.filter(groups__name=Role.TECHNICIAN).exists()


def test_seeded_rows_keep_the_services_invariants(db):
    run("seed", customers=40, units=60, tickets=300, batch=50)
    now = timezone.now()

    assert all(normalize_phone(phone) == phone for phone in Customer.objects.values_list("phone", flat=True))
    for unit in ProductUnit.objects.select_related("model__category"):
        expected = ProductUnit(
            model=unit.model,
            invoice_date=unit.invoice_date,
            delivery_date=unit.delivery_date,
            installation_date=unit.installation_date,
        )
        compute_unit_warranty(expected)
        assert (unit.warranty_start, unit.warranty_end) == (expected.warranty_start, expected.warranty_end)
    tickets = Ticket.objects.all()
    assert not tickets.filter(Q(created_at__gt=now) | Q(updated_at__gt=now) | Q(closed_at__gt=now)).exists()
    assert not tickets.filter(
        Q(acknowledged_at__lt=F("created_at"))
        | Q(dispatched_at__lt=F("acknowledged_at"))
        | Q(started_at__lt=F("dispatched_at"))
        | Q(resolved_at__lt=F("started_at"))
        | Q(verified_at__lt=F("resolved_at"))
        | Q(closed_at__lt=F("verified_at"))
    ).exists()
    assert not tickets.filter(dispatched_at__isnull=False, assignee__isnull=True).exists()
    assert not tickets.filter(kind=Kind.REPAIR, resolved_at__isnull=False, fault_code="").exists()
    assert not tickets.filter(status=Status.MERGED, merged_into__isnull=True).exists()
    assert not tickets.filter(unit__isnull=False).exclude(unit__owner=F("customer")).exists()
    assert not tickets.filter(unit__invoice_date__gt=F("created_at__date")).exists()
    assert tickets.filter(status=Status.CLOSED).count() > tickets.count() / 2
    # The automatic timestamps are back in force after the run.
    assert Ticket._meta.get_field("created_at").auto_now_add
    assert TicketEvent._meta.get_field("created_at").auto_now_add


def test_seed_references_are_unique_and_the_sequence_continues(db, agent):
    customer = factories.CustomerFactory()
    first = ticket_create(customer=customer, kind=Kind.CONSULTATION, channel=Channel.PHONE, description="Q", by=agent)

    run("seed", customers=10, units=15, tickets=200, batch=30, days=500)

    references = list(Ticket.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 201
    parsed = [REFERENCE.match(reference) for reference in references]
    assert all(parsed)
    assert first.reference in references
    for sequence in TicketSequence.objects.all():
        top = Ticket.objects.filter(reference__startswith=f"AS-{sequence.year}-").aggregate(top=Max("reference"))["top"]
        assert sequence.last_value == int(top[-6:])
    first_year = int(first.reference[3:7])
    numbers = sorted(int(m.group(2)) for m in parsed if int(m.group(1)) == first_year)
    assert numbers == list(range(1, len(numbers) + 1))

    later = ticket_create(customer=customer, kind=Kind.CONSULTATION, channel=Channel.PHONE, description="Q", by=agent)

    assert later.reference == f"AS-{first_year}-{len(numbers) + 1:06d}"


def test_seed_twice_continues_without_collisions(db):
    run("seed", customers=25, units=30, tickets=50, batch=10)
    run("seed", customers=25, units=30, tickets=50, batch=10)

    assert Customer.objects.count() == 50
    assert ProductUnit.objects.count() == 60
    assert Ticket.objects.count() == 100
    assert Customer.objects.values("phone").distinct().count() == 50
    assert ProductUnit.objects.values("model", "serial").distinct().count() == 60


def test_seed_without_events_writes_no_timeline(db):
    call_command("seed", "--customers=5", "--units=5", "--tickets=20", "--no-events", stdout=StringIO())

    assert Ticket.objects.count() == 20
    assert not TicketEvent.objects.exists()


def test_seed_on_top_of_the_demo_reuses_its_catalogue_and_staff(db):
    run("demo")
    before = row_counts()

    run("seed", customers=20, units=30, tickets=60)

    after = row_counts()
    for key in ("users", "groups", "categories", "models", "faults", "stations"):
        assert after[key] == before[key], key
    assert after["customers"] == before["customers"] + 20
    assert after["units"] == before["units"] + 30
    assert after["tickets"] == before["tickets"] + 60
    # Headquarters' technicians and the service providers' (bj-tech, …).
    technicians = set(get_user_model().objects.filter(groups__name=Role.TECHNICIAN).values_list("pk", flat=True))
    assigned = set(Ticket.objects.filter(assignee__isnull=False).values_list("assignee", flat=True))
    assert assigned <= technicians


# --- serial-number formats (pure) ---------------------------------------------------------------


def test_imei_check_digit():
    assert luhn_digit("49015420323751") == "8"  # IMEI 490154203237518


def test_vin_check_digit_and_year_code():
    assert vin("1M8", "GDM9A", 2019, "P", "042788") == "1M8GDM9AXKP042788"


def test_generated_phones_are_valid_and_distinct():
    phones = [seed_phone(index) for index in range(5000)]
    assert len(set(phones)) == len(phones)
    assert all(normalize_phone(phone) == phone for phone in phones[:500])


def test_seed_callbacks_follow_completed_service_tickets(db):
    run("seed", customers=40, units=60, tickets=400, batch=50)
    out = run("seed", callbacks=150, batch=40)
    now = timezone.now()

    visits = CallbackVisit.objects.all()
    assert visits.count() == 150
    assert "callbacks: 150" in out
    assert not visits.exclude(
        ticket__kind__in=SERVICE_KINDS,
        ticket__resolved_at__isnull=False,
        ticket__status__in=(Status.RESOLVED, Status.VERIFIED, Status.CLOSED),
        kind=CallbackKind.AFTER_SERVICE,
    ).exists()
    assert not visits.exclude(customer=F("ticket__customer")).exists()
    # One callback per resolution; the newest resolutions first.
    assert visits.values("ticket").distinct().count() == 150
    assert not CallbackAttempt.objects.filter(Q(at__gt=now) | Q(at__lt=F("visit__ticket__resolved_at"))).exists()
    assert not visits.filter(status=CallbackStatus.DONE).exclude(attempts__result=CallbackResult.REACHED).exists()
    ratings = SatisfactionRating.objects.all()
    assert ratings.count() == visits.filter(score_overall__isnull=False).count()
    assert not ratings.exclude(score__range=(1, 5)).exists()
    assert not ratings.filter(created_at__gt=now).exists()
    # Started tickets have had a visit; the seed does not touch the ones never started.
    assert not Ticket.objects.filter(started_at__isnull=False, visits=0).exists()
    assert not Ticket.objects.filter(started_at__isnull=True).exclude(visits=0).exists()
    assert SatisfactionRating._meta.get_field("created_at").auto_now_add
    # Running again adds callbacks only for resolutions that have none.
    run("seed", callbacks=10_000, batch=40)
    assert CallbackVisit.objects.values("ticket").distinct().count() == CallbackVisit.objects.count()

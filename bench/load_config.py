"""The load benchmark's users and sample: the accounts the locust users sign in with (a password
fresh for each run), the API token, and the tickets, filters, searches and pages they request,
written by load_bench.py to a file only they read (bench/locustfile.py)."""

import datetime as dt
import secrets
from urllib.parse import urlencode

from field_bench import BUSY_TECHNICIAN
from load_portal import PHONE_PREFIX

# The dashboard's first view asks for custom periods inside the days the snapshots cover.
SNAPSHOT_DAYS = 90
# The shortest custom period the first view asks for, in days.
SHORTEST_PERIOD = 7


def bench_account(username: str, role: str, password: str) -> dict[str, str]:
    """A staff user with ``role`` and a password fresh for this run (the sign-in form needs one)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Load", "last_name": "Bench"}
    )
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return {"username": username, "password": password}


def load_config() -> dict:
    """Users, the API token and the sample data the locust users pick from (bench/locustfile.py)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count, Max
    from django.urls import reverse
    from django.utils import timezone

    from aftersales.api.token_store import token_issue
    from aftersales.roles import Role
    from customers.models import Customer, ProductModel
    from quality.dashboard.breakdowns import sort_choices
    from quality.metrics import business_today
    from quality.models import Dimension, RateSnapshot
    from tickets.choices import OPEN_STATUSES
    from tickets.models import Ticket

    agent = bench_account("bench-load-agent", Role.AGENT, secrets.token_urlsafe(18))
    manager = bench_account("bench-load-manager", Role.MANAGER, secrets.token_urlsafe(18))
    # The technician with the busiest day of the field-service volume (load_setup.ensure_field).
    technician = bench_account(BUSY_TECHNICIAN, Role.TECHNICIAN, secrets.token_urlsafe(18))
    # A new key each run (only its hash is stored): the run's locust users send this one.
    token = token_issue(user=get_user_model().objects.get(pk=_user_id(manager["username"])))

    # Ticket pages all over the table (a sample of its pages), not one hot row.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT reference FROM {Ticket._meta.db_table} TABLESAMPLE SYSTEM (0.5) ORDER BY random() LIMIT 2000"
        )
        references = [row[0] for row in cursor.fetchall()]
    sample = Ticket.objects.filter(unit__isnull=False).select_related("customer", "unit").order_by("-id").first()
    common_name = (
        Customer.objects.values("name").annotate(n=Count("id")).filter(n__gte=2).order_by("-n").first()
        or {"name": sample.customer.name}
    )["name"]
    station_id, assignee_id = (
        Ticket.objects.filter(station__isnull=False, assignee__isnull=False)
        .order_by("-id")
        .values_list("station_id", "assignee_id")
        .first()
    )
    open_statuses = [("status", s) for s in sorted(OPEN_STATUSES)]
    deep = settings.DESK_COUNT_CAP // settings.DESK_PAGE_SIZE
    queue = reverse("desk:queue")

    def at(path: str, params: list[tuple[str, str]] | None = None) -> str:
        return path + ("?" + urlencode(params) if params else "")

    station = (
        RateSnapshot.objects.filter(dimension="station")
        .order_by("-service_completed")
        .values_list("value", flat=True)
        .first()
    )
    home = reverse("dashboard:home")
    callbacks = reverse("followups:queue")
    top = Customer.objects.filter(phone__gte=PHONE_PREFIX, phone__lt=PHONE_PREFIX[:-1] + "9").aggregate(
        top=Max("phone")
    )
    first_number = int(top["top"][len(PHONE_PREFIX) :]) + 1 if top["top"] else 0
    models = list(ProductModel.objects.filter(is_active=True).order_by("code").values_list("code", flat=True))
    return {
        "agent": agent,
        "manager": manager,
        "technician": technician,
        "paths": {"login": reverse("desk:login"), "submit": reverse("portal:submit")},
        "references": references,
        "desk": {
            "default": queue,
            "ticket": reverse("desk:ticket", kwargs={"reference": "REFERENCE"}),
            "filters": [
                ["status=closed", at(queue, [("status", "closed")])],
                ["all open statuses", at(queue, open_statuses)],
                ["overdue", at(queue, [("overdue", "1")])],
                ["kind+priority", at(queue, [("kind", "complaint"), ("priority", "urgent")])],
                ["station+assignee", at(queue, [("station", str(station_id)), ("assignee", str(assignee_id))])],
                ["open by deadline", at(queue, [*open_statuses, ("sort", "due")])],
                ["sorted by priority", at(queue, [("sort", "priority")])],
                ["page_size=100", at(queue, [("page_size", "100")])],
                [f"deep page ({deep})", at(queue, [("page", str(deep))])],
            ],
            "searches": [
                ["reference", at(queue, [("q", sample.reference)])],
                ["phone", at(queue, [("q", sample.customer.phone_display)])],
                ["serial", at(queue, [("q", sample.unit.serial)])],
                ["customer name", at(queue, [("q", common_name)])],
            ],
        },
        "dashboard": [
            ["last 30 days", home],
            ["last 90 days", at(home, [("range", "90d")])],
            ["by station", at(home, [("by", "station")])],
            ["by model", at(home, [("by", "model")])],
            ["by batch", at(home, [("by", "batch")])],
            ["by agent", at(home, [("by", "agent")])],
            ["one station", at(home, [("dimension", "station"), ("value", station or "1")])],
            ["drill-down, dissatisfied", reverse("dashboard:tickets", kwargs={"kind": "dissatisfied"})],
            ["drill-down, no callback", reverse("dashboard:tickets", kwargs={"kind": "no_callback_attempt"})],
        ],
        # Filters no one asked for before in this state of the snapshots: the figures are
        # rendered, not read from the fragments cache (bench/locustfile.py draws them).
        "first_view": {
            "path": home,
            "today": business_today(timezone.now()).isoformat(),
            "days": SNAPSHOT_DAYS,
            "shortest": SHORTEST_PERIOD,
            "by": [value for value in Dimension.values if value != Dimension.ALL],
            "sorts": [key for key, _label in sort_choices()],
        },
        "callbacks": [
            ["default", callbacks],
            ["overdue only", at(callbacks, [("overdue", "on")])],
        ],
        "field": {"page": reverse("fieldwork:today"), "api": reverse("api:field-day")},
        "api": {
            "token": token.key,
            "detail": reverse("api:ticket-detail", kwargs={"reference": "REFERENCE"}),
            "lists": [
                ["default", reverse("api:ticket-list")],
                ["open statuses", at(reverse("api:ticket-list"), open_statuses)],
                ["page_size=100", at(reverse("api:ticket-list"), [("page_size", "100")])],
            ],
            "metrics": [
                ["last 30 days", reverse("api:metrics")],
                ["group_by=station", at(reverse("api:metrics"), [("group_by", "station")])],
                ["group_by=model", at(reverse("api:metrics"), [("group_by", "model")])],
            ],
        },
        "portal": {
            "phone_prefix": PHONE_PREFIX,
            "first_number": first_number,
            "models": models,
            "purchase_date": (dt.date.today() - dt.timedelta(days=200)).isoformat(),
            "descriptions": [
                "It stopped working this morning and shows an error code.",
                "Makes a loud noise when running and smells of burning.",
                "不制冷，显示屏报错 E4。",
                "开机后几分钟自动关机。",
            ],
        },
    }


def _user_id(username: str) -> int:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.values_list("pk", flat=True).get(username=username)

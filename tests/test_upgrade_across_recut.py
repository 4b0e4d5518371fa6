"""A database from before the apps were cut along the product's nouns upgrades with every row kept.

Warranty claims moved from the tickets app to warranty; callbacks, ratings, department
memberships and feedback to followups; webhooks to notifications; rate thresholds, snapshots,
alerts and recalls from followups to quality. Only Django's state moved: each table keeps its
name and its rows, and the content types follow the models, so permissions and admin history
stay attached. Migrating back to before the move and forward again keeps them too.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from followups.models import CallbackAttempt, CallbackVisit, DepartmentMembership, FeedbackItem, SatisfactionRating
from notifications.models import WebhookDelivery, WebhookSubscription
from quality.models import KpiThreshold, QualityAlert, RateSnapshot, RecallCampaign, RecallUnit
from warranty.models import WarrantyClaim

# Where each moved app stood just before the move.
BEFORE = [
    ("tickets", "0025_seed_sla_targets"),
    ("followups", "0007_technician_dimension"),
    ("customers", "0012_business_calendar"),
    ("notifications", "0001_initial"),
    ("aftersales_api", "0001_hash_drf_tokens"),
]
# Apps that did not exist yet: the ones that took the moved models, and the ones born after the move.
NOT_YET = [
    ("warranty", None),
    ("quality", None),
    ("parts", None),
    ("fieldwork", None),
    ("settlements", None),
    ("contracts", None),
    ("sales", None),
]

# Each moved model: its app label before the move, and the model that reads its table now.
MOVED = {
    ("tickets", "WarrantyClaim"): WarrantyClaim,
    ("tickets", "SatisfactionRating"): SatisfactionRating,
    ("tickets", "CallbackVisit"): CallbackVisit,
    ("tickets", "CallbackAttempt"): CallbackAttempt,
    ("tickets", "DepartmentMembership"): DepartmentMembership,
    ("tickets", "FeedbackItem"): FeedbackItem,
    ("tickets", "WebhookSubscription"): WebhookSubscription,
    ("tickets", "WebhookDelivery"): WebhookDelivery,
    ("followups", "KpiThreshold"): KpiThreshold,
    ("followups", "RateSnapshot"): RateSnapshot,
    ("followups", "QualityAlert"): QualityAlert,
    ("followups", "RecallCampaign"): RecallCampaign,
    ("followups", "RecallUnit"): RecallUnit,
}
AT = dt.datetime(2026, 3, 5, 6, 30, tzinfo=dt.UTC)
SECRET = "whsec_kept-across-the-move-0123456789"


def leaf_nodes() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(targets):
        executor.migrate(targets)
    ContentType.objects.clear_cache()  # ids are kept, but a cached label would be the old one


def state_before():
    """The models as the migrations before the move left them; every other app at its latest."""
    moved_apps = {app for app, _ in BEFORE + NOT_YET}
    nodes = BEFORE + [node for node in leaf_nodes() if node[0] not in moved_apps]
    return MigrationExecutor(connection).loader.project_state(nodes).apps


def fill_before_the_move(apps) -> dict:
    """A row in every moved table, the rows they point at, a group allowed to change a claim and
    an admin history entry about one. Returns the primary keys the checks need."""

    def model(label):
        return apps.get_model(*label.split("."))

    admin = model("auth.User").objects.create(username="upgrade-admin", is_staff=True)
    agent = model("auth.User").objects.create(username="upgrade-agent")
    category = model("customers.ProductCategory").objects.create(code="upgrade-washers", name="Washers")
    product = model("customers.ProductModel").objects.create(category=category, code="UP-WM-1", name="WM One")
    customer = model("customers.Customer").objects.create(name="Li Na", phone="+8613812345678")
    Unit = model("customers.ProductUnit")
    unit = Unit.objects.create(model=product, owner=customer, serial="UP-SN-0001", batch="B-2026-01")
    replacement = Unit.objects.create(model=product, owner=customer, serial="UP-SN-0002", batch="B-2026-02")
    policy = model("customers.WarrantyPolicy").objects.create(
        category=category, version=99, effective_from=dt.date(2020, 1, 1)
    )
    Ticket = model("tickets.Ticket")
    repair = Ticket.objects.create(
        reference="AS-2026-900001", customer=customer, unit=unit, kind="repair", channel="phone", description="x"
    )
    complaint = Ticket.objects.create(
        reference="AS-2026-900002", customer=customer, kind="complaint", channel="web", description="late"
    )
    recalled = Ticket.objects.create(
        reference="AS-2026-900003", customer=customer, unit=unit, kind="repair", channel="visit", description="r"
    )

    claim = model("tickets.WarrantyClaim").objects.create(
        ticket=repair,
        unit=unit,
        policy=policy,
        decided_by=agent,
        chosen_by=agent,
        executed_by=admin,
        replacement_unit=replacement,
        status="executed",
        facts={"purchase_date": "2026-01-02", "price": Decimal("2999.00")},
        corrections={"purchase_date": ["2026-01-01", "2026-01-02"]},
        correction_reason="Invoice shows the 2nd.",
        rule="replace_within_15_days",
        remedies=["replace", "repair"],
        free=True,
        reason_codes=[{"code": "within_replace_days", "days": 12}],
        period_end=dt.date(2027, 1, 2),
        refund_amount=Decimal("0.00"),
        chosen_remedy="replace",
        chosen_at=AT,
        executed_at=AT,
    )
    model("tickets.SatisfactionRating").objects.create(ticket=repair, source="portal", score=4, comment="Quick")
    Visit = model("tickets.CallbackVisit")
    visit = Visit.objects.create(
        kind="after_service",
        due_at=AT,
        status="done",
        dedupe_key=f"after_service:{repair.pk}",
        customer=customer,
        ticket=repair,
        unit=unit,
        assigned_to=agent,
        complaint_ticket=complaint,
        score_attitude=5,
        score_overall=2,
        raised_complaint=True,
        completed_at=AT,
    )
    recall_visit = Visit.objects.create(
        kind="recall", due_at=AT, dedupe_key=f"recall:{recalled.pk}", customer=customer, ticket=recalled, unit=unit
    )
    model("tickets.CallbackAttempt").objects.create(visit=visit, result="reached", at=AT, by=agent, note="Happy")
    model("tickets.DepartmentMembership").objects.create(user=agent, department="production")
    model("tickets.FeedbackItem").objects.create(
        ticket=repair,
        department="production",
        fault_code="WM-PUMP",
        component="drain pump",
        batch="B-2026-01",
        model=product,
        status="acknowledged",
        acknowledge_due=AT,
        acknowledged_at=AT,
        acknowledged_by=agent,
    )
    subscription = model("tickets.WebhookSubscription").objects.create(
        owner=admin, url="https://erp.example.com/hooks", events=["ticket.created"], secret=SECRET
    )
    model("tickets.WebhookDelivery").objects.create(
        subscription=subscription,
        event="ticket.created",
        payload={"reference": repair.reference, "at": AT},
        attempt_log=[{"at": AT, "status": 500}],
        attempts=1,
        last_status_code=500,
    )
    model("followups.KpiThreshold").objects.update_or_create(
        kpi="callback_reach", defaults={"threshold": Decimal("0.8500"), "updated_by": admin}
    )
    model("followups.RateSnapshot").objects.create(
        day=dt.date(2026, 3, 4), dimension="model", value=str(product.pk), service_completed=7, ratings=3
    )
    alert = model("followups.QualityAlert").objects.create(
        kind="batch",
        dimension="batch",
        value="B-2026-01",
        label="WM One, batch B-2026-01",
        numerator=9,
        denominator=40,
        rate=Decimal("0.225000"),
        threshold=Decimal("0.050000"),
        window_start=dt.date(2026, 2, 1),
        window_end=dt.date(2026, 3, 1),
        batch="B-2026-01",
        model=product,
    )
    campaign = model("followups.RecallCampaign").objects.create(
        title="Drain pump", batch="B-2026-01", reason="Cracked impellers", model=product, started_by=admin, alert=alert
    )
    recall_unit = model("followups.RecallUnit").objects.create(
        campaign=campaign, ticket=recalled, unit=unit, callback=recall_visit
    )

    # What an administrator set up on the model before the move: a content type (the one
    # post_migrate made, or a new one), its permission, a group holding it, and admin history.
    claim_type, _ = model("contenttypes.ContentType").objects.get_or_create(app_label="tickets", model="warrantyclaim")
    change_claims, _ = model("auth.Permission").objects.get_or_create(
        content_type=claim_type, codename="change_warrantyclaim", defaults={"name": "Can change warranty claim"}
    )
    desk = model("auth.Group").objects.create(name="Upgrade claims desk")
    desk.permissions.add(change_claims)
    agent.groups.add(desk)
    entry = model("admin.LogEntry").objects.create(
        user=admin,
        content_type=claim_type,
        object_id=str(claim.pk),
        object_repr="AS-2026-900001 claim",
        action_flag=CHANGE,
        change_message="[]",
    )
    return {
        "claim": claim.pk,
        "visit": visit.pk,
        "recall_unit": recall_unit.pk,
        "subscription": subscription.pk,
        "agent": agent.pk,
        "desk": desk.pk,
        "claim_type": claim_type.pk,
        "change_claims": change_claims.pk,
        "entry": entry.pk,
    }


def rows(model, fields) -> list[dict]:
    return list(model.objects.order_by("pk").values(*fields))


def rows_before(apps) -> dict:
    """Every moved table's rows, read through the models as they were before the move."""
    found = {}
    for (app_label, name), _ in MOVED.items():
        old = apps.get_model(app_label, name)
        found[(app_label, name)] = rows(old, [field.attname for field in old._meta.concrete_fields])
    return found


def assert_read_the_same_now(before: dict) -> None:
    for (app_label, name), new in MOVED.items():
        fields = list(before[(app_label, name)][0])
        assert rows(new, fields) == before[(app_label, name)], f"{app_label}.{name} → {new._meta.label}"


def assert_relations_resolve(pks: dict) -> None:
    claim = WarrantyClaim.objects.get(pk=pks["claim"])
    assert (claim.ticket.reference, claim.unit.serial, claim.replacement_unit.serial) == (
        "AS-2026-900001",
        "UP-SN-0001",
        "UP-SN-0002",
    )
    assert claim.facts == {"purchase_date": "2026-01-02", "price": "2999.00"}
    assert [rating.score for rating in claim.ticket.ratings.all()] == [4]
    assert [item.fault_code for item in claim.ticket.feedback_items.all()] == ["WM-PUMP"]
    visit = CallbackVisit.objects.get(pk=pks["visit"])
    assert (visit.ticket_id, visit.complaint_ticket.reference) == (claim.ticket_id, "AS-2026-900002")
    assert [(attempt.result, attempt.by.username) for attempt in visit.attempts.all()] == [("reached", "upgrade-agent")]
    recall_unit = RecallUnit.objects.get(pk=pks["recall_unit"])
    assert recall_unit.callback.kind == "recall"
    assert recall_unit.callback.ticket == recall_unit.ticket
    assert recall_unit.campaign.alert.batch == "B-2026-01"
    assert isinstance(recall_unit.campaign.alert, QualityAlert)
    subscription = WebhookSubscription.objects.get(pk=pks["subscription"])
    assert subscription.secret == SECRET  # still decrypts
    assert [delivery.event for delivery in subscription.deliveries.all()] == ["ticket.created"]
    assert DepartmentMembership.objects.get(user_id=pks["agent"]).department == "production"
    assert KpiThreshold.objects.get(kpi="callback_reach").threshold == Decimal("0.8500")


def assert_content_types_follow(pks: dict) -> None:
    for new in MOVED.values():
        labels = ContentType.objects.filter(model=new._meta.model_name).values_list("app_label", flat=True)
        assert list(labels) == [new._meta.app_label], f"the content types of {new._meta.label}"
    claim_type = ContentType.objects.get(pk=pks["claim_type"])
    assert claim_type.model_class() is WarrantyClaim
    assert Group.objects.get(pk=pks["desk"]).permissions.filter(pk=pks["change_claims"]).exists()
    assert User.objects.get(pk=pks["agent"]).has_perm("warranty.change_warrantyclaim")
    entry = LogEntry.objects.get(pk=pks["entry"])
    assert entry.get_edited_object() == WarrantyClaim.objects.get(pk=pks["claim"])
    assert entry.get_admin_url() == f"/admin/warranty/warrantyclaim/{pks['claim']}/change/"


# The rows the migrations loaded are put back afterwards, as for every test that commits: a plain
# flush would run post_migrate and leave the role groups behind for the next such test to trip on.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_from_before_the_move_upgrades_with_every_row_and_permission_kept():
    migrate(BEFORE + NOT_YET)
    try:
        apps = state_before()
        pks = fill_before_the_move(apps)
        before = rows_before(apps)
        assert all(before.values()), [label for label, found in before.items() if not found]

        migrate(leaf_nodes())
        assert_read_the_same_now(before)
        assert_relations_resolve(pks)
        assert_content_types_follow(pks)

        migrate(BEFORE + NOT_YET)
        assert rows_before(state_before()) == before
        claim_type = ContentType.objects.get(pk=pks["claim_type"])
        assert (claim_type.app_label, claim_type.model) == ("tickets", "warrantyclaim")

        migrate(leaf_nodes())
        assert_read_the_same_now(before)
        assert_relations_resolve(pks)
        assert_content_types_follow(pks)
    finally:
        migrate(leaf_nodes())

"""Quality feedback to the departments: opening, acknowledging and answering items, and the
inbox that reads them (docs/lifecycle.md#no-leak-4-every-result-is-fed-back).

A repair resolved with a quality fault code (an active ``FaultCode`` routed to a department)
opens a ``FeedbackItem`` for that department in the resolving transaction, with the model,
batch, component and root cause copied from the ticket. The department acknowledges it within
7 days — an item still unacknowledged past ``acknowledge_due`` is an omission — and answers
with the cause and the corrective action. Every act leaves a note on the ticket's timeline.

Who works which items: managers and admins follow up every department; a department user
works the departments of their memberships, or every department when they have none (a
central quality office). Services write, selectors read (docs/architecture.md#house-rules).
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import Role, manages_quality, roles_of
from customers.models import Language, ProductUnit
from followups.models import DepartmentMembership, FeedbackItem, FeedbackStatus
from tickets.choices import EventKind, Kind
from tickets.fault_codes import normalise_fault_code
from tickets.models import Department, FaultCode, Ticket
from tickets.services import append_event

# The department acknowledges a feedback item within this time, or it counts as an omission.
ACKNOWLEDGE_WITHIN = dt.timedelta(days=7)
ITEM_RELATED = ("ticket", "model", "acknowledged_by", "answered_by")


class FeedbackConflict(ValidationError):
    """The item moved on since the user loaded it (acknowledged or answered by someone else)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="conflict")


# --- who works which department -----------------------------------------------------------------


def departments_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str] | None:
    """The departments whose feedback ``user`` works; None means every department.

    Cached on the user object for the length of a request, like its roles.
    """
    if manages_quality(user):
        return None
    if Role.DEPARTMENT not in roles_of(user):
        return frozenset()
    cached = getattr(user, "_aftersales_departments", None)
    if cached is None:
        mine = frozenset(DepartmentMembership.objects.filter(user=user).values_list("department", flat=True))
        # A department user without a membership is the central quality office: every department.
        cached = mine or frozenset(Department.values)
        user._aftersales_departments = cached
    return None if cached == frozenset(Department.values) else cached


def may_work_on(user: AbstractBaseUser | AnonymousUser, department: str) -> bool:
    departments = departments_of(user)
    return departments is None or department in departments


def _ensure_may_work_on(item: FeedbackItem, by: AbstractBaseUser) -> None:
    if not may_work_on(by, item.department):
        raise PermissionDenied(_("This feedback is for another department."))


# --- services ---------------------------------------------------------------------------------------


def open_feedback_for_resolution(ticket: Ticket, *, now: dt.datetime) -> FeedbackItem | None:
    """Feed a repair's quality fault back to its department; called when the ticket is resolved,
    in the same transaction (no-leak 4).

    Only a repair whose fault code matches an active fault code routed to a department opens
    an item. Codes are compared in their one spelling (:func:`normalise_fault_code`), exactly
    as the no-feedback omission compares them, so the two always agree. The
    component is the technician's, or the code's when none was given. Idempotent on the
    (ticket, fault code) constraint: resolving the case again with the same code opens nothing
    new; with another quality code it opens a second item. Returns the item, or None.
    """
    typed = normalise_fault_code(ticket.fault_code)
    if ticket.kind != Kind.REPAIR or not typed:
        return None
    code = FaultCode.objects.filter(code=typed, is_active=True).exclude(department="").first()
    if code is None:
        return None
    model_id, batch = None, ""
    if ticket.unit_id is not None:
        model_id, batch = ProductUnit.objects.values_list("model_id", "batch").get(pk=ticket.unit_id)
    item, created = FeedbackItem.objects.get_or_create(
        ticket=ticket,
        fault_code=normalise_fault_code(code.code),
        defaults={
            "department": code.department,
            "component": (ticket.fault_component or "").strip() or code.component,
            "root_cause": (ticket.root_cause or "").strip(),
            "model_id": model_id,
            "batch": batch,
            "created_at": now,
            "acknowledge_due": now + ACKNOWLEDGE_WITHIN,
        },
    )
    if created:
        append_event(
            ticket,
            EventKind.NOTE,
            None,
            message=("feedback.opened", {"code": code.code, "department": code.department}),
            data={"feedback": item.pk, "fault_code": code.code, "department": code.department},
        )
    return item


def _locked(item: FeedbackItem) -> FeedbackItem:
    return FeedbackItem.objects.select_for_update().get(pk=item.pk)


def _acknowledge(item: FeedbackItem, by: AbstractBaseUser, now: dt.datetime) -> list[str]:
    item.status = FeedbackStatus.ACKNOWLEDGED
    item.acknowledged_at, item.acknowledged_by = now, by
    return ["status", "acknowledged_at", "acknowledged_by"]


@transaction.atomic
def feedback_acknowledge(*, item: FeedbackItem, by: AbstractBaseUser, now: dt.datetime | None = None) -> FeedbackItem:
    """The department confirms it has the item (stops the 7-day omission clock).

    Only someone working the item's department, or a manager, may; only an open item can be
    acknowledged — a second acknowledgement (a stale page, a double click) raises a conflict
    and changes nothing. One note on the ticket's timeline.
    """
    now = now or timezone.now()
    item = _locked(item)
    _ensure_may_work_on(item, by)
    if item.status != FeedbackStatus.OPEN:
        raise FeedbackConflict(_("This feedback has already been acknowledged."))
    item.save(update_fields=_acknowledge(item, by, now))
    append_event(
        Ticket(pk=item.ticket_id),
        EventKind.NOTE,
        by,
        message=("feedback.acknowledged", {"code": item.fault_code, "department": item.department}),
        data={"feedback": item.pk, "status": item.status},
    )
    return item


@transaction.atomic
def feedback_answer(
    *,
    item: FeedbackItem,
    by: AbstractBaseUser,
    cause: str,
    corrective_action: str,
    now: dt.datetime | None = None,
) -> FeedbackItem:
    """The department's answer: the cause it found and the corrective action it takes. This
    closes no-leak 4 for the item.

    Both texts are needed (field errors). Answering an item not yet acknowledged acknowledges
    it too. An answered item is final: answering it again raises a conflict and changes
    nothing. Same permission as acknowledging; one note on the ticket's timeline.
    """
    now = now or timezone.now()
    item = _locked(item)
    _ensure_may_work_on(item, by)
    if item.status == FeedbackStatus.ANSWERED:
        raise FeedbackConflict(_("This feedback has already been answered."))
    cause, corrective_action = (cause or "").strip(), (corrective_action or "").strip()
    errors: dict[str, str] = {}
    if not cause:
        errors["cause"] = _("Give the cause the department found.")
    if not corrective_action:
        errors["corrective_action"] = _("Say what the department does to correct it.")
    if errors:
        raise ValidationError(errors)
    fields = _acknowledge(item, by, now) if item.status == FeedbackStatus.OPEN else []
    item.status = FeedbackStatus.ANSWERED
    item.cause, item.corrective_action = cause, corrective_action
    item.answered_at, item.answered_by = now, by
    item.save(update_fields=[*fields, "status", "cause", "corrective_action", "answered_at", "answered_by"])
    append_event(
        Ticket(pk=item.ticket_id),
        EventKind.NOTE,
        by,
        message=(
            "feedback.answered",
            {"code": item.fault_code, "department": item.department, "cause": cause, "action": corrective_action},
        ),
        data={"feedback": item.pk, "status": item.status},
    )
    return item


# --- selectors --------------------------------------------------------------------------------------


def overdue_q(now: dt.datetime) -> Q:
    """Items the department has not acknowledged within the 7 days: an omission of no-leak 4."""
    return Q(status=FeedbackStatus.OPEN, acknowledge_due__lt=now)


def feedback_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[FeedbackItem]:
    """The items of the departments the user works (every item for managers and admins)."""
    departments = departments_of(user)
    if departments is None:
        return FeedbackItem.objects.all()
    return FeedbackItem.objects.filter(department__in=sorted(departments))


def feedback_inbox(
    user: AbstractBaseUser,
    *,
    now: dt.datetime,
    status: str = "",
    department: str = "",
    model_id: int | None = None,
    batch: str = "",
    component: str = "",
    overdue: bool = False,
) -> QuerySet[FeedbackItem]:
    """The user's inbox, newest first, filtered; each row with its ticket and model joined and
    ``is_overdue`` set. Empty filters mean "any"; ``component`` matches without regard to case."""
    items = feedback_visible_to(user)
    if status:
        items = items.filter(status=status)
    if department:
        items = items.filter(department=department)
    if model_id is not None:
        items = items.filter(model_id=model_id)
    if batch:
        items = items.filter(batch=batch)
    if component:
        items = items.filter(component__iexact=component)
    if overdue:
        items = items.filter(overdue_q(now))
    return (
        items.select_related(*ITEM_RELATED)
        .annotate(is_overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField()))
        .order_by("-created_at", "-id")
    )


def feedback_item_for(user: AbstractBaseUser, pk: int, *, now: dt.datetime) -> FeedbackItem:
    """One item of the user's departments, with its ticket, unit and model; Http404 otherwise."""
    try:
        return (
            feedback_visible_to(user)
            .select_related(*ITEM_RELATED, "ticket__unit__model", "ticket__fault_category")
            .annotate(is_overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField()))
            .get(pk=pk)
        )
    except FeedbackItem.DoesNotExist as exc:
        raise Http404(pk) from exc


def feedback_groups(items: QuerySet[FeedbackItem], *, now: dt.datetime) -> QuerySet:
    """The items grouped by model, component and batch, counted in SQL: ``items``, ``open_items``
    (not yet acknowledged), ``overdue_items``, ``unanswered`` and the ``oldest`` item's date.
    The groups with the most overdue, then most open items come first."""
    return (
        items.order_by()
        .values("model", "model__code", "model__name", "model__name_zh", "component", "batch")
        .annotate(
            items=Count("pk"),
            open_items=Count("pk", filter=Q(status=FeedbackStatus.OPEN)),
            overdue_items=Count("pk", filter=overdue_q(now)),
            unanswered=Count("pk", filter=~Q(status=FeedbackStatus.ANSWERED)),
            oldest=Min("created_at"),
        )
        .order_by("-overdue_items", "-open_items", "-items", "model__code", "component", "batch")
    )


@dataclass(frozen=True)
class FeedbackGroup:
    """One row of the grouped inbox, with the model's name in the user's language."""

    model_id: int | None
    model_code: str
    model_name: str
    component: str
    batch: str
    items: int
    open_items: int
    overdue_items: int
    unanswered: int
    oldest: dt.datetime

    @property
    def filter_query(self) -> str:
        """The inbox query string that lists this group's items."""
        params = {"model": self.model_id or "", "component": self.component, "batch": self.batch}
        return urlencode({key: value for key, value in params.items() if value})


def as_groups(rows) -> list[FeedbackGroup]:
    chinese = Language.active() == Language.CHINESE
    return [
        FeedbackGroup(
            model_id=row["model"],
            model_code=row["model__code"] or "",
            model_name=(row["model__name_zh"] if chinese and row["model__name_zh"] else row["model__name"]) or "",
            component=row["component"],
            batch=row["batch"],
            items=row["items"],
            open_items=row["open_items"],
            overdue_items=row["overdue_items"],
            unanswered=row["unanswered"],
            oldest=row["oldest"],
        )
        for row in rows
    ]

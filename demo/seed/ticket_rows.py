"""The row of one seeded ticket (TICKETS' columns): its kind, fault and description, the
lifecycle stamps its status has been through at realistic waits, SLA deadlines from
tickets.sla.clocks, who works it, and what the technician found; or a merged duplicate
pointing at the ticket it was merged into."""

import datetime as dt
from decimal import Decimal

from customers.models import Language
from demo.data.texts import DESCRIPTIONS, RESOLUTIONS, WORK
from demo.seed.feedback import feedback_item
from demo.seed.reference import ReferenceData
from demo.seed.run import SeedRun
from demo.seed.tables import Table
from demo.seed.units import UnitRow
from tickets.choices import SERVICE_KINDS, Channel, FaultGroup, Kind, Status
from tickets.models import FaultCategory, Ticket
from tickets.sla import clocks as sla

# The lifecycle steps a status has been through, in order (service kinds; desk kinds skip the visit).
STAMPS_FOR = {
    Status.NEW: (),
    Status.ACKNOWLEDGED: ("acknowledged_at",),
    Status.DISPATCHED: ("acknowledged_at", "dispatched_at"),
    Status.IN_PROGRESS: ("acknowledged_at", "dispatched_at", "started_at"),
    Status.RESOLVED: ("acknowledged_at", "dispatched_at", "started_at", "resolved_at"),
    Status.VERIFIED: ("acknowledged_at", "dispatched_at", "started_at", "resolved_at", "verified_at"),
    Status.CLOSED: ("acknowledged_at", "dispatched_at", "started_at", "resolved_at", "verified_at", "closed_at"),
    Status.REOPENED: ("acknowledged_at", "dispatched_at", "started_at", "resolved_at"),
}
# Minutes before each step (low, high), at normal priority.
STEP_MINUTES = {
    "acknowledged_at": (2, 120),
    "dispatched_at": (10, 360),
    "started_at": (120, 1800),
    "resolved_at": (30, 240),
    "verified_at": (360, 4320),
    "closed_at": (60, 2880),
}
ON_SITE_STAMPS = ("dispatched_at", "started_at")
NEEDS_UNIT = (Kind.INSTALLATION, Kind.MAINTENANCE, Kind.REPAIR)
ZERO = Decimal("0.00")
# The columns each row is built with, in order; the writers give the rest their defaults.
TICKETS = Table(
    Ticket,
    (
        "id",
        "reference",
        "kind",
        "channel",
        "customer_id",
        "unit_id",
        "fault_category_id",
        "description",
        "priority",
        "status",
        "station_id",
        "assignee_id",
        "created_by_id",
        "suspected_duplicate_of_id",
        "merged_into_id",
        "response_due",
        "dispatch_due",
        "arrival_due",
        "completion_due",
        "next_due",
        "held_from",
        "on_hold_since",
        "created_at",
        "updated_at",
        "acknowledged_at",
        "dispatched_at",
        "started_at",
        "resolved_at",
        "verified_at",
        "closed_at",
        "cancelled_at",
        "reopened_count",
        "visits",
        "fault_code",
        "fault_component",
        "root_cause",
        "work_done",
        "parts_used",
        "charge",
        "version",
    ),
)


class TicketRows:
    """Builds ticket rows for one seed run; each resolved repair with a quality fault code adds
    its feedback item (demo/seed/feedback.py) to the list it is given."""

    def __init__(self, run: SeedRun, ref: ReferenceData) -> None:
        self.run, self.ref = run, ref
        self._stamp_plans: dict[tuple[str, str, bool], tuple[tuple[str, ...], tuple]] = {}

    def _fault(self, kind: str, unit: UnitRow | None) -> FaultCategory | None:
        by_code = self.ref.faults_by_code
        if kind == Kind.INSTALLATION:
            return by_code.get("installation_request")
        if kind == Kind.MAINTENANCE:
            return by_code.get("maintenance_request")
        if kind == Kind.CONSULTATION:
            return by_code.get("usage_question")
        if kind == Kind.COMPLAINT and self.run.random() < 0.75:
            group = self.ref.faults_by_group.get(FaultGroup.SERVICE)
            return self.run.pick(group) if group else None
        faults = self.ref.faults_for_category.get(unit.category if unit else "")
        if faults:
            return self.run.pick(faults)
        group = self.ref.faults_by_group.get(FaultGroup.PRODUCT)
        return self.run.pick(group) if group else None

    def _stamp_plan(self, status: str, stamps_for: str, on_site: bool) -> tuple[tuple[str, ...], tuple]:
        """The lifecycle stamps a ticket in ``status`` carries, in order, with each one's wait."""
        key = (status, stamps_for, on_site)
        plan = self._stamp_plans.get(key)
        if plan is None:
            names = [n for n in STAMPS_FOR[stamps_for] if on_site or n not in ON_SITE_STAMPS]
            if status == Status.CANCELLED:
                names.append("cancelled_at")
            if status == Status.ON_HOLD:
                names.append("on_hold_since")
            plan = self._stamp_plans[key] = (tuple(names), tuple(STEP_MINUTES.get(n, (20, 600)) for n in names))
        return plan

    def ticket(
        self,
        *,
        pk: int,
        reference: str,
        created: dt.datetime,
        status: str,
        kind: str,
        channel: str,
        priority: str,
        unit: UnitRow | None,
        customer_id: int,
        feedback: list[tuple],
    ) -> tuple:
        """A ticket's row (TICKETS' columns), with its feedback item added to ``feedback``."""
        random, uniform, pick = self.run.random, self.run.uniform, self.run.pick
        if kind in NEEDS_UNIT and unit is None:
            kind = Kind.CONSULTATION
        fault = self._fault(kind, unit)
        region, language = self.run.customer_info.get(customer_id, ("", Language.CHINESE))
        deadlines = sla.deadlines_for(sla.default_target(kind, priority), created, self.run.calendar)
        description = self._description(fault, unit, language)
        created_by_id = pick(self.ref.agent_ids) if self.ref.agent_ids and channel != Channel.WEB else None
        on_site = kind in SERVICE_KINDS
        held_from = ""
        stamps_for = status
        if status == Status.ON_HOLD:
            held_from = pick(
                (Status.ACKNOWLEDGED, Status.DISPATCHED, Status.IN_PROGRESS) if on_site else (Status.ACKNOWLEDGED,)
            )
            stamps_for = held_from
        elif status == Status.CANCELLED:
            stamps_for = pick(
                (Status.NEW, Status.ACKNOWLEDGED, Status.DISPATCHED) if on_site else (Status.NEW, Status.ACKNOWLEDGED)
            )
        names, waits = self._stamp_plan(status, stamps_for, on_site)
        # Later steps wait longer; low priority waits twice as long, urgent a quarter.
        factor = sla.PRIORITY_FACTOR[priority]
        gaps = [uniform(low, high) * factor for low, high in waits]
        if status == Status.REOPENED:
            gaps.append(uniform(1440, 7200))
        total = sum(gaps)
        room = (self.run.now - created).total_seconds() / 60 - 1
        if total > room:
            gaps = [gap * room * uniform(0.5, 0.95) / total for gap in gaps]
        stamps = {}
        moment = created
        for name, gap in zip(names, gaps, strict=False):
            moment += dt.timedelta(minutes=gap)
            stamps[name] = moment
        reopened = 0
        if status == Status.REOPENED:
            moment += dt.timedelta(minutes=gaps[-1])
            reopened = 1
        elif status == Status.CLOSED and random() < 0.05:
            reopened = 1
        version = 1 + len(names)
        assignee_id = station_id = None
        if "dispatched_at" in stamps or (status == Status.ON_HOLD and held_from != Status.ACKNOWLEDGED):
            assignee_id = pick(self.ref.technician_ids)
            stations = self.ref.stations_by_region.get(region) or self.ref.station_ids
            station_id = pick(stations) if stations else None
            version += 1
        resolved_at = stamps.get("resolved_at")
        fault_code = component = root_cause = work_done = parts_used = ""
        charge = ZERO
        if resolved_at is not None:
            fault_code, component, root_cause, work_done, parts_used, charge = self._resolve(
                kind, fault, unit, language, resolved_at
            )
            version += 2
            department = self.ref.quality_codes.get(fault_code)
            if kind == Kind.REPAIR and department is not None:
                feedback.append(
                    feedback_item(
                        self.run,
                        self.ref,
                        pk,
                        department,
                        fault_code,
                        component,
                        root_cause,
                        unit,
                        resolved_at,
                        language,
                    )
                )
        started_at = stamps.get("started_at")
        # Every ticket a technician started has had a visit; one in ten a second one.
        visits = (2 if pk % 10 == 0 else 1) if started_at is not None else 0
        return (
            pk,
            reference,
            kind,
            channel,
            customer_id,
            unit.pk if unit else None,
            fault.pk if fault else None,
            description,
            priority,
            status,
            station_id,
            assignee_id,
            created_by_id,
            None,  # suspected_duplicate_of_id
            None,  # merged_into_id
            deadlines.response,
            deadlines.dispatch,
            deadlines.arrival,
            deadlines.completion,
            sla.stage_deadline(status, deadlines),
            held_from,
            stamps.get("on_hold_since"),
            created,
            moment,
            stamps.get("acknowledged_at"),
            stamps.get("dispatched_at"),
            started_at,
            resolved_at,
            stamps.get("verified_at"),
            stamps.get("closed_at"),
            stamps.get("cancelled_at"),
            reopened,
            visits,
            fault_code,
            component,
            root_cause,
            work_done,
            parts_used,
            charge,
            version,
        )

    def duplicate(self, pk: int, reference: str, original: tuple, created: dt.datetime, channel: str) -> tuple:
        """The same problem reported again, merged into the ticket already open for it."""
        merged_at = min(created + dt.timedelta(minutes=self.run.uniform(5, 60)), self.run.now)
        row = dict(zip(TICKETS.columns, original, strict=True))
        kept = ("kind", "customer_id", "unit_id", "fault_category_id", "description", "priority", "created_by_id")
        kept += ("response_due", "dispatch_due", "arrival_due", "completion_due")
        fresh = {
            **dict.fromkeys(TICKETS.columns),
            **{name: row[name] for name in kept},
            **{name: "" for name in ("held_from", "fault_code", "fault_component", "root_cause", "work_done")},
            "parts_used": "",
            "id": pk,
            "reference": reference,
            "channel": channel,
            "status": Status.MERGED,
            "suspected_duplicate_of_id": row["id"],
            "merged_into_id": row["id"],
            "created_at": created,
            "updated_at": merged_at,
            "reopened_count": 0,
            "visits": 0,
            "charge": ZERO,
            "version": 2,
        }
        return tuple(fresh[name] for name in TICKETS.columns)

    def _description(self, fault: FaultCategory | None, unit: UnitRow | None, language: str) -> str:
        texts = DESCRIPTIONS.get(fault.code) if fault else None
        if not texts:
            return "客户来电咨询。" if language != Language.ENGLISH else "Customer called with a question."
        english, chinese = self.run.pick(texts)
        if language == Language.ENGLISH:
            return english.format(product="product")
        return chinese.format(product=unit.model_name if unit else "产品")

    def _resolve(
        self, kind: str, fault: FaultCategory | None, unit: UnitRow | None, language: str, resolved_at: dt.datetime
    ) -> tuple[str, str, str, str, str, Decimal]:
        """What the technician found and did: (fault code, component, root cause, work done, parts, charge)."""
        pick = 0 if language == Language.ENGLISH else 1
        options = RESOLUTIONS.get(fault.code) if fault else None
        if kind == Kind.REPAIR or (options and fault.group == FaultGroup.PRODUCT):
            code, component, cause, work, parts, fee = self.run.pick(options or RESOLUTIONS["no_power"])
            in_warranty = unit is not None and unit.warranty_end is not None and unit.warranty_end >= resolved_at.date()
            return code, component, cause[pick], work[pick], parts[pick], Decimal(0 if in_warranty else fee)
        key = fault.code if kind == Kind.COMPLAINT and fault and fault.code in WORK else kind
        work_done = self.run.pick(WORK.get(key) or WORK["consultation"])[pick]
        return "", "", "", work_done, "", ZERO

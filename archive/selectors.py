"""Reads for a unit's history page (docs/archive.md): which unit a reader may open, and
everything that happened to it as one chronological timeline with summary cards.

:func:`unit_history` reads a fixed number of queries whatever the history's length: one per
kind of row, with its joins done, then builds the entries in memory (archive/entries.py).

Who sees what:

- At the desk, rows that belong to a provider's work (tickets, claims, parts, visits,
  callbacks, ratings, surveys) are read through their scoped managers: a provider's staff see
  their provider's work on the unit, headquarters everything (aftersales/scoping.py). The
  unit's own rows (its dates, odometer readings, recalls) and its contracts, which decide what
  a job on it costs whoever sold them (contracts/entitlement.py), are read for the unit, once
  the unit itself was found in the reader's scope.
- For the customer, only the rows of the unit's owner: a request made on the unit by anyone
  else (a former owner) is not theirs to read.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from archive import entries, entries_aftercare, entries_service
from archive.entries import Entry
from contracts.choices import ContractStatus
from contracts.models import ContractVisit, OdometerReading, ServiceContract
from customers.models import Customer, ProductUnit
from fieldwork.models import Visit
from followups.choices import CallbackStatus
from followups.csi_models import SurveyResponse
from followups.models import CallbackVisit, SatisfactionRating
from parts.models import PartUsage
from quality.models import RecallUnit
from tickets.choices import OPEN_STATUSES
from tickets.models import Ticket
from warranty.models import WarrantyClaim

# A serial search lists at most this many units.
SEARCH_LIMIT = 50

UNIT_RELATED = (
    "owner",
    "model",
    "model__category",
    "replaced_by",
    "replacement_claim",
    "replacement_claim__unit",
)


# --- which unit ----------------------------------------------------------------------------------


def unit_for_desk(pk: int) -> ProductUnit | None:
    """The unit if the signed-in staff may see it: any unit for headquarters, for a provider's
    staff one their provider served (a ticket of theirs on it); None otherwise, exactly as for
    a unit that does not exist."""
    return ProductUnit.objects.select_related(*UNIT_RELATED).filter(pk=pk).first()


def unit_for_customer(customer: Customer, pk: int) -> ProductUnit | None:
    """The customer's own unit; None for another customer's unit as for a missing one."""
    return ProductUnit._base_manager.select_related(*UNIT_RELATED).filter(pk=pk, owner=customer).first()


def units_by_serial(serial: str) -> QuerySet[ProductUnit]:
    """The units in the reader's scope whose serial is ``serial`` (any case) or, for three
    characters or more, starts with it."""
    serial = serial.strip()
    if not serial:
        return ProductUnit.objects.none()
    condition = Q(serial__iexact=serial)
    if len(serial) >= 3:
        condition |= Q(serial__istartswith=serial)
    return (
        ProductUnit.objects.filter(condition).select_related("owner", "model").order_by("serial", "id")[:SEARCH_LIMIT]
    )


# --- the history ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """The cards above the timeline: counts and what holds now."""

    tickets: int
    open_tickets: int
    claims: int
    parts_fitted: int
    recalls: int
    contracts_in_force: tuple[ServiceContract, ...]
    latest_km: int | None
    latest_km_on: dt.date | None
    plan_visits_used: int

    @property
    def latest_km_text(self) -> str:
        return f"{self.latest_km:,}" if self.latest_km is not None else ""


@dataclass(frozen=True)
class UnitHistory:
    unit: ProductUnit
    entries: list[Entry]
    summary: Summary
    for_customer: bool = False


def _rows(manager, unit: ProductUnit, *, owner_path: str | None, unit_path: str, for_customer: bool):
    """The unit's rows of one kind: through the scoped manager at the desk, the owner's rows
    for the customer."""
    queryset = (manager._base_manager if for_customer else manager.objects).filter(**{unit_path: unit})
    if for_customer and owner_path:
        queryset = queryset.filter(**{owner_path: unit.owner_id})
    return queryset


def unit_history(
    unit: ProductUnit, *, for_customer: bool, history_url: Callable[[ProductUnit], str] | None = None
) -> UnitHistory:
    """Everything that happened to ``unit``, oldest first, for the desk or (``for_customer``) the
    owner's portal account. ``unit`` must come from :func:`unit_for_desk` or
    :func:`unit_for_customer`. ``history_url(other)`` links the units of a replacement chain."""
    today = timezone.localdate()
    rows = {
        "tickets": list(
            _rows(Ticket, unit, owner_path="customer", unit_path="unit", for_customer=for_customer)
            .select_related("fault_category", "station", "assignee")
            .order_by("created_at", "id")
        ),
        "claims": list(
            _rows(WarrantyClaim, unit, owner_path="ticket__customer", unit_path="unit", for_customer=for_customer)
            .select_related("ticket", "replacement_unit", "decided_by", "executed_by")
            .order_by("decided_at", "id")
        ),
        "parts": list(
            _rows(PartUsage, unit, owner_path="ticket__customer", unit_path="ticket__unit", for_customer=for_customer)
            .select_related("part", "ticket")
            .order_by("created_at", "id")
        ),
        "visits": list(
            _rows(Visit, unit, owner_path="ticket__customer", unit_path="ticket__unit", for_customer=for_customer)
            .select_related("ticket", "technician", "job")
            .order_by("start", "id")
        ),
        # The unit's contracts whoever sold them (see the module's docstring).
        "contracts": list(
            _contracts(unit, for_customer=for_customer).select_related("sold_by").order_by("created_at", "id")
        ),
        "plan_visits": list(
            ContractVisit._base_manager.filter(contract__in=_contracts(unit, for_customer=for_customer))
            .select_related("contract", "ticket")
            .order_by("done_on", "number", "id")
        ),
        "odometer": list(
            OdometerReading._base_manager.filter(unit=unit)
            .select_related("ticket", "recorded_by")
            .order_by("read_on", "id")
        ),
        "recalls": list(RecallUnit._base_manager.filter(unit=unit).select_related("campaign", "ticket").order_by("id")),
        "callbacks": list(_callbacks(unit, for_customer=for_customer)),
        "ratings": list(
            _rows(
                SatisfactionRating,
                unit,
                owner_path="ticket__customer",
                unit_path="ticket__unit",
                for_customer=for_customer,
            )
            .select_related("ticket")
            .order_by("created_at", "id")
        ),
        "surveys": list(
            _rows(
                SurveyResponse,
                unit,
                owner_path="ticket__customer",
                unit_path="ticket__unit",
                for_customer=for_customer,
            )
            .select_related("program", "ticket")
            .order_by("created_at", "id")
        ),
    }
    timeline = _entries(unit, rows, for_customer=for_customer, history_url=history_url or (lambda other: ""))
    return UnitHistory(unit=unit, entries=timeline, summary=_summary(rows, today=today), for_customer=for_customer)


def _contracts(unit: ProductUnit, *, for_customer: bool) -> QuerySet[ServiceContract]:
    contracts = ServiceContract._base_manager.filter(unit=unit)
    return contracts.filter(customer=unit.owner_id) if for_customer else contracts


def _callbacks(unit: ProductUnit, *, for_customer: bool) -> QuerySet[CallbackVisit]:
    """Calls about the unit, or about one of its tickets; the customer sees the calls made to
    them (done), not the ones still planned."""
    about_unit = Q(unit=unit) | Q(ticket__unit=unit)
    if for_customer:
        queryset = CallbackVisit._base_manager.filter(about_unit, customer=unit.owner_id, status=CallbackStatus.DONE)
    else:
        queryset = CallbackVisit.objects.filter(about_unit)
    return queryset.select_related("ticket", "assigned_to").order_by("due_at", "id")


def _entries(unit: ProductUnit, rows: dict, *, for_customer: bool, history_url) -> list[Entry]:
    who = {"for_customer": for_customer}
    visible_tickets = {ticket.pk for ticket in rows["tickets"]}
    made: list[Entry] = [*entries.purchase_entries(unit), *entries.replacement_entries(unit, history_url=history_url)]
    made += [entries_service.ticket_entry(ticket, **who) for ticket in rows["tickets"]]
    made += [entry for claim in rows["claims"] for entry in entries_service.claim_entries(claim, **who)]
    made += [entries_service.part_entry(usage, **who) for usage in rows["parts"]]
    made += [entries_service.visit_entry(visit, **who) for visit in rows["visits"]]
    made += [entries_aftercare.contract_entry(contract, **who) for contract in rows["contracts"]]
    made += [entries_aftercare.plan_visit_entry(visit, **who) for visit in rows["plan_visits"]]
    made += [entries_aftercare.odometer_entry(reading, **who) for reading in rows["odometer"]]
    made += [
        entries_aftercare.recall_entry(recalled, ticket_visible=recalled.ticket_id in visible_tickets, **who)
        for recalled in rows["recalls"]
    ]
    made += [entries_aftercare.callback_entry(callback, **who) for callback in rows["callbacks"]]
    made += [entries_aftercare.rating_entry(rating, **who) for rating in rows["ratings"]]
    made += [entries_aftercare.survey_entry(response, **who) for response in rows["surveys"]]
    numbered = [dataclasses.replace(entry, sequence=position) for position, entry in enumerate(made)]
    return sorted(numbered, key=lambda entry: entry.sort_key)


def _summary(rows: dict, *, today: dt.date) -> Summary:
    in_force = tuple(
        contract
        for contract in rows["contracts"]
        if contract.status == ContractStatus.ACTIVE and contract.starts_on <= today <= contract.ends_on
    )
    latest = max(rows["odometer"], key=lambda reading: (reading.read_on, reading.km), default=None)
    return Summary(
        tickets=len(rows["tickets"]),
        open_tickets=sum(1 for ticket in rows["tickets"] if ticket.status in OPEN_STATUSES),
        claims=len(rows["claims"]),
        parts_fitted=sum(usage.quantity for usage in rows["parts"]),
        recalls=len(rows["recalls"]),
        contracts_in_force=in_force,
        latest_km=latest.km if latest else None,
        latest_km_on=latest.read_on if latest else None,
        plan_visits_used=len(rows["plan_visits"]),
    )


def desk_history_url(unit: ProductUnit) -> str:
    return reverse("archive:unit", args=[unit.pk])

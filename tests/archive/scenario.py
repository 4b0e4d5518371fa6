"""A unit with a rich history, each step at its own moment (business time, Asia/Shanghai):

purchase 2026-01-10, delivery 01-12, installation 01-13, registration 01-14 09:00; a maintenance
plan sold 01-20 10:00 (contracts.services); a maintenance ticket 02-01 10:00; a plan visit done
02-02; the odometer read 02-02; a part under warranty 02-02 11:00; a repair ticket 03-01 10:00;
its claim decided 03-01 14:00; a second part 03-02 11:00 (paid); the technician's visit 03-03
09:00; the replacement handed over 03-05 and the claim's remedy carried out 03-05 10:00; the
after-service callback 03-06 10:00 and its rating 03-06 10:05; a survey 03-06 10:10; a recall
04-01 09:00.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from contracts.services import contract_sell, odometer_record, plan_visit_record
from customers.models import UnitStatus
from tests import factories
from tests.archive import factories_archive as more
from tickets.choices import Kind, Status

TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@dataclass
class Rich:
    unit: object
    owner: object
    tickets: list
    claim: object
    contract: object
    replacement: object
    technician: object
    provider: object
    station: object


def rich_history(*, owner=None, provider=None, extra_tickets: int = 0) -> Rich:
    """The unit described in the module's docstring; ``extra_tickets`` more repair tickets (with
    a part, a visit and a rating each) on 2026-03-10 onwards."""
    provider = provider or factories.ServiceProviderFactory(code="haier-qd", name="Haier Qingdao service")
    station = factories.ServiceStationFactory(code="qd-1", name="Qingdao station 1", provider=provider)
    owner = owner or factories.CustomerFactory(name="Li Na", phone="+8613900000001")
    technician = factories.UserFactory(username="tech-wei", first_name="Wei", last_name="Zhang")
    agent = factories.UserFactory(username="agent-fang", first_name="Fang", last_name="Liu")
    model = factories.ProductModelFactory(code="XQG100")
    with time_machine.travel(at(1, 14, 9), tick=False):
        unit = factories.ProductUnitFactory(
            owner=owner,
            model=model,
            serial="SN-ARCHIVE-1",
            invoice_date=dt.date(2026, 1, 10),
            delivery_date=dt.date(2026, 1, 12),
            installation_date=dt.date(2026, 1, 13),
            dealer="Suning Qingdao",
            price=Decimal("3999.00"),
        )
    product = more.ContractProductFactory(code="care-12", category=model.category)
    with time_machine.travel(at(1, 20, 10), tick=False):
        contract = contract_sell(
            product=product,
            unit=unit,
            customer=owner,
            channel="desk",
            payment_reference="PAY-7788",
            by=agent,
            provider=provider,
            station=station,
        )
    ticket_fields = {"customer": owner, "unit": unit, "provider": provider, "station": station, "assignee": technician}
    with time_machine.travel(at(2, 1, 10), tick=False):
        first = factories.TicketFactory(
            reference="AS-2026-000101",
            kind=Kind.MAINTENANCE,
            status=Status.CLOSED,
            description="Yearly care.",
            **ticket_fields,
        )
    with time_machine.travel(at(2, 2, 16), tick=False):
        plan_visit_record(contract=contract, done_on=dt.date(2026, 2, 2), by=technician, ticket=first)
        odometer_record(unit=unit, km=12345, read_on=dt.date(2026, 2, 2), by=technician, ticket=first)
    with time_machine.travel(at(2, 2, 11), tick=False):
        more.PartUsageFactory(
            ticket=first,
            station=station,
            by=technician,
            under_warranty=True,
            part=more.PartFactory(number="WM-FLT-01", name="Drain filter", standard_cost=Decimal("12.50")),
            unit_cost=Decimal("12.50"),
            unit_price=Decimal("30.00"),
        )
    with time_machine.travel(at(3, 1, 10), tick=False):
        second = factories.TicketFactory(
            reference="AS-2026-000202",
            kind=Kind.REPAIR,
            status=Status.CLOSED,
            description="Drum does not spin.",
            fault_code="QF-MOTOR",
            root_cause="Bearing seized: water ingress.",
            **ticket_fields,
        )
    with time_machine.travel(at(3, 1, 14), tick=False):
        claim = factories.WarrantyClaimFactory(
            ticket=second,
            unit=unit,
            rule="general.replace_in_15_days",
            remedies=["replace", "repair_free"],
            decided_by=agent,
        )
    with time_machine.travel(at(3, 2, 11), tick=False):
        more.PartUsageFactory(
            ticket=second,
            station=station,
            by=technician,
            under_warranty=False,
            quantity=2,
            part=more.PartFactory(number="WM-BRG-02", name="Drum bearing", standard_cost=Decimal("41.00")),
            unit_cost=Decimal("41.00"),
            unit_price=Decimal("85.00"),
        )
    more.FieldVisitFactory(ticket=second, technician=technician, station=station, start=at(3, 3, 9))
    with time_machine.travel(at(3, 5, 10), tick=False):
        replacement = factories.ProductUnitFactory(
            owner=owner,
            model=model,
            serial="SN-ARCHIVE-2",
            replacement_date=dt.date(2026, 3, 5),
            invoice_date=dt.date(2026, 1, 10),
        )
        claim.status = "executed"
        claim.chosen_remedy = "replace"
        claim.chosen_at = at(3, 2, 9)
        claim.executed_at = at(3, 5, 10)
        claim.executed_by = agent
        claim.replacement_unit = replacement
        claim.save()
        unit.status = UnitStatus.REPLACED
        unit.replaced_by = replacement
        unit.save()
    with time_machine.travel(at(3, 6, 10), tick=False):
        callback = factories.CallbackVisitFactory(
            ticket=second,
            customer=owner,
            unit=unit,
            due_at=at(3, 5, 10),
            status="done",
            completed_at=at(3, 6, 10),
            score_overall=5,
            score_quality=4,
            assigned_to=agent,
            comment="Asked about the price of the plan.",
        )
    with time_machine.travel(at(3, 6, 10, 5), tick=False):
        more.SatisfactionRatingFactory(ticket=second, score=5, comment="Quick and tidy.")
    with time_machine.travel(at(3, 6, 10, 10), tick=False):
        from followups.csi_models import SurveyResponse

        SurveyResponse.objects.create(
            program=more.SurveyProgramFactory(code="after-repair", name="After repair"),
            visit=callback,
            ticket=second,
            channel="phone",
            csi=Decimal("92.50"),
            answered_by=agent,
        )
    tickets = [first, second]
    for number in range(extra_tickets):
        with time_machine.travel(at(3, 10) + dt.timedelta(hours=number), tick=False):
            ticket = factories.TicketFactory(status=Status.CLOSED, **ticket_fields)
            more.PartUsageFactory(ticket=ticket, station=station, by=technician)
            more.FieldVisitFactory(ticket=ticket, technician=technician, station=station)
            more.SatisfactionRatingFactory(ticket=ticket)
            tickets.append(ticket)
    with time_machine.travel(at(4, 1, 9), tick=False):
        recall_ticket = factories.TicketFactory(reference="AS-2026-000303", status=Status.NEW, **ticket_fields)
        more.RecallUnitFactory(
            campaign=more.RecallCampaignFactory(title="Door lock recall", model=model, started_by=agent),
            ticket=recall_ticket,
            unit=unit,
        )
    tickets.append(recall_ticket)
    return Rich(unit, owner, tickets, claim, contract, replacement, technician, provider, station)

"""The demo's revenue side: the contracts on sale and those sold (at the desk, on the portal, on a
warranty-expiry call, a car's maintenance plan with a visit done), the lead rules and the leads
they found (one contacted, one won, one lost), a customer who opted out of offers, and the repair
survey whose answers make the CSI.

The catalogue comes first (:func:`add_sales_catalogue`), before the tickets run: a resolved repair
finds its leads as it is resolved, and the after-service calls of repairs follow the survey's
script. Everything else goes through the services once the tickets have run (:func:`sell_and_work_leads`).
Contracts sold "earlier" are moved back whole months afterwards, dates and payment together, so
the revenue page shows months; nothing else is changed by hand.
"""

import datetime as dt
from decimal import Decimal

from contracts.choices import ContractKind, SaleChannel
from contracts.models import ContractProduct, ServiceContract
from contracts.services import contract_sell, plan_visit_record
from customers.models import OffersConsent, ProductModel, ProductUnit, UnitStatus
from customers.warranty_periods import add_months
from demo.data.sales import CONSUMABLES, CONTRACT_PRODUCTS, DESIGN_LIFE_MONTHS, LEAD_RULES, REPAIR_SURVEY
from demo.scenario.setting import DemoWorld
from followups.choices import CallbackKind, CallbackStatus, OfferOutcome
from followups.models import CallbackVisit, SurveyProgram, SurveyQuestion
from followups.offers import callback_offer_record
from followups.reminders import schedule_warranty_expiry_callbacks
from sales.choices import LeadStatus
from sales.finding import sweep
from sales.leads import lead_contact, lead_lose, lead_win, offers_consent_record
from sales.models import Consumable, Lead, LeadRule

# (product code, how many months ago it was sold) for the desk's and the portal's sales.
DESK_SALES = (("ew-washer-24", 2), ("ew-fridge-36", 1), ("ew-ac-parts-24", 0), ("mp-ac-12", 1), ("ew-fridge-36", 0))
PORTAL_SALES = (("ew-washer-24", 0),)


def add_sales_catalogue(world: DemoWorld) -> None:
    """Design lives and replacement prices of the models, the contracts on sale, the lead rules
    and consumables, and the repair survey. Safe to run twice (everything is found by its code)."""
    for category, months in DESIGN_LIFE_MONTHS.items():
        for model, list_price in world.models.get(category, []):
            ProductModel.objects.filter(pk=model.pk).update(
                design_life_months=months, replacement_price=Decimal(list_price)
            )
    for row in CONTRACT_PRODUCTS:
        code, kind, category, name, name_zh, months, km, price, cover, visits, every, every_km, excl, excl_zh = row
        ContractProduct.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind,
                "category": world.categories[category],
                "name": name,
                "name_zh": name_zh,
                "term_months": months,
                "term_km": km,
                "price": price,
                "coverage": cover,
                "included_visits": visits,
                "visit_interval_months": every,
                "visit_interval_km": every_km,
                "exclusions": excl,
                "exclusions_zh": excl_zh,
            },
        )
    for code, trigger, kind, name, name_zh, share, repairs, within in LEAD_RULES:
        LeadRule.objects.update_or_create(
            code=code,
            defaults={
                "trigger": trigger,
                "lead_kind": kind,
                "name": name,
                "name_zh": name_zh,
                "cost_share_percent": share,
                "repairs_count": repairs,
                "within_days": within,
                "owner": world.users["sales"],
            },
        )
    for code, model_code, name, name_zh, part_number, months, km, price in CONSUMABLES:
        Consumable.objects.update_or_create(
            code=code,
            defaults={
                "model": ProductModel.objects.get(code=model_code),
                "name": name,
                "name_zh": name_zh,
                "part_number": part_number,
                "every_months": months,
                "every_km": km,
                "price": price,
            },
        )
    _repair_survey()


def _repair_survey() -> None:
    program, created = SurveyProgram.objects.update_or_create(
        code=REPAIR_SURVEY["code"],
        defaults={key: REPAIR_SURVEY[key] for key in ("name", "name_zh", "ticket_kinds", "channels", "priority")},
    )
    if not created:
        return
    for order, (point, kind, text, text_zh, weight, options) in enumerate(REPAIR_SURVEY["questions"], start=1):
        SurveyQuestion.objects.create(
            program=program,
            order=order,
            contact_point=point,
            kind=kind,
            text=text,
            text_zh=text_zh,
            weight=Decimal(weight),
            options=options,
            required=kind != "text",
        )


def sell_and_work_leads(world: DemoWorld) -> str:
    """The sales of the demo and the leads worked; returns the line the demo prints."""
    sold = _desk_and_portal_sales(world) + _car_plan(world)
    offers = _expiry_calls(world)
    found = sweep(world.today)
    worked = _work_leads(world)
    return (
        f"Revenue side: {sold} contracts sold, {offers} warranty-expiry calls with an offer recorded, "
        f"{sum(found.values())} leads found by the daily sweep, {Lead.objects.count()} leads in all ({worked} worked)."
    )


def _units(world: DemoWorld, category: str) -> list[ProductUnit]:
    """The demo customers' units in use of ``category`` with no contract yet, oldest customer first."""
    return list(
        ProductUnit.objects.filter(
            owner__in=world.customers, model__category__code=category, status=UnitStatus.IN_USE, contracts=None
        )
        .select_related("model", "owner")
        .order_by("owner_id", "pk")
    )


def _moved_back(contract: ServiceContract, months: int) -> None:
    """A sale ``months`` ago: its dates and payment move back together, as if sold then."""
    if not months:
        return
    days = (contract.starts_on - add_months(contract.starts_on, -months)).days
    back = dt.timedelta(days=days)
    ServiceContract.objects.filter(pk=contract.pk).update(
        starts_on=contract.starts_on - back,
        ends_on=contract.ends_on - back,
        created_at=contract.created_at - back,
        paid_at=contract.paid_at - back,
    )


def _desk_and_portal_sales(world: DemoWorld) -> int:
    products = {product.code: product for product in ContractProduct.objects.select_related("category")}
    sold = 0
    for (code, months_ago), channel in [(sale, SaleChannel.DESK) for sale in DESK_SALES] + [
        (sale, SaleChannel.PORTAL) for sale in PORTAL_SALES
    ]:
        product = products[code]
        units = _units(world, product.category.code)
        if not units:
            continue
        unit = units[0]
        contract = contract_sell(
            product=product,
            unit=unit,
            customer=unit.owner,
            channel=channel,
            payment_reference=f"{'WX' if channel == SaleChannel.PORTAL else 'POS'}{world.rng.randrange(10**9, 10**10)}",
            by=world.agents[sold % 2] if channel == SaleChannel.DESK else None,
            starts_on=world.today,
        )
        _moved_back(contract, months_ago)
        sold += 1
    return sold


def _car_plan(world: DemoWorld) -> int:
    """A car's two-year maintenance plan, sold five months ago at 12,000 km, with its first visit
    done at 21,500 km: the next is due by distance before it is due by date."""
    units = _units(world, "car")
    if not units:
        return 0
    unit = units[0]
    plan = contract_sell(
        product=ContractProduct.objects.get(code="mp-car-24"),
        unit=unit,
        customer=unit.owner,
        channel=SaleChannel.DESK,
        payment_reference=f"POS{world.rng.randrange(10**9, 10**10)}",
        by=world.agents[0],
        starts_on=world.today,
        start_km=12000,
    )
    _moved_back(plan, 5)
    plan.refresh_from_db()
    # The reading taken at the sale moves back with it.
    unit.odometer_readings.update(read_on=plan.starts_on)
    plan_visit_record(contract=plan, done_on=world.today - dt.timedelta(days=9), by=world.agents[0], odometer_km=21500)
    return 1


def _expiry_calls(world: DemoWorld) -> int:
    """The warranty-expiry calls due now: on the first an extended warranty is sold, on the second
    the offer is declined, the third customer is thinking it over."""
    schedule_warranty_expiry_callbacks(today=world.today)
    calls = list(
        CallbackVisit.objects.filter(
            kind=CallbackKind.WARRANTY_EXPIRY, status=CallbackStatus.DUE, extended_warranty_offer=True
        )
        .select_related("unit__model__category", "customer")
        .order_by("due_at", "pk")
    )
    products = {
        product.category_id: product
        for product in ContractProduct.objects.filter(kind=ContractKind.EXTENDED_WARRANTY, is_active=True)
    }
    # The first call about a unit an extended warranty is sold for buys one.
    buyer = next((visit for visit in calls if visit.unit.model.category_id in products), None)
    others = [visit for visit in calls if visit is not buyer]
    recorded = 0
    if buyer is not None:
        callback_offer_record(
            visit=buyer,
            outcome=OfferOutcome.ACCEPTED,
            by=world.agents[0],
            product=products[buyer.unit.model.category_id],
            payment_reference=f"POS{world.rng.randrange(10**9, 10**10)}",
        )
        recorded += 1
    for visit, outcome in zip(others, (OfferOutcome.DECLINED, OfferOutcome.OFFERED), strict=False):
        callback_offer_record(
            visit=visit,
            outcome=outcome,
            by=world.agents[0],
            reason="Will buy a new one next year." if outcome == OfferOutcome.DECLINED else "",
        )
        recorded += 1
    return recorded


def _work_leads(world: DemoWorld) -> int:
    """Sales staff work the oldest leads: one contacted, one won, one lost; one customer opts out
    of offers on the phone (their open leads close) and one agrees to them."""
    sales = world.users["sales"]
    leads = list(Lead.objects.filter(status=LeadStatus.NEW).select_related("customer").order_by("created_at", "pk"))
    worked = 0
    if len(leads) >= 1:
        lead_contact(lead=leads[0], note="Called: interested, will visit the store on Saturday.", by=sales)
        worked += 1
    if len(leads) >= 2:
        lead_contact(lead=leads[1], note="Called: asked for the trade-in price.", by=sales)
        lead_win(lead=leads[1], value="3299.00", note="Bought the new model with the trade-in discount.", by=sales)
        worked += 1
    if len(leads) >= 3:
        lead_lose(lead=leads[2], reason="Repaired the old one instead.", by=sales)
        worked += 1
    if len(leads) >= 5:
        offers_consent_record(customer=leads[4].customer, consent=OffersConsent.REFUSED, source="phone", by=sales)
        offers_consent_record(customer=leads[3].customer, consent=OffersConsent.GIVEN, source="phone", by=sales)
    return worked

"""Seeded product units: serials shaped like each category's real ones and unique per model,
warranty dates from the category's policy (customers.warranty_periods), sold up to three years
ago to the customers of this run (or those already there)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.base import CommandError

from customers.models import Customer, ProductModel, ProductUnit
from customers.selectors import policy_in_force
from customers.warranty_periods import add_months, warranty_start
from demo.data.network import DEALERS
from demo.data.serials import VIN_ALPHABET, luhn_digit, vin
from demo.seed.reference import ReferenceData
from demo.seed.run import SeedRun
from demo.seed.tables import Table, reserve_ids

UNITS = Table(
    ProductUnit,
    (
        "id",
        "owner_id",
        "model_id",
        "serial",
        "batch",
        "invoice_date",
        "delivery_date",
        "installation_date",
        "dealer",
        "price",
        "has_invoice",
        "has_warranty_card",
        "warranty_start",
        "warranty_end",
        "registered_at",
    ),
)


@dataclass(slots=True)
class UnitRow:
    """What a ticket needs to know about a unit without loading the model instance."""

    pk: int
    owner_id: int
    category: str
    model_name: str
    invoice: dt.date | None
    warranty_end: dt.date | None
    model_id: int | None = None
    batch: str = ""


def _base(number: int, alphabet: str, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, len(alphabet))
        chars.append(alphabet[digit])
    return "".join(reversed(chars))


def seed_serial(category: str, model_code: str, index: int, made: dt.date) -> str:
    """A serial shaped like the category's real ones, unique through ``index``."""
    if category == "mobile_phone":
        body = f"35{index:012d}"
        return body + luhn_digit(body)
    if category == "car":
        wmi = {"SD": "LFV", "EV": "LGW", "SV": "LSV"}.get(model_code[:2], "LSG")
        descriptor = _base(sum(map(ord, model_code)), VIN_ALPHABET[10:], 5)
        return vin(wmi, descriptor, made.year, "S", _base(index, VIN_ALPHABET, 6))
    if category in ("laptop", "desktop"):
        return f"PC{index:09d}"
    prefix = "".join(ch for ch in model_code.upper() if ch.isalnum())[:2] or "SN"
    return f"{prefix}{made:%y%m}{index:09d}"


def _owners(run: SeedRun) -> list[tuple[int, str, str]]:
    if run.new_customers:
        return run.new_customers
    rows = list(Customer.objects.order_by("pk").values_list("pk", "region", "preferred_language"))
    if not rows:
        raise CommandError("There are no customers to own the units: add --customers.")
    return rows


def seed_units(run: SeedRun, ref: ReferenceData, count: int) -> int:
    random, pick, between = run.random, run.pick, run.between
    owners = _owners(run)
    run.customer_info = {pk: (region, language) for pk, region, language in owners}
    # Whole-unit months per category, from the policy in force today (seeded sales are recent).
    months = {}
    for model in ref.models:
        policy = policy_in_force(model.category_id, run.today)
        months[model.category_id] = policy.whole_unit_months if policy else 12
    ids = reserve_ids(ProductUnit, count)
    today, day = run.today, dt.timedelta(days=1)
    with run.load([UNITS], count):
        for start in range(0, count, run.batch):
            rows = []
            for pk in ids[start : start + run.batch]:
                model = ref.model_draw.draw(random)
                category = model.category
                code = category.code
                owner_pk, region, _language = pick(owners)
                invoice = today - between(3, 1095) * day
                made = invoice - between(20, 120) * day
                delivery = invoice + between(0, 7) * day if code == "car" else None
                installation = None
                if code in ("flat_panel_tv", "air_conditioner"):
                    installation = min(invoice + between(1, 5) * day, today)
                start_date = warranty_start(
                    category.warranty_start_basis,
                    invoice_date=invoice,
                    delivery_date=delivery,
                    installation_date=installation,
                )
                warranty_end = add_months(start_date, months[category.pk])
                proof = random()
                dealers = DEALERS["car" if code == "car" else "shop"]
                registered = dt.datetime.combine(delivery or invoice, dt.time(between(9, 19)), run.tz)
                batch = f"{made:%Y-%m}" if code == "car" else f"{made:%y%m}{pick('AB')}"
                rows.append(
                    (
                        pk,
                        owner_pk,
                        model.pk,
                        seed_serial(code, model.code, pk, made),
                        batch,
                        invoice,
                        delivery,
                        installation,
                        pick(dealers.get(region) or dealers["Qingdao"]),
                        _price(run, ref, model),
                        proof > 0.08,
                        proof < 0.03 or proof > 0.15,
                        start_date,
                        warranty_end,
                        min(registered, run.now),
                    )
                )
                run.new_units.append(
                    UnitRow(pk, owner_pk, code, model.name_zh or model.name, invoice, warranty_end, model.pk, batch)
                )
            run.writer.write(UNITS, rows)
    return count


def _price(run: SeedRun, ref: ReferenceData, model: ProductModel) -> Decimal:
    """Around the model's list price where the catalogue table knows it."""
    list_price = ref.list_prices.get(model.code) or (150000 if model.category.code == "car" else 3000)
    step = 100 if model.category.code == "car" else 10
    return Decimal(int(list_price * run.uniform(0.85, 1.0) / step) * step - (0 if step == 100 else 1))


def unit_pool(run: SeedRun) -> list[UnitRow]:
    """The units tickets are logged for: this run's, or every unit already there."""
    if run.new_units:
        return run.new_units
    rows = ProductUnit.objects.order_by("pk").values_list(
        "pk",
        "owner_id",
        "model__category__code",
        "model__name_zh",
        "invoice_date",
        "warranty_end",
        "model_id",
        "batch",
    )
    return [UnitRow(*row) for row in rows]

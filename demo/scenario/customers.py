"""The demo's customers and the products they registered: names, phones and addresses in each
station's region, units with serials in their category's real format, bought up to three years
ago."""

import datetime as dt
from decimal import Decimal

from customers.models import Customer, Language, ProductModel, ProductUnit
from customers.referrals import referral_record
from customers.services import customer_create
from customers.units import unit_register
from demo.data.catalogue import CATEGORY_WEIGHTS
from demo.data.network import ADDRESSES, DEALERS
from demo.data.people import ENGLISH_CUSTOMERS, GIVEN_NAMES, SURNAMES
from demo.data.serials import luhn_digit, vin
from demo.scenario.setting import DemoWorld

CUSTOMERS = 50
# Categories a technician installs at the customer's home, with the date on the unit's record.
INSTALLED_ON_SITE = ("air_conditioner", "flat_panel_tv")


def new_phone(world: DemoWorld) -> str:
    """A mobile number (13x/15x/18x) no customer has yet."""
    taken = world.phones_taken
    while True:
        prefix = world.rng.choice(("135", "136", "137", "138", "139", "150", "151", "158", "186", "188", "189"))
        phone = f"+86{prefix}{world.rng.randrange(10**8):08d}"
        if phone not in taken:
            taken.add(phone)
            return phone


def add_customers(world: DemoWorld) -> None:
    rng = world.rng
    world.phones_taken = set(Customer.objects.filter(phone__startswith="+861").values_list("phone", flat=True))
    regions = sorted({station.region for station in world.stations})
    people: list[tuple[str, str, str]] = []
    names_taken: set[str] = set()
    while len(people) < CUSTOMERS - len(ENGLISH_CUSTOMERS):
        (surname, surname_py), (given, given_py) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
        if surname + given not in names_taken:
            names_taken.add(surname + given)
            people.append((surname + given, f"{given_py}.{surname_py}{rng.randint(70, 99)}", Language.CHINESE))
    people += [(name, mailbox, Language.ENGLISH) for name, mailbox in ENGLISH_CUSTOMERS]
    rng.shuffle(people)
    world.customers = []
    for index, (name, mailbox, language) in enumerate(people):
        region = regions[index % len(regions)]
        street_zh, street_en = rng.choice(ADDRESSES[region])
        number, building, room = (
            rng.randint(1, 999),
            rng.randint(1, 30),
            rng.randint(1, 28) * 100 + rng.randint(1, 4),
        )
        if language == Language.CHINESE:
            address = f"{street_zh.format(n=number)}{building}号楼{rng.randint(1, 4)}单元{room}室"
            email = rng.choice([f"{mailbox}@163.com", f"{rng.randrange(10**8, 10**10)}@qq.com", "", ""])
        else:
            address = f"Room {room}, Building {building}, {street_en.format(n=number)}"
            email = f"{mailbox}@outlook.com"
        referrer = rng.choice(world.customers[:10]) if index in (17, 33, 41) else None
        customer = customer_create(
            name=name,
            phone=new_phone(world),
            email=email,
            address=address,
            region=region,
            preferred_language=language,
            representative=rng.choice(world.agents) if rng.random() < 0.2 else None,
        )
        if referrer is not None:
            # The new customer gave the referrer's code at the desk, as they were entered.
            customer = referral_record(
                customer=customer, code=referrer.referral_code, channel="desk", by=world.agents[0]
            )
        world.customers.append(customer)
        count = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
        owned: set[str] = set()
        for _ in range(count):
            category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
            if category == "car" and "car" in owned:
                category = "fridge"
            owned.add(category)
            invoice = world.today - dt.timedelta(days=rng.randint(65, 1095))
            installation = invoice + dt.timedelta(days=rng.randint(1, 5)) if category in INSTALLED_ON_SITE else None
            add_unit(world, customer, category, invoice, installation)
    # Registered at the shop on the day of sale; the customer record dates from the first unit.
    for customer in world.customers:
        first = min(unit.registered_at for unit in customer.units.all())
        Customer.objects.filter(pk=customer.pk).update(created_at=first, updated_at=first)


def new_serial(world: DemoWorld, category: str, model: ProductModel, made: dt.date) -> str:
    """A serial in the category's format: an IMEI for phones, a VIN for cars."""
    rng = world.rng
    if category == "mobile_phone":
        tac = f"86{sum(map(ord, model.code)) % 1000:03d}{rng.randint(100, 999)}"
        body = f"{tac}{rng.randrange(10**6):06d}"
        return body + luhn_digit(body)
    if category == "car":
        wmi, descriptor = {"SD": ("LFV", "2A1BS"), "EV": ("LGW", "EE5LR"), "SV": ("LSV", "XX9D2")}[model.code[:2]]
        return vin(wmi, descriptor, made.year, "A", f"{rng.randrange(10**6):06d}")
    if category in ("laptop", "desktop"):
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        return "PF" + "".join(rng.choice(alphabet) for _ in range(6))
    letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(2))
    return f"{model.code[:2].upper()}0{letters}{made:%y%m}{rng.randrange(10**6):06d}"


def add_unit(
    world: DemoWorld, customer: Customer, category: str, invoice: dt.date, installation: dt.date | None
) -> ProductUnit:
    rng = world.rng
    model, list_price = rng.choice(world.models[category])
    made = invoice - dt.timedelta(days=rng.randint(20, 120))
    delivery = invoice + dt.timedelta(days=rng.randint(0, 7)) if category == "car" else None
    step = 100 if category == "car" else 10
    price = Decimal(int(list_price * rng.uniform(0.86, 1.0) / step) * step - (0 if category == "car" else 1))
    proof = rng.random()
    unit = unit_register(
        owner=customer,
        model=model,
        serial=new_serial(world, category, model, made),
        batch=f"{made:%y%m}{rng.choice('AB')}" if category != "car" else f"{made:%Y-%m}",
        invoice_date=invoice,
        delivery_date=delivery,
        installation_date=installation,
        dealer=rng.choice(DEALERS["car" if category == "car" else "shop"][customer.region]),
        price=price,
        has_invoice=proof > 0.08,
        has_warranty_card=proof < 0.03 or proof > 0.15,
    )
    local = dt.datetime.combine(delivery or invoice, dt.time(rng.randint(9, 19), rng.randint(0, 59)), world.tz)
    unit.registered_at = min(local, world.now - dt.timedelta(hours=1))
    ProductUnit.objects.filter(pk=unit.pk).update(registered_at=unit.registered_at)
    return unit

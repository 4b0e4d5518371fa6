"""Seeded customers: phones from number ranges only the seed uses, unique and in E.164 form by
construction, with names, addresses and languages drawn like the demo's."""

import datetime as dt

from django.db.models import Q

from customers.models import Customer, Language
from customers.referral_choices import referral_code_for_id
from demo.data.network import ADDRESSES
from demo.data.people import GIVEN_NAMES, SURNAMES
from demo.seed.reference import ReferenceData
from demo.seed.run import SeedRun
from demo.seed.tables import Table, reserve_ids

# Mobile prefixes the generator owns (the demo uses 13x/15x/18x); see seed_phone.
PHONE_PREFIXES = ("170", "171", "172", "173", "175", "176", "177", "178", "190", "191", "192", "193", "195", "196")
# The columns each row is built with, in order; the writers give the rest their defaults.
CUSTOMERS = Table(
    Customer,
    (
        "id",
        "name",
        "phone",
        "email",
        "address",
        "region",
        "preferred_language",
        "referral_code",
        "created_at",
        "updated_at",
    ),
)


def seed_phone(index: int) -> str:
    """The ``index``-th generated number: prefixes in turn, the 8 digits a shuffle of the index.

    48271 is coprime with 10**8, so two indexes below 7 * 10**8 (the lcm of 10**8 and the
    14 prefixes) never give the same number.
    """
    prefix = PHONE_PREFIXES[index % len(PHONE_PREFIXES)]
    return f"+86{prefix}{(index * 48271 + 31415926) % 10**8:08d}"


def generated_phones_in_use() -> int:
    """How many customers have a number in the generator's ranges: where the next run starts."""
    ranges = Q()
    for prefix in PHONE_PREFIXES:
        ranges |= Q(phone__gte=f"+86{prefix}00000000", phone__lte=f"+86{prefix}99999999")
    return Customer.objects.filter(ranges).count()


def _free_phones(run: SeedRun, count: int) -> list[str]:
    """The next ``count`` generated numbers nobody has yet (a customer who called in, an earlier run)."""
    index = generated_phones_in_use()
    free: list[str] = []
    while len(free) < count:
        wanted = count - len(free)
        phones = [seed_phone(i) for i in range(index, index + wanted)]
        index += wanted
        taken: set[str] = set()
        for start in range(0, wanted, run.batch):
            chunk = phones[start : start + run.batch]
            taken.update(Customer.objects.filter(phone__in=chunk).values_list("phone", flat=True))
        free += [phone for phone in phones if phone not in taken]
    return free


def seed_customers(run: SeedRun, ref: ReferenceData, count: int) -> int:
    random, uniform, pick, between = run.random, run.uniform, run.pick, run.between
    phones = _free_phones(run, count)
    ids = reserve_ids(Customer, count)
    surnames = [row[0] for row in SURNAMES]
    given_names = [row[0] for row in GIVEN_NAMES]
    streets = {region: [row[0] for row in ADDRESSES.get(region, ())] for region in ref.regions}
    with run.load([CUSTOMERS], count):
        for start in range(0, count, run.batch):
            rows = []
            for pk, phone in zip(ids[start : start + run.batch], phones[start : start + run.batch], strict=True):
                given = pick(given_names)
                if len(given) == 1 and random() < 0.5:
                    given += pick(given_names)[0]
                name = pick(surnames) + given
                region = pick(ref.regions)
                if streets[region]:
                    street = pick(streets[region]).format(n=between(1, 999))
                else:
                    street = f"{region}市中心大道{between(1, 999)}号"
                joined = run.now - dt.timedelta(days=uniform(30, 1100))
                language = Language.ENGLISH if random() < 0.04 else Language.CHINESE
                email = f"{between(10**8, 10**10 - 1)}@qq.com" if random() < 0.3 else ""
                address = f"{street}{between(1, 30)}号楼{between(1, 4)}单元{between(1, 28)}0{between(1, 4)}室"
                code = referral_code_for_id(pk)
                rows.append((pk, name, phone, email, address, region, language, code, joined, joined))
                run.new_customers.append((pk, region, language))
            run.writer.write(CUSTOMERS, rows)
    return count

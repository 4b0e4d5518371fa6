"""The vocabulary of the three guarantees, and the plain data the engine takes and returns.

docs/three-guarantees.md#the-engine: a claim's facts and one product category's policy go in, a decision
comes out. Everything here is a frozen dataclass or a set of choices; no ORM, no clock,
no settings (the claim date is a fact, statutory holidays are data passed in).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models.enums import TextChoices
from django.utils.translation import gettext_lazy as _


class Remedy(TextChoices):
    RETURN_FULL = "return_full", _("Return with a full refund")
    RETURN_DEPRECIATED = "return_depreciated", _("Return with a refund less depreciation")
    REPLACE = "replace", _("Replacement with the same model")
    REPLACE_OTHER_MODEL = "replace_other_model", _("Replacement with another model")
    REPAIR_FREE = "repair_free", _("Free repair")
    REPAIR_PAID = "repair_paid", _("Paid repair")
    MAIN_COMPONENT = "main_component", _("Free repair or replacement of the main component")
    ACCESSORY_REPLACE = "accessory_replace", _("Free replacement of the accessory")
    REPLACE_VEHICLE = "replace_vehicle", _("Replacement car")
    RETURN_VEHICLE = "return_vehicle", _("Return of the car")
    ASSEMBLY_REPLACE = "assembly_replace", _("Free replacement of the assembly")
    LOANER = "loaner", _("Loaner car")


class Family(TextChoices):
    """Which statute a category falls under: the 1995 catalogue, phones, computers, cars."""

    GENERAL = "general", _("General goods")
    PHONE = "phone", _("Mobile phones")
    COMPUTER = "computer", _("Computers")
    CAR = "car", _("Cars")


class FaultKind(TextChoices):
    PERFORMANCE = "performance", _("Performance fault")
    APPEARANCE = "appearance", _("Appearance fault")
    MISUSE = "misuse", _("Misuse or improper storage")
    UNAUTHORIZED_REPAIR = "unauthorized_repair", _("Unauthorised disassembly or repair")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    VIRUS = "virus", _("Virus or pirated software")


class RepairCause(TextChoices):
    """Why an open repair is still not finished."""

    REPAIRER = "repairer", _("The repairer's own reasons")
    NO_PARTS = "no_parts", _("Waiting for the maker's spare parts")


class CarFault(TextChoices):
    """Car faults the 2021 rules name; ``main_part:<assembly>`` is a main part of a major assembly."""

    ENGINE = "engine", _("engine")
    TRANSMISSION = "transmission", _("transmission")
    TRACTION_BATTERY = "traction_battery", _("traction battery")
    DRIVE_MOTOR = "drive_motor", _("drive motor")
    STEERING = "steering", _("steering failure")
    BRAKES = "brakes", _("brake failure")
    BODY_CRACK = "body_crack", _("crack in the body")
    FUEL_LEAK = "fuel_leak", _("fuel leak")
    BATTERY_FIRE = "battery_fire", _("battery fire")


MAJOR_ASSEMBLIES = frozenset({CarFault.ENGINE, CarFault.TRANSMISSION, CarFault.TRACTION_BATTERY, CarFault.DRIVE_MOTOR})
SAFETY_FAULTS = frozenset(
    {CarFault.STEERING, CarFault.BRAKES, CarFault.BODY_CRACK, CarFault.FUEL_LEAK, CarFault.BATTERY_FIRE}
)
MAIN_PART_PREFIX = "main_part:"

WHOLE = "whole"
MAIN_PREFIX = "main:"
ACCESSORY_PREFIX = "accessory:"

# The 2021 car rules cap the usage fee at 0.5 % of the price per 1,000 km.
MAX_CAR_USAGE_RATE = Decimal("0.005")


@dataclass(frozen=True, kw_only=True)
class Policy:
    """One product category's statutory policy plus the brand's extras, as versioned data.

    ``main_components`` lists the category's main components; a component given ``None``
    months has the category's ``main_component_months``. ``brand_extra_remedies`` may only
    add to what the statute grants (docs/three-guarantees.md#policies-and-their-versions: brand policies may only be more
    generous). The car fields apply to the ``car`` family only.
    """

    code: str
    version: int = 1
    family: str = Family.GENERAL
    whole_unit_months: int = 12
    main_component_months: int = 36
    main_components: tuple[tuple[str, int | None], ...] = ()
    accessories: tuple[tuple[str, int], ...] = ()
    depreciation_rate_per_day: Decimal = Decimal("0.001")
    count_start_day: bool = False
    return_days: int = 7
    replace_days: int = 15
    repairer_limit_days: int = 30
    no_parts_limit_days: int = 90
    brand_extra_remedies: tuple[str, ...] = ()
    validity_months: int = 24
    validity_km: int = 50_000
    repair_period_months: int = 36
    repair_period_km: int = 60_000
    car_usage_rate: Decimal = MAX_CAR_USAGE_RATE

    def __post_init__(self) -> None:
        if self.family not in Family.values:
            raise ValueError(f"Unknown policy family {self.family!r}.")
        unknown = set(self.brand_extra_remedies) - set(Remedy.values)
        if unknown:
            raise ValueError(f"Unknown brand extra remedies: {sorted(unknown)}.")
        if not Decimal(0) <= self.car_usage_rate <= MAX_CAR_USAGE_RATE:
            raise ValueError("The car usage rate must be between 0 and 0.005 per 1,000 km.")
        if self.depreciation_rate_per_day < 0:
            raise ValueError("The daily depreciation rate cannot be negative.")
        if self.return_days > self.replace_days:
            raise ValueError("The return window cannot be longer than the replacement window.")

    def main_component_period(self, name: str) -> int | None:
        """The months of the named main component, or None when the policy has no such component."""
        for component, months in self.main_components:
            if component == name:
                return self.main_component_months if months is None else months
        return None

    def accessory_period(self, name: str) -> int | None:
        for accessory, months in self.accessories:
            if accessory == name:
                return months
        return None


@dataclass(frozen=True, kw_only=True)
class Proof:
    """Proof of purchase. ``other_proof`` (an order confirmation, a payment record) dates the
    purchase as an invoice does; ``imei_date`` is a phone's manufacture date from its IMEI."""

    invoice: bool = False
    card: bool = False
    other_proof: bool = False
    documents_match: bool = True
    imei_date: dt.date | None = None

    @property
    def dates_the_purchase(self) -> bool:
        return self.invoice or self.card or self.other_proof


@dataclass(frozen=True)
class OpenRepair:
    """The repair of this fault still in progress: days since it was handed in, and why it is not done."""

    days_open: int
    cause: str


@dataclass(frozen=True, kw_only=True)
class Facts:
    """One claim: the unit's dates and history, the fault, and what is in stock.

    ``start_date`` is the day the proof of purchase dates (invoice, installation or delivery);
    it may be left out only where the IMEI rule dates the claim instead (a phone with no proof
    of purchase at all and a known manufacture date), and there it is ignored if given.
    ``claim_date`` stands in for today. ``prior_repairs`` counts the repairs of this same
    performance fault so far; ``repair_days`` and ``waiting_days`` are the days the unit spent
    in repair or waiting for parts since its period started. ``holidays`` are the statutory
    holidays (data, not computed here). The car facts apply to the ``car`` family only.
    """

    claim_date: dt.date
    proof: Proof
    start_date: dt.date | None = None
    fault_kind: str = FaultKind.PERFORMANCE
    component: str = WHOLE
    prior_repairs: int = 0
    repair_days: int = 0
    waiting_days: int = 0
    stock_available: bool = True
    open_repair: OpenRepair | None = None
    price: Decimal | None = None
    holidays: frozenset[dt.date] = frozenset()
    whole_unit_replaced_on: dt.date | None = None
    component_replaced_on: dt.date | None = None
    misuse_found_by_technician: bool = False
    km: int = 0
    same_issue_repairs: int = 0
    repair_hours: tuple[int, ...] = ()
    safety_fault: bool = False
    assembly_replacements: int = 0
    car_fault: str | None = None


@dataclass(frozen=True)
class Reason:
    """Why a decision came out as it did: a stable code and the values its text needs."""

    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """The remedies the customer may choose from, whether they are free, and why.

    ``rule`` is the code of the rule that decided. ``period_end`` is the last day the claimed
    part is covered by free repair (None when no proof dates the purchase). ``refund_amount``
    is set when a return is offered; ``usage_fee`` when a car is replaced or returned inside
    its validity period.
    """

    remedies: tuple[str, ...]
    free: bool
    rule: str
    reasons: tuple[Reason, ...]
    period_end: dt.date | None
    refund_amount: Decimal | None
    usage_fee: Decimal | None
    loaner: bool


class FactsError(ValueError):
    """Facts that cannot be true (a claim before the purchase, a negative count...).

    ``field`` names the API field at fault (nested fields dotted: ``open_repair.days_open``).
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

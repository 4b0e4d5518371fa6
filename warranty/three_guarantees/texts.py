"""What each reason code says to the customer, in plain words, marked for translation.

Texts are rendered in the active language only when asked for (:func:`reason_texts`), so
importing this module reads no settings. Parameters are formatted for people: dates in the
one date format of the reader's language, money with its currency (aftersales/money.py),
components and remedies by their translated names.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from aftersales.money import format_amount

from .facts import CarFault, Decision, Reason, Remedy
from .periods import money

REASON_TEXTS: dict[str, Promise] = {
    # Notes that come before the deciding reason.
    "note.burden_of_proof": _(
        "Within 6 months of purchase (until %(until)s) it is up to the seller to prove misuse or unauthorised "
        "repair, and no technician has recorded such a finding, so the fault is treated as a product fault."
    ),
    "note.independent_garage": _(
        "Having your car serviced or repaired at an independent garage does not take away its guarantees, "
        "so the fault is treated as a product fault."
    ),
    "note.holiday_roll": _(
        "The last day of the %(limit)d-day period fell on a statutory holiday, so the period runs until the day "
        "after the holiday, %(until)s."
    ),
    "note.imei_start_ignored": _(
        "The start date given, %(given)s, is not used: with no invoice and no warranty card nothing proves when "
        "this phone was bought, so its guarantee is counted from 90 days after it was made, %(start)s."
    ),
    # Exclusions: for the fault concerned only.
    "exclusion.misuse": _(
        "This fault was caused by misuse or improper storage, which the three guarantees do not cover. "
        "This repair is paid; other faults of the product are still covered."
    ),
    "exclusion.unauthorized_repair": _(
        "This fault was caused by taking the product apart or having it repaired without authorisation, which the "
        "three guarantees do not cover. This repair is paid; other faults of the product are still covered."
    ),
    "exclusion.force_majeure": _(
        "This fault was caused by force majeure (such as a flood, a fire or lightning), which the three guarantees "
        "do not cover. This repair is paid; other faults of the product are still covered."
    ),
    "exclusion.virus": _(
        "This fault was caused by a computer virus or by pirated software, which the three guarantees do not cover. "
        "This repair is paid; other faults of the computer are still covered."
    ),
    "exclusion.no_proof": _(
        "There is no invoice and no warranty card for this product, so nothing shows when its guarantee period "
        "started, and the repair is paid. Bring the invoice or the warranty card and the claim will be checked again."
    ),
    "exclusion.documents_mismatch": _(
        "The invoice or warranty card does not match this unit (the serial number or IMEI differs) or has been "
        "altered, so it cannot prove the purchase, and the repair is paid."
    ),
    "phone.imei_no_proof": _(
        "There is no proof of purchase for this phone, so its guarantee period is counted from 90 days after it was "
        "made (%(imei_date)s): from %(start)s until %(period_end)s. Within this period you get a free repair, "
        "but no return or replacement."
    ),
    "phone.imei_no_proof.out_of_period": _(
        "There is no proof of purchase for this phone, so its guarantee period is counted from 90 days after it was "
        "made (%(imei_date)s): from %(start)s until %(period_end)s. That period is over, so the repair is paid."
    ),
    # General goods, phones and computers.
    "general.return_7d": ngettext_lazy(
        "You bought this product %(days)d day ago. Within %(limit)d days a performance fault entitles you to a "
        "return with a full refund, a replacement or a free repair — your choice.",
        "You bought this product %(days)d days ago. Within %(limit)d days a performance fault entitles you to a "
        "return with a full refund, a replacement or a free repair — your choice.",
        "days",
    ),
    "general.replace_15d": _(
        "You bought this product %(days)d days ago. From day %(from_day)d to day %(limit)d a performance fault "
        "entitles you to a replacement with the same model or a free repair — your choice."
    ),
    "general.two_failed_repairs": _(
        "This fault has been repaired %(repairs)d times and the product still does not work properly. "
        "You may choose a replacement with the same model or a return."
    ),
    "general.repairer_30d": _(
        "Your repair has been open for %(days)d days for reasons on the repairer's side, longer than the "
        "%(limit)d days allowed, so the product is replaced with the same model."
    ),
    "general.no_parts_limit": _(
        "Your repair has been waiting %(days)d days for spare parts from the maker, longer than the %(limit)d days "
        "allowed, so the seller replaces the product with the same model."
    ),
    "general.repair_in_period": _(
        "Your product is inside its %(months)d-month guarantee period, which runs until %(period_end)s, "
        "so the repair is free."
    ),
    "general.main_component": _(
        "The guarantee of the whole product is over, but the %(component)s has its own %(months)d-month guarantee, "
        "which runs until %(period_end)s. The %(component)s is repaired or replaced free of charge."
    ),
    "general.accessory": _(
        "The %(component)s has its own %(months)d-month guarantee, which runs until %(period_end)s, "
        "so it is replaced free of charge."
    ),
    "general.accessory.out_of_period": _(
        "The %(months)d-month guarantee of the %(component)s ended on %(period_end)s, "
        "so its repair or replacement is paid."
    ),
    "general.out_of_period": _("The guarantee period of this product ended on %(period_end)s, so the repair is paid."),
    # What a remedy comes to.
    "remedy.no_stock": _(
        "The same model is not in stock, so instead of a replacement you may choose a full refund, "
        "or another model if you agree to one."
    ),
    "remedy.depreciation": ngettext_lazy(
        "If you still prefer a refund, you get %(refund)s back: the price of %(price)s less %(rate)s%% for "
        "%(days)d day of use (%(days_used)d days since purchase, less %(days_off)d days in repair or waiting for parts).",
        "If you still prefer a refund, you get %(refund)s back: the price of %(price)s less %(rate)s%% a day for "
        "%(days)d days of use (%(days_used)d days since purchase, less %(days_off)d days in repair or waiting for "
        "parts).",
        "days",
    ),
    "remedy.depreciation_no_price": ngettext_lazy(
        "If you still prefer a refund, the price is refunded less %(rate)s%% for %(days)d day of use.",
        "If you still prefer a refund, the price is refunded less %(rate)s%% a day for %(days)d days of use.",
        "days",
    ),
    "remedy.usage_fee": _(
        "A usage fee of %(fee)s is charged for the distance driven (the price of %(price)s × %(km)d km ÷ 1,000 × "
        "%(rate)s%%). If you return the car, you get %(refund)s back."
    ),
    "remedy.usage_fee_no_price": _(
        "A usage fee of %(rate)s%% of the price for every 1,000 km driven is charged (%(km)d km so far)."
    ),
    # Cars.
    "car.7d_major": ngettext_lazy(
        "Your car was delivered %(days)d day ago. Within %(limit)d days a fault that needs the %(assembly)s or one "
        "of its main parts replaced entitles you to a replacement car or a return with a full refund, free of "
        "charge — your choice.",
        "Your car was delivered %(days)d days ago. Within %(limit)d days a fault that needs the %(assembly)s or one "
        "of its main parts replaced entitles you to a replacement car or a return with a full refund, free of "
        "charge — your choice.",
        "days",
    ),
    "car.60d_safety": ngettext_lazy(
        "Your car was delivered %(days)d day ago and has run %(km)d km. Within %(limit)d days or %(limit_km)d km, "
        "whichever comes first, a %(fault)s entitles you to a replacement car or a return with a full refund, "
        "free of charge — your choice.",
        "Your car was delivered %(days)d days ago and has run %(km)d km. Within %(limit)d days or %(limit_km)d km, "
        "whichever comes first, a %(fault)s entitles you to a replacement car or a return with a full refund, "
        "free of charge — your choice.",
        "days",
    ),
    "car.60d_main_part": ngettext_lazy(
        "Your car was delivered %(days)d day ago and has run %(km)d km. Within %(limit)d days or %(limit_km)d km, "
        "whichever comes first, a fault in a main part of the %(assembly)s entitles you to a new %(assembly)s, "
        "free of charge.",
        "Your car was delivered %(days)d days ago and has run %(km)d km. Within %(limit)d days or %(limit_km)d km, "
        "whichever comes first, a fault in a main part of the %(assembly)s entitles you to a new %(assembly)s, "
        "free of charge.",
        "days",
    ),
    "car.validity_serious": _(
        "Your car is inside its validity period (until %(period_end)s or %(limit_km)d km, whichever comes first) "
        "and a serious safety fault that has been repaired %(repairs)d times is still there. "
        "You may choose a replacement car or a return."
    ),
    "car.assembly_replaced_twice": _(
        "Your car is inside its validity period (until %(period_end)s or %(limit_km)d km, whichever comes first) "
        "and the same assembly or main part has been replaced %(replacements)d times. "
        "You may choose a replacement car or a return."
    ),
    "car.cumulative_30d": _(
        "Your car is inside its validity period (until %(period_end)s or %(limit_km)d km, whichever comes first) "
        "and its repairs have taken %(days)d days in all (every started 24 hours counts as a day), more than "
        "%(limit)d days. You may choose a replacement car or a return."
    ),
    "car.repeat_issue": _(
        "Your car is inside its validity period (until %(period_end)s or %(limit_km)d km, whichever comes first) "
        "and the same problem has been repaired %(repairs)d times, more than %(limit)d. "
        "You may choose a replacement car or a return."
    ),
    "car.repair_period": _(
        "Your car is inside its repair period (until %(period_end)s or %(limit_km)d km, whichever comes first), "
        "so the repair is free."
    ),
    "car.out_of_period": _(
        "Your car's repair period is over (it ran until %(period_end)s or %(limit_km)d km, whichever came first), "
        "so the repair is paid."
    ),
    "car.loaner": _(
        "This repair has taken %(days)d days, more than %(limit)d, so you are entitled to a loaner car from day "
        "%(from_day)d of the repair."
    ),
    "brand.extras": _("The brand's own policy also offers: %(remedies)s."),
}

COMPONENT_LABELS: dict[str, Promise] = {
    "motor": _("motor"),
    "compressor": _("compressor"),
    "picture_tube": _("picture tube"),
    "panel": _("display panel"),
    "magnetron": _("magnetron"),
    "mainboard": _("mainboard"),
    "cpu": _("processor (CPU)"),
    "memory": _("memory"),
    "hard_disk": _("hard disk"),
    "power_supply": _("power supply"),
    "display": _("display"),
    "battery": _("battery"),
    "wired_headset": _("wired headset"),
    "charger": _("charger"),
    "engine": _("engine"),
    "transmission": _("transmission"),
    "traction_battery": _("traction battery"),
    "drive_motor": _("drive motor"),
}


def component_label(name: str) -> str:
    """A component's translated name; a component an admin added shows as its code in words."""
    label = COMPONENT_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ")


def _format(key: str, value: object) -> object:
    if key == "component":
        return component_label(str(value))
    if key in ("assembly", "fault"):
        return str(CarFault(value).label)
    if key == "remedies" and isinstance(value, tuple | list):
        return ", ".join(str(Remedy(code).label) for code in value)
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal):
        return format_amount(money(value))
    return value


# Stored parameters that are amounts of money (kept as text in JSON).
MONEY_PARAMS = frozenset({"refund", "price", "fee"})


def _revived(key: str, value: object) -> object:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, str) and key in MONEY_PARAMS:
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def stored_reason(item: Mapping[str, Any]) -> Reason:
    """A reason kept as plain JSON (``{"code": …, "params": {…}}``) back as the decision held
    it: lists as tuples, ISO dates as dates, amounts as Decimals, so a stored reason reads
    exactly like a fresh one, in any language."""
    return Reason(item["code"], {key: _revived(key, value) for key, value in item.get("params", {}).items()})


def reason_text(reason: Reason) -> str:
    """One reason in the active language."""
    params = {key: _format(key, value) for key, value in reason.params.items()}
    return str(REASON_TEXTS[reason.code] % params)


def reason_texts(decision: Decision) -> list[str]:
    """The decision's reasons in plain words, in the active language, in order."""
    return [reason_text(reason) for reason in decision.reasons]

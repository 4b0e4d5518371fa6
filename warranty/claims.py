"""Writes for three-guarantees claims: evaluate, record the customer's choice, carry it out.

docs/three-guarantees.md#claims and issue "Three guarantees": the facts are prefilled from the unit and
its history and may be corrected with a reason; the decision is stored with its rule, policy
version and facts; the customer chooses among the allowed remedies (anything else is a
goodwill override that needs a manager and a written reason); carrying the remedy out
records the repair charge, the replacement unit or the refund. Every step is on the timeline.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import Role, roles_of
from customers.models import ProductModel, UnitStatus
from customers.units import unit_register, unit_replaced, unit_returned
from notifications import webhooks
from notifications.models import WebhookEvent
from tickets.choices import EventKind
from tickets.models import Ticket
from tickets.services import append_event, ensure_may_act, lock_ticket, parse_amount, save_ticket
from warranty import evaluation
from warranty import three_guarantees as tg
from warranty.models import ClaimStatus, WarrantyClaim
from warranty.webhook_payloads import claim_data

Remedy = tg.Remedy
REPAIRS = frozenset(
    {
        Remedy.REPAIR_FREE,
        Remedy.REPAIR_PAID,
        Remedy.MAIN_COMPONENT,
        Remedy.ACCESSORY_REPLACE,
        Remedy.ASSEMBLY_REPLACE,
        Remedy.LOANER,
    }
)
REPLACEMENTS = frozenset({Remedy.REPLACE, Remedy.REPLACE_OTHER_MODEL, Remedy.REPLACE_VEHICLE})
RETURNS = frozenset({Remedy.RETURN_FULL, Remedy.RETURN_DEPRECIATED, Remedy.RETURN_VEHICLE})
# The facts a person may correct: the rest come from the ticket and the claim itself. The days
# waiting for parts are counted from the ticket's parts orders (warranty/evaluation.py
# ``waiting_facts``): nobody types them.
CORRECTABLE = (
    "start_date",
    "prior_repairs",
    "repair_days",
    "proof",
    "price",
    "same_issue_repairs",
)


def _component_replaced_on(unit, component: str) -> dt.date | None:
    """When the claimed main component was last replaced under a claim (its period restarts)."""
    executed = (
        WarrantyClaim.objects.filter(
            unit=unit, status=ClaimStatus.EXECUTED, chosen_remedy=Remedy.MAIN_COMPONENT, facts__component=component
        )
        .order_by("-executed_at")
        .values_list("executed_at", flat=True)
        .first()
    )
    return timezone.localdate(executed) if executed else None


@transaction.atomic
def claim_evaluate(
    *,
    ticket: Ticket,
    by: AbstractBaseUser,
    entered: dict,
    correction_reason: str = "",
    claim_date: dt.date | None = None,
) -> WarrantyClaim:
    """Evaluate a claim for the ticket's registered unit and store the decision.

    ``entered`` holds the facts as the agent confirmed them (the API's request shape). Those
    that differ from what the records say are corrections and need ``correction_reason``.
    """
    ticket = lock_ticket(ticket, None)
    ensure_may_act(ticket, by)
    unit = ticket.unit
    if unit is None:
        raise ValidationError({"unit": _("Register the customer's product on this ticket before opening a claim.")})
    if unit.status != UnitStatus.IN_USE:
        raise ValidationError({"unit": _("This product was already replaced or returned.")})
    policy = evaluation.policy_for_unit(unit)
    if policy is None:
        raise ValidationError({"unit": _("No warranty policy is set up for this product's category.")})
    claim_date = claim_date or timezone.localdate()
    prefilled = evaluation.prefill_for_unit(
        unit,
        claim_date=claim_date,
        policy=policy,
        fault_category=ticket.fault_category,
        exclude_ticket=ticket,
        ticket=ticket,
    )
    corrections = {
        key: [prefilled.get(key), entered[key]]
        for key in CORRECTABLE
        if key in entered and entered[key] != prefilled.get(key)
    }
    if corrections and not correction_reason.strip():
        raise ValidationError({"correction_reason": _("Say why the facts from the records were corrected.")})
    facts = {
        **evaluation.merge_facts(prefilled, entered),
        "claim_date": claim_date,
        "waiting_days": prefilled["waiting_days"],
    }
    if evaluation.guarantee_start(facts, policy.family) is None:
        undated = tg.UNDATED_PHONE if evaluation.undated_phone(facts, policy.family) else tg.UNDATED
        raise ValidationError({"start_date": str(undated)})
    component = facts.get("component") or "whole"
    if component.startswith("main:") and not facts.get("component_replaced_on"):
        facts["component_replaced_on"] = _component_replaced_on(unit, component)
    try:
        decision = evaluation.evaluate(facts, policy)
    except tg.FactsError as exc:
        raise ValidationError({exc.field.split(".")[0]: str(exc.message)}) from exc
    data = evaluation.decision_data(decision)
    claim = WarrantyClaim.objects.create(
        ticket=ticket,
        unit=unit,
        policy=policy,
        facts=facts,
        prefilled=prefilled,
        corrections=corrections,
        correction_reason=correction_reason.strip(),
        rule=decision.rule,
        remedies=list(decision.remedies),
        free=decision.free,
        reason_codes=data["reason_codes"],
        period_end=decision.period_end,
        refund_amount=decision.refund_amount,
        usage_fee=decision.usage_fee,
        loaner=decision.loaner,
        decided_by=by,
    )
    append_event(
        ticket,
        EventKind.CLAIM,
        by,
        message=("claim.decided", {"reasons": data["reason_codes"]}),
        is_public=True,
        data={
            "claim": claim.pk,
            "step": "evaluated",
            "rule": decision.rule,
            "remedies": list(decision.remedies),
            "policy": f"{policy.category.code} v{policy.version}",
        },
    )
    webhooks.emit(WebhookEvent.CLAIM_DECIDED, claim_data(claim, ticket))
    return claim


def _lock_claim(claim: WarrantyClaim) -> WarrantyClaim:
    return WarrantyClaim.objects.select_for_update().select_related("ticket", "unit__model").get(pk=claim.pk)


@transaction.atomic
def claim_choose(*, claim: WarrantyClaim, remedy: str, by: AbstractBaseUser) -> WarrantyClaim:
    """Record the customer's choice among the remedies the decision allows."""
    claim = _lock_claim(claim)
    ensure_may_act(claim.ticket, by)
    if claim.status == ClaimStatus.EXECUTED:
        raise ValidationError({"remedy": _("This claim was already carried out.")})
    if remedy not in claim.remedies:
        raise ValidationError(
            {"remedy": _("This remedy is not among those allowed; a manager can grant it as goodwill.")}
        )
    return _choose(claim, remedy, by, goodwill_reason="")


@transaction.atomic
def claim_goodwill(*, claim: WarrantyClaim, remedy: str, reason: str, by: AbstractBaseUser) -> WarrantyClaim:
    """Grant a remedy outside the allowed set. Only a manager may, with a written reason."""
    claim = _lock_claim(claim)
    if not roles_of(by) & {Role.MANAGER, Role.ADMIN}:
        raise PermissionDenied(_("Only a manager can grant a goodwill remedy."))
    if claim.status == ClaimStatus.EXECUTED:
        raise ValidationError({"remedy": _("This claim was already carried out.")})
    if remedy not in Remedy.values:
        raise ValidationError({"remedy": _("Choose a remedy.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Write why this goodwill remedy is granted.")})
    return _choose(claim, remedy, by, goodwill_reason=reason.strip())


def _choose(claim: WarrantyClaim, remedy: str, by: AbstractBaseUser, *, goodwill_reason: str) -> WarrantyClaim:
    claim.chosen_remedy = remedy
    claim.chosen_by = by
    claim.chosen_at = timezone.now()
    claim.is_goodwill = bool(goodwill_reason) and remedy not in claim.remedies
    claim.goodwill_reason = goodwill_reason if claim.is_goodwill else ""
    claim.status = ClaimStatus.CHOSEN
    claim.save(update_fields=["chosen_remedy", "chosen_by", "chosen_at", "is_goodwill", "goodwill_reason", "status"])
    if claim.is_goodwill:
        message = ("claim.goodwill", {"remedy": remedy, "reason": goodwill_reason})
    else:
        message = ("claim.chosen", {"remedy": remedy})
    append_event(
        claim.ticket,
        EventKind.CLAIM,
        by,
        message=message,
        is_public=not claim.is_goodwill,
        data={"claim": claim.pk, "step": "chosen", "remedy": remedy, "goodwill": claim.is_goodwill},
    )
    return claim


@transaction.atomic
def claim_execute(
    *,
    claim: WarrantyClaim,
    by: AbstractBaseUser,
    charge: object = None,
    new_serial: str = "",
    new_model: ProductModel | None = None,
    refund: object = None,
    today: dt.date | None = None,
) -> WarrantyClaim:
    """Carry out the chosen remedy.

    A repair records its charge (nothing for a free remedy); a replacement registers the new
    unit with its periods restarting today and marks the old one replaced; a return records
    the refund (by default the decision's, depreciation included) and marks the unit returned.
    """
    claim = _lock_claim(claim)
    ticket = lock_ticket(claim.ticket, None)
    ensure_may_act(ticket, by)
    if claim.status == ClaimStatus.EXECUTED:
        raise ValidationError({"remedy": _("This claim was already carried out.")})
    if claim.status != ClaimStatus.CHOSEN:
        raise ValidationError({"remedy": _("Record the customer's choice first.")})
    if claim.unit.status != UnitStatus.IN_USE:
        raise ValidationError({"remedy": _("This product was already replaced or returned.")})
    today = today or timezone.localdate()
    remedy = claim.chosen_remedy
    unit = claim.unit
    data = {"claim": claim.pk, "step": "executed", "remedy": remedy}
    if remedy in REPAIRS:
        paid = remedy == Remedy.REPAIR_PAID or not (claim.free or claim.is_goodwill)
        amount = parse_amount(charge, field="charge") if paid else Decimal("0.00")
        claim.charge = amount
        ticket.charge = amount
        save_ticket(ticket, ["charge"])
        message = ("claim.repaired", {"remedy": remedy, "amount": str(amount)})
        data["charge"] = str(amount)
    elif remedy in REPLACEMENTS:
        model = new_model if remedy == Remedy.REPLACE_OTHER_MODEL else unit.model
        if model is None:
            raise ValidationError({"new_model": _("Choose the model of the replacement.")})
        if model.category_id != unit.model.category_id:
            raise ValidationError({"new_model": _("The replacement must be a product of the same category.")})
        try:
            replacement = unit_register(
                owner=unit.owner,
                model=model,
                serial=new_serial,
                batch="",
                invoice_date=unit.invoice_date,
                delivery_date=unit.delivery_date,
                installation_date=unit.installation_date,
                dealer=unit.dealer,
                price=unit.price,
                has_invoice=unit.has_invoice,
                has_warranty_card=True,
                replacement_date=today,
                today=today,
                by=by,
            )
        except ValidationError as exc:
            raise ValidationError({"new_serial": exc.message_dict.get("serial", exc.messages)}) from exc
        unit_replaced(unit=unit, replacement=replacement)
        claim.replacement_unit = replacement
        message = ("claim.replaced", {"serial": replacement.serial, "date": today.isoformat()})
        data.update({"new_unit": replacement.pk, "new_serial": replacement.serial})
    elif remedy in RETURNS:
        # A full return refunds the price; a depreciated one what the decision worked out.
        default = claim.refund_amount if remedy == Remedy.RETURN_DEPRECIATED else unit.price
        if refund in (None, "") and default is None:
            raise ValidationError({"refund": _("Enter the amount refunded.")})
        amount = parse_amount(refund if refund not in (None, "") else default, field="refund")
        claim.refund_paid = amount
        unit_returned(unit=unit)
        message = ("claim.returned", {"amount": str(amount)})
        data["refund"] = str(amount)
    else:
        raise ValidationError({"remedy": _("This remedy cannot be carried out here.")})
    claim.status = ClaimStatus.EXECUTED
    claim.executed_by = by
    claim.executed_at = timezone.now()
    claim.save(update_fields=["status", "executed_by", "executed_at", "charge", "refund_paid", "replacement_unit"])
    append_event(ticket, EventKind.CLAIM, by, message=message, is_public=True, data=data)
    webhooks.emit(WebhookEvent.CLAIM_EXECUTED, claim_data(claim, ticket))
    return claim

"""What came of the offer made on a warranty-expiry or renewal call: the one write path of a
callback's ``offer_outcome`` (docs/contract-plans-and-offers.md#the-offer-on-the-call).

The agent records one of three outcomes: offered (the customer is thinking it over), accepted
(the contract is sold there and then, through ``contracts.services.contract_sell`` on the
callback channel, a renewal renewing the contract the call is about), or declined, with the
customer's reason. Nothing is offered to a customer who opted out of offers
(``customers.offers.may_offer``); an accepted offer is final (cancelling the contract is the
contracts' own write path). The desk form and the API call this one function.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.roles import provider_of
from contracts.choices import SaleChannel
from contracts.models import ContractProduct
from contracts.services import contract_sell
from customers.offers import may_offer
from followups.choices import CallbackKind, OfferOutcome
from followups.models import CallbackVisit
from network.models import ServiceProvider
from tickets.choices import EventKind
from tickets.services import append_event

# The calls that carry an offer: the extended warranty before the warranty ends, the renewal
# before a contract ends.
OFFER_KINDS = (CallbackKind.WARRANTY_EXPIRY, CallbackKind.CONTRACT_RENEWAL)
REASON_MAX_LENGTH = 2000


def is_offer_call(visit: CallbackVisit) -> bool:
    return visit.kind in OFFER_KINDS


def offer_refusal(visit: CallbackVisit) -> str:
    """Why no offer outcome can be recorded on this call now; empty when one can."""
    if not is_offer_call(visit):
        return _("This call carries no offer.")
    if not may_offer(visit.customer):
        return _("The customer opted out of offers: do not offer.")
    if visit.offer_outcome == OfferOutcome.ACCEPTED:
        return _("The customer already accepted the offer on this call.")
    return ""


@transaction.atomic
def callback_offer_record(
    *,
    visit: CallbackVisit,
    outcome: str,
    by: AbstractBaseUser | None,
    product: ContractProduct | None = None,
    payment_reference: str = "",
    reason: str = "",
) -> CallbackVisit:
    """Record the offer's outcome on ``visit``; on ``accepted`` sell ``product`` on the call's
    unit to its customer (paid: ``payment_reference``) and keep the contract on the visit.
    Field-level ``ValidationError`` on anything wrong, and nothing is written then."""
    visit = (
        CallbackVisit._base_manager.select_for_update(of=("self",))
        .select_related("customer", "unit", "contract", "ticket")
        .get(pk=visit.pk)
    )
    refusal = offer_refusal(visit)
    if refusal:
        raise ValidationError({"outcome": refusal})
    if outcome not in OfferOutcome.values:
        raise ValidationError({"outcome": _("Choose what the customer said to the offer.")})
    reason = (reason or "").strip()
    visit.offer_decline_reason = ""
    if outcome == OfferOutcome.ACCEPTED:
        visit.offer_contract = _sell(visit=visit, product=product, payment_reference=payment_reference, by=by)
    elif outcome == OfferOutcome.DECLINED:
        if not reason:
            raise ValidationError({"reason": _("Say why the customer declined the offer.")})
        if len(reason) > REASON_MAX_LENGTH:
            raise ValidationError({"reason": _("Keep the reason to %(max)d characters.") % {"max": REASON_MAX_LENGTH}})
        visit.offer_decline_reason = reason
    visit.offer_outcome = outcome
    visit.save(update_fields=["offer_outcome", "offer_decline_reason", "offer_contract"])
    if visit.ticket is not None:
        append_event(
            visit.ticket,
            EventKind.NOTE,
            by,
            message=(
                "callback.offer_outcome",
                {
                    "outcome": outcome,
                    "detail": visit.offer_contract.number if visit.offer_contract else visit.offer_decline_reason,
                },
            ),
            data={"visit": visit.pk, "offer_outcome": outcome},
        )
    return visit


def _sell(*, visit: CallbackVisit, product: ContractProduct | None, payment_reference: str, by):
    if product is None:
        raise ValidationError({"product": _("Choose the contract the customer accepted.")})
    if visit.unit is None:
        raise ValidationError({"product": _("This call is about no product unit: sell the contract from the desk.")})
    renews = visit.contract if visit.kind == CallbackKind.CONTRACT_RENEWAL else None
    if renews is not None and product.kind != renews.kind:
        raise ValidationError({"product": _("A renewal is a contract of the same kind as the one ending.")})
    provider_id = provider_of(by)
    return contract_sell(
        product=product,
        unit=visit.unit,
        customer=visit.customer,
        channel=SaleChannel.CALLBACK,
        payment_reference=payment_reference,
        by=by,
        provider=ServiceProvider.objects.get(pk=provider_id) if provider_id else None,
        renews=renews,
    )

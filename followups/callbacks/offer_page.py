"""What the call page shows about the contract a call is about (a plan's visits used) and the
offer on a warranty-expiry or renewal call: read here, for followups/callbacks/views.py."""

from contracts.choices import ContractKind
from contracts.models import ContractProduct, ServiceContract
from customers.offers import may_offer
from followups.callbacks.offer_forms import CallbackOfferForm
from followups.choices import CallbackKind
from followups.models import CallbackVisit
from followups.offers import is_offer_call, offer_refusal


def offer_products(visit: CallbackVisit):
    """The contracts the agent may sell on this call: on sale for the unit's category, of the
    kind the call offers (an extended warranty before the warranty ends, the same kind as the
    contract ending on a renewal call)."""
    if visit.unit is None:
        return ContractProduct.objects.none()
    if visit.kind == CallbackKind.CONTRACT_RENEWAL and visit.contract is not None:
        kind = visit.contract.kind
    else:
        kind = ContractKind.EXTENDED_WARRANTY
    return ContractProduct.objects.filter(category_id=visit.unit.model.category_id, kind=kind, is_active=True).order_by(
        "price", "code"
    )


def offer_context(visit: CallbackVisit, offer_form: CallbackOfferForm | None = None) -> dict:
    """What the call page shows about the contract the call is about and the offer."""
    context: dict = {"is_offer_call": is_offer_call(visit), "may_offer": may_offer(visit.customer)}
    contract: ServiceContract | None = visit.contract
    if contract is not None:
        context["plan_visits_used"] = contract.visits.count()
    if context["is_offer_call"] or offer_form is not None:
        context["offer_refusal"] = offer_refusal(visit)
        # A refused post comes back with its error on the form; otherwise the form is offered
        # only while an outcome can still be recorded.
        if offer_form is not None or not context["offer_refusal"]:
            context["offer_form"] = offer_form or CallbackOfferForm(products=offer_products(visit))
    return context

"""What the customer is told before a contract ends: the renewal reminder, with the link to
renew it on their portal account (docs/contract-plans-and-offers.md#renewals).

A renewal is an offer: written only for a customer who may be offered one
(``customers.offers.may_offer``) and, being a message a case does not need, only while they
take reminders and offers (``optional_messages``). One message per renewal call.
"""

from django.urls import reverse
from django.utils import translation

from customers.models import Customer
from customers.offers import may_offer
from followups.models import CallbackVisit
from notifications.models import OutboundMessage
from notifications.services import notify_customer
from tickets.messages import absolute

RENEWAL_TEMPLATE = "reminder_renewal"


def notify_renewal_reminder(visit: CallbackVisit) -> OutboundMessage | None:
    """Tell the customer their contract ends soon and where to renew it, in their language, on
    their channel (SMS, or email when confirmed and chosen)."""
    customer: Customer = visit.customer
    contract = visit.contract
    if contract is None or visit.unit is None or not may_offer(customer):
        return None
    with translation.override(customer.preferred_language):
        context = {
            "customer_name": customer.name,
            "product": visit.unit.model.display_name,
            "serial": visit.unit.serial,
            "contract_name": contract.product.display_name,
            "contract_number": contract.number,
            "ends_on": contract.ends_on.isoformat(),
            "renew_url": absolute(reverse("portal:unit_contracts", args=[visit.unit_id])),
            # Where the customer stops reminders and offers: every such message says so.
            "account_url": absolute(reverse("portal:account")),
        }
    return notify_customer(
        customer=customer,
        template=RENEWAL_TEMPLATE,
        context=context,
        essential=False,
        dedupe_key=f"reminder:{visit.pk}",
    )

"""The invitation to refer friends after a good rating (docs/referrals.md#after-a-good-rating).

A customer who rates a service 4 or 5 (on the portal, through the survey link or to an agent on
the callback) is sent their referral code with a short invitation, in their language, once per
ticket. A low rating or a complaint never carries it. Inviting friends is an offer of sorts: a
customer who opted out of offers, or of optional messages, is not sent it.
"""

from django.urls import reverse

from customers.models import Customer
from customers.offers import may_offer
from customers.referrals import invites_referrals
from notifications.models import OutboundMessage
from notifications.services import notify_customer
from tickets.messages import absolute
from tickets.models import Ticket

TEMPLATE = "referral_invite"


def notify_referral_invitation(*, ticket: Ticket, score: int | None, raised_complaint: bool) -> OutboundMessage | None:
    """Write the invitation with the customer's referral code after a good rating of ``ticket``;
    None when the rating is low, the customer opted out, or it was sent for this ticket already."""
    customer: Customer = ticket.customer
    if not invites_referrals(score=score, raised_complaint=raised_complaint) or not may_offer(customer):
        return None
    context = {
        "customer_name": customer.name,
        "referral_code": customer.referral_code,
        "request_url": absolute(reverse("portal:submit")),
        # Where the customer stops reminders and offers: every such message says so.
        "account_url": absolute(reverse("portal:account")),
    }
    return notify_customer(
        customer=customer,
        template=TEMPLATE,
        context=context,
        essential=False,
        ticket_reference=ticket.reference,
        dedupe_key=f"referral-invite:{ticket.pk}",
    )

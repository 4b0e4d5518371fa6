"""Who the portal's visitor is, and what of a request they may see (docs/threat-model.md).

Two levels. Anyone who typed a request's reference with the phone it was made with (or made
it in this session) sees where it stands: status, steps, what that means, the appointment
window. Both can be known or made up by someone else (a stranger can make a request with any
number), so they open nothing personal. Uploads, personal details (name, address, serial,
phone, technician), the timeline's notes and acting on the request (cancel, rate, add
information) need the phone proven with a code sent to it (the session remembers it,
customers/phone_codes.py) or a signed-in, proven account whose customer owns the request.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from aftersales.roles import roles_of
from customers.models import Customer
from customers.phone_codes import proven_phone
from tickets.models import Ticket
from tickets.selectors import REFERENCE_RE

SESSION_KEY = "portal_tickets"


def grant(request: HttpRequest, ticket: Ticket) -> None:
    """Let this session see where ``ticket`` stands (its reference and phone were given)."""
    allowed = request.session.get(SESSION_KEY, [])
    if ticket.pk not in allowed:
        request.session[SESSION_KEY] = [*allowed[-19:], ticket.pk]


def is_portal_customer(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A login the portal accepts: linked to a customer and holding no staff role. Staff sign
    in at the desk, so a desk session never carries into the portal."""
    if not user.is_authenticated or not user.is_active or user.is_staff or user.is_superuser or roles_of(user):
        return False
    try:
        user.customer  # noqa: B018 - loads and caches the linked customer
    except Customer.DoesNotExist:
        return False
    return True


def signed_in_customer(request: HttpRequest) -> Customer | None:
    """The customer of the signed-in portal account, once the account is proven with a code;
    None for anyone else (staff, a login with no customer, an account linked before codes
    existed, which signs in again with a code first)."""
    user = request.user
    if not is_portal_customer(user):
        return None
    customer = user.customer
    return customer if customer.account_verified_at is not None else None


def visible_ticket(request: HttpRequest, reference: str | None) -> Ticket | None:
    """The ticket if this visitor may see where it stands; None otherwise, whether or not it exists."""
    if not reference or not REFERENCE_RE.match(reference):
        return None
    ticket = (
        Ticket.objects.select_related("customer", "unit__model", "assignee", "station")
        .filter(reference=reference.upper())
        .first()
    )
    if ticket is None:
        return None
    if ticket.pk in request.session.get(SESSION_KEY, []) or sees_everything(request, ticket):
        return ticket
    return None


def sees_everything(request: HttpRequest, ticket: Ticket) -> bool:
    """Whether this visitor proved they are the ticket's customer: the phone proven by a code
    in this session is the customer's, or their proven account owns it."""
    if proven_phone(request) == ticket.customer.phone:
        return True
    customer = signed_in_customer(request)
    return customer is not None and customer.pk == ticket.customer_id

"""The one write path of a lead's life: contacted (with a note), won (with its value), lost (with
why), given to another owner or dealer; and the customer's answer about offers, which closes their
open leads when they opt out (docs/sales.md#working-a-lead).

Each service locks the lead, checks the move against ``MOVES``, writes the lead and one
``LeadEvent`` in one transaction. Bad input is a field error; a move the status does not allow
is a ``status`` error. A customer who opted out is never contacted: the contact move is refused.
"""

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.money import CENT
from aftersales.roles import SALES_ROLES, provider_of, works_in_sales
from customers.models import Customer
from customers.offers import may_offer, offers_consent_set
from customers.referral_choices import OffersConsent
from followups.choices import CallbackStatus
from followups.models import CallbackVisit
from network.models import ServiceProvider
from sales.choices import LeadStatus
from sales.models import Lead, LeadEvent

OPEN = (LeadStatus.NEW, LeadStatus.CONTACTED)
# The status each move leaves the lead in, and the statuses it may be made from.
MOVES = {
    "contact": (LeadStatus.CONTACTED, OPEN),
    "win": (LeadStatus.WON, (LeadStatus.CONTACTED,)),
    "lose": (LeadStatus.LOST, OPEN),
    "assign": (None, OPEN),
}
# The reason written on the leads an opt-out closes (data, shown translated on the pages).
OPTED_OUT = "opted out"


def _lock(lead: Lead, move: str, by: AbstractBaseUser) -> Lead:
    if not works_in_sales(by):
        raise PermissionDenied
    locked = Lead._base_manager.select_for_update().select_related("customer").get(pk=lead.pk)
    _to, sources = MOVES[move]
    if locked.status not in sources:
        raise ValidationError(
            {"status": _("A lead that is %(status)s cannot be moved so.") % {"status": locked.get_status_display()}}
        )
    return locked


def _event(lead: Lead, by: AbstractBaseUser | None, note: str = "") -> None:
    LeadEvent._base_manager.create(lead=lead, status=lead.status, note=note, by=by)


@transaction.atomic
def lead_contact(*, lead: Lead, note: str, by: AbstractBaseUser) -> Lead:
    """Record a contact with the customer about the lead (again, while it is open). Refused for
    a customer who has opted out of offers since the lead was found."""
    lead = _lock(lead, "contact", by)
    note = (note or "").strip()
    if not may_offer(lead.customer):
        raise ValidationError({"status": _("The customer has opted out of offers: do not contact them.")})
    if not note:
        raise ValidationError({"note": _("Say what was discussed.")})
    if lead.status == LeadStatus.NEW:
        lead.status = LeadStatus.CONTACTED
        lead.contacted_at = timezone.now()
        lead.save(update_fields=["status", "contacted_at"])
    _event(lead, by, note)
    return lead


def parse_value(value: object) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({"value": _("Enter the amount sold, e.g. 1299.00.")}) from exc
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
        raise ValidationError({"value": _("Enter the amount sold, e.g. 1299.00.")})
    return amount


@transaction.atomic
def lead_win(*, lead: Lead, value: object, note: str = "", by: AbstractBaseUser) -> Lead:
    """The customer bought: the lead is won with the value sold (once contacted)."""
    amount = parse_value(value)
    lead = _lock(lead, "win", by)
    lead.status = LeadStatus.WON
    lead.value = amount
    lead.closed_at = timezone.now()
    lead.save(update_fields=["status", "value", "closed_at"])
    _event(lead, by, (note or "").strip())
    return lead


@transaction.atomic
def lead_lose(*, lead: Lead, reason: str, by: AbstractBaseUser | None) -> Lead:
    """The lead is lost, and why (required)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the lead was lost.")})
    lead = _lock(lead, "lose", by)
    _close_lost(lead, reason, by)
    return lead


def _close_lost(lead: Lead, reason: str, by: AbstractBaseUser | None) -> None:
    lead.status = LeadStatus.LOST
    lead.lost_reason = reason
    lead.closed_at = timezone.now()
    lead.save(update_fields=["status", "lost_reason", "closed_at"])
    _event(lead, by, reason)


def sales_staff():
    return (
        get_user_model()
        ._base_manager.filter(is_active=True, groups__name__in=SALES_ROLES)
        .distinct()
        .order_by("username")
    )


def lead_owners(provider_id: int | None):
    """Who may own a lead of a dealer (their staff who work leads), or of headquarters (staff of
    no provider who work leads)."""
    users = sales_staff()
    if provider_id is None:
        users = users.filter(provider_membership__isnull=True)
    else:
        users = users.filter(provider_membership__provider_id=provider_id)
    return users


@transaction.atomic
def lead_assign(
    *, lead: Lead, owner: AbstractBaseUser | None, dealer: ServiceProvider | None, by: AbstractBaseUser
) -> Lead:
    """Give an open lead to another owner, or (headquarters only) to another dealer or back to
    headquarters' sales staff. The owner must work leads for the lead's dealer (or, without one,
    at headquarters)."""
    lead = _lock(lead, "assign", by)
    own_provider = provider_of(by)
    if own_provider is not None and (dealer.pk if dealer else None) != own_provider:
        raise ValidationError({"dealer": _("Only headquarters gives a lead to another dealer.")})
    dealer_id = dealer.pk if dealer else None
    if owner is not None and not lead_owners(dealer_id).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Choose someone who works the leads of this dealer.")})
    if owner is None and dealer_id is None:
        raise ValidationError({"owner": _("Choose an owner or a dealer.")})
    if (lead.owner_id, lead.owner_provider_id) == (owner.pk if owner else None, dealer_id):
        return lead
    lead.owner = owner
    lead.owner_provider_id = dealer_id
    lead.save(update_fields=["owner", "owner_provider"])
    who = owner.get_username() if owner else "-"
    where = dealer.code if dealer else "-"
    _event(lead, by, _("Given to %(owner)s (dealer: %(dealer)s).") % {"owner": who, "dealer": where})
    return lead


@transaction.atomic
def offers_consent_record(*, customer: Customer, consent: str, source: str, by: AbstractBaseUser) -> Customer:
    """Record what the customer said about offers (customers/offers.py); an opt-out closes every
    open lead of theirs as lost, "opted out", and takes the extended-warranty offer off their
    calls still to make, in the same transaction, so nobody offers them anything."""
    customer = offers_consent_set(customer=customer, consent=consent, source=source, by=by)
    if customer.offers_consent == OffersConsent.REFUSED:
        for lead in Lead._base_manager.select_for_update().filter(customer=customer, status__in=OPEN):
            _close_lost(lead, OPTED_OUT, by)
        CallbackVisit._base_manager.filter(
            customer=customer, status=CallbackStatus.DUE, extended_warranty_offer=True
        ).update(extended_warranty_offer=False)
    return customer

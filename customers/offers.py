"""Whether a customer may be contacted about offers, and the one write path of their answer
(docs/sales.md#consent-and-opting-out).

Offers are everything a service organisation would like to sell: an extended warranty on the
warranty-expiry call, a contract's renewal, an upgrade, a trade-in, a consumable falling due. A
customer who opted out is never contacted about one, on any channel, by anyone: every place
that would make an offer asks :func:`may_offer` first. Messages about their own requests and
contracts in force are not offers and are always sent.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.preferences import _may_set_preferences
from customers.referral_choices import OffersConsent, ReferralChannel


def may_offer(customer: Customer) -> bool:
    """False once the customer opted out of offers."""
    return customer.offers_consent != OffersConsent.REFUSED


@transaction.atomic
def offers_consent_set(*, customer: Customer, consent: str, source: str, by: AbstractBaseUser | None) -> Customer:
    """Record what the customer said about offers, when and where. Staff record it for the
    customer (on the phone, at the desk); the customer changes it on their proven portal
    account. Recording the same answer again keeps its first date."""
    if by is None or not _may_set_preferences(customer, by):
        raise PermissionDenied
    if consent not in (OffersConsent.GIVEN, OffersConsent.REFUSED):
        raise ValidationError({"offers_consent": _("Choose whether the customer agrees to offers or opts out.")})
    if source not in ReferralChannel.values:
        raise ValidationError({"offers_consent_source": _("Choose where the customer said so.")})
    customer = Customer._base_manager.select_for_update().get(pk=customer.pk)
    if customer.offers_consent == consent:
        return customer
    customer.offers_consent = consent
    customer.offers_consent_at = timezone.now()
    customer.offers_consent_source = source
    customer.save(update_fields=["offers_consent", "offers_consent_at", "offers_consent_source", "updated_at"])
    return customer

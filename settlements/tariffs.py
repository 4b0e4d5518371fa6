"""Headquarters' writes of its service providers, rate cards and travel allowances
(docs/settlement-statements.md#rate-cards): the one write path the API and the admin share.

A rate card already priced into settlement lines is history: it cannot be changed or deleted;
a new card from a later date replaces it. Two cards of one provider, category and job type may
not start on the same day.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from network.models import ServiceProvider
from settlements.models import RateCard, SettlementLine, TravelRate
from settlements.statements import is_headquarters_manager


def _ensure_headquarters(by: AbstractBaseUser) -> None:
    if not is_headquarters_manager(by):
        raise PermissionDenied(_("Only headquarters managers may do this."))


@transaction.atomic
def provider_save(*, provider: ServiceProvider | None, data: dict, by: AbstractBaseUser) -> ServiceProvider:
    """Creates a provider (``provider`` None) or changes the given fields of one."""
    _ensure_headquarters(by)
    provider = provider or ServiceProvider()
    code = data.get("code", provider.code)
    if code and ServiceProvider._base_manager.filter(code=code).exclude(pk=provider.pk).exists():
        raise ValidationError({"code": _("Another service provider has this code.")})
    for name, value in data.items():
        setattr(provider, name, value)
    provider.save()
    return provider


def _ensure_unused(card: RateCard) -> None:
    if card.pk and SettlementLine._base_manager.filter(rate_card=card).exists():
        raise ValidationError(
            {"effective_from": _("Settlement lines are priced by this card: add a new card from a later date instead.")}
        )


@transaction.atomic
def rate_card_save(*, card: RateCard | None, data: dict, by: AbstractBaseUser) -> RateCard:
    _ensure_headquarters(by)
    card = card or RateCard(created_by=by)
    _ensure_unused(card)
    for name, value in data.items():
        setattr(card, name, value)
    taken = RateCard._base_manager.filter(
        provider=card.provider, category=card.category, job_type=card.job_type, effective_from=card.effective_from
    ).exclude(pk=card.pk)
    if taken.exists():
        raise ValidationError(
            {"effective_from": _("A card for this provider, category and job type already starts on this day.")}
        )
    card.save()
    return card


@transaction.atomic
def rate_card_delete(*, card: RateCard, by: AbstractBaseUser) -> None:
    _ensure_headquarters(by)
    _ensure_unused(card)
    card.delete()


@transaction.atomic
def travel_rate_save(*, rate: TravelRate | None, data: dict, by: AbstractBaseUser) -> TravelRate:
    _ensure_headquarters(by)
    rate = rate or TravelRate()
    for name, value in data.items():
        setattr(rate, name, value)
    if rate.max_km is not None and rate.max_km <= rate.min_km:
        raise ValidationError({"max_km": _("The band must end above where it starts.")})
    rate.save()
    return rate


@transaction.atomic
def travel_rate_delete(*, rate: TravelRate, by: AbstractBaseUser) -> None:
    _ensure_headquarters(by)
    rate.delete()

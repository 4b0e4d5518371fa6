"""Webhook subscriptions: who may subscribe, to what, where; the secret that signs (issue 7)."""

import datetime as dt
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import manages_quality
from notifications.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from notifications.webhooks import addresses, listened


def new_secret() -> str:
    return secrets.token_hex(32)


def _http_allowed(host: str | None) -> bool:
    """Plain http only while developing, or for the hosts settings.WEBHOOK_ALLOW_HTTP lists (a
    receiver on the same machine): anywhere else the payload and its signature would travel in
    clear text."""
    return settings.DEBUG or (host or "").lower() in {name.lower() for name in settings.WEBHOOK_ALLOW_HTTP}


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": _("Give the receiver's full URL, starting with https://.")})
    if parts.scheme == "http" and not _http_allowed(parts.hostname):
        raise ValidationError({"url": _("The receiver must use https.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Leave credentials out of the URL: every delivery is signed instead.")})
    refused = addresses.refusal(parts.hostname)
    if refused:
        raise ValidationError({"url": refused})


def check_events(events: Iterable[str]) -> list[str]:
    """The events, each once, in the order the catalogue lists them; a field error when empty or unknown."""
    chosen = set(events)
    unknown = sorted(chosen - set(WebhookEvent.values))
    if unknown:
        raise ValidationError({"events": _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}})
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    return [event for event in WebhookEvent.values if event in chosen]


@transaction.atomic
def subscription_create(
    *, owner: AbstractBaseUser, url: str, events: Iterable[str], description: str = "", is_active: bool = True
) -> WebhookSubscription:
    """Subscribe ``url`` to ``events`` for ``owner``, a manager or administrator. The new row
    carries its secret: show it now, it is never shown again. The API and the admin both
    subscribe through here."""
    if not manages_quality(owner):
        raise PermissionDenied(_("Only managers and administrators may subscribe to webhooks."))
    url = (url or "").strip()
    check_url(url)
    return WebhookSubscription.objects.create(
        owner=owner,
        url=url,
        events=check_events(events),
        description=(description or "").strip(),
        is_active=is_active,
        secret=new_secret(),
    )


@transaction.atomic
def subscription_change(
    *,
    subscription: WebhookSubscription,
    owner: AbstractBaseUser,
    url: str,
    events: Iterable[str],
    description: str,
    is_active: bool,
) -> WebhookSubscription:
    """Change a subscription in the admin: its owner (a manager or administrator), receiver,
    events, description, or switch it off. The secret never changes: a new one means a new
    subscription."""
    if not manages_quality(owner):
        raise PermissionDenied(_("Only managers and administrators may subscribe to webhooks."))
    url = (url or "").strip()
    check_url(url)
    subscription.owner = owner
    subscription.url = url
    subscription.events = check_events(events)
    subscription.description = (description or "").strip()
    subscription.is_active = is_active
    subscription.save(update_fields=["owner", "url", "events", "description", "is_active"])
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription, by: AbstractBaseUser, now: dt.datetime | None = None):
    """Stop a subscription. Its deliveries stay as the log of what was sent; those still
    pending are not sent."""
    if subscription.owner_id != by.pk:
        raise PermissionDenied(_("This subscription is someone else's."))
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False, deleted_at=now or timezone.now())
    # An update sends no signal: tell the cache of listened events itself.
    listened.forget()


def subscriptions_of(user: AbstractBaseUser) -> QuerySet[WebhookSubscription]:
    """The user's own subscriptions, not deleted, newest first."""
    return WebhookSubscription.objects.filter(owner=user, deleted_at__isnull=True).order_by("-created_at", "-id")


def deliveries_of(subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription).order_by("-created_at", "-id")


def receives(subscription: WebhookSubscription) -> bool:
    """Whether a delivery to this subscription may still go out: live, and its owner an active manager."""
    owner = subscription.owner
    return subscription.is_active and subscription.deleted_at is None and owner.is_active and manages_quality(owner)

"""A customer's message preferences: how and in which language they are reached, and whether they
receive reminders and offers (docs/lifecycle.md#callbacks-close-the-case; customers/services.py holds the other writes)."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from aftersales import table_memo
from customers.models import Channel, Customer, Language
from customers.services import check_channel, entered_by_staff

# The customer's own choices about their messages, as the admin's history names them.
PREFERENCE_FIELDS = ("preferred_language", "preferred_channel", "optional_messages", "email")


def _may_set_preferences(customer: Customer, by: AbstractBaseUser) -> bool:
    """Staff, or the customer themselves signed in to their proven account."""
    if entered_by_staff(by):
        return True
    return (
        by is not None
        and by.is_authenticated
        and customer.user_id == by.pk
        and customer.account_verified_at is not None
    )


@transaction.atomic
def customer_preferences_set(
    *,
    customer: Customer,
    preferred_language: str,
    preferred_channel: str,
    optional_messages: bool,
    email: str | None = None,
    by: AbstractBaseUser,
) -> Customer:
    """How and in which language a customer is reached, and whether they receive reminders and
    offers (messages a case does not need; those about their requests always go).

    Set by staff or by the customer in their proven account, nobody else (PermissionDenied).
    Both confirm the email they enter (``email``; None leaves it as it is): staff enter what
    they were told, and the customer has proven the phone the account signs in with. Email is
    the channel only with a confirmed email. A portal login signs in with the email too, so
    the account's email follows, and may not be another account's. Who changed what is
    recorded in the customer's history (the admin shows it).
    """
    if not _may_set_preferences(customer, by):
        raise PermissionDenied
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    errors: dict[str, str] = {}
    if preferred_language not in Language.values:
        errors["preferred_language"] = _("Choose a language offered.")
    if preferred_channel not in Channel.values:
        errors["preferred_channel"] = _("Choose a channel offered.")
    entered = email is not None
    email = email.strip() if entered else locked.email
    User = get_user_model()
    if (
        email
        and email.lower() != locked.email.lower()
        and User.objects.filter(email__iexact=email, customer__isnull=False).exclude(pk=locked.user_id).exists()
    ):
        errors["email"] = _("This email address is already used by another account.")
    before = {field: getattr(locked, field) for field in (*PREFERENCE_FIELDS, "email_verified")}
    locked.preferred_language, locked.preferred_channel = preferred_language, preferred_channel
    locked.optional_messages = bool(optional_messages)
    if email != locked.email:
        locked.email = email
        locked.email_verified = bool(email)
    elif entered and email:
        locked.email_verified = True  # entered again by someone who may confirm it
    if "preferred_channel" not in errors and (channel_error := check_channel(locked, channel_chosen=True)):
        errors["preferred_channel"] = channel_error
    if errors:
        raise ValidationError(errors)
    locked.full_clean(exclude=["phone", "representative", "referred_by", "user", "referral_code"])
    locked.save(update_fields=[*PREFERENCE_FIELDS, "email_verified", "updated_at"])
    changed = _changed(before, locked)
    if locked.user_id is not None and "email" in changed:
        User.objects.filter(pk=locked.user_id).update(email=locked.email)
        table_memo.bump(User)  # an update sends no signal (aftersales/table_memo.py)
    if changed:
        # Stored untranslated, as the admin stores its own: each reader sees their language.
        with translation.override(None):
            names = [str(Customer._meta.get_field(field).verbose_name) for field in changed]
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[locked],
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": names}}],
            single_object=True,
        )
    return locked


def _changed(before: dict, customer: Customer) -> list[str]:
    return [field for field, value in before.items() if getattr(customer, field) != value]

"""Contact details typed on a public form, and the desk taking them over (docs/threat-model.md).

The mobile phone is the customer's identity, but typing a number proves nothing: anyone can
type anyone's. So a public form that names a known customer's phone never changes what is
stored about that customer (name, email, address, region, language). What was typed is kept on
the request, as typed (``Ticket.submitted_contact``, every field the visitor filled in), and the
ticket page offers the agent the details that differ from the record. An agent who has checked
them with the customer takes them over; an email taken over this way is confirmed and receives
messages from then on. An email typed on the form for a new customer is on the record but
unconfirmed: the offer lets the agent confirm it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.roles import sees_all_tickets
from customers.models import Customer, Language
from customers.services import customer_update
from tickets.choices import EventKind
from tickets.models import Ticket
from tickets.services import append_event

# The typed field, and the customer field it would replace.
CUSTOMER_FIELDS: dict[str, str] = {
    "name": "name",
    "email": "email",
    "address": "address",
    "region": "region",
    "language": "preferred_language",
}
LABELS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("Email"),
    "address": gettext_lazy("Address"),
    "region": gettext_lazy("Region"),
    "language": gettext_lazy("Language for messages"),
}


@dataclass(frozen=True)
class Difference:
    """One typed detail the desk may take over: what was typed, and what the record holds."""

    field: str
    typed: str
    stored: str
    # The typed email is the one on the record, but nobody has confirmed it yet.
    confirms_email: bool = False

    @property
    def label(self) -> str:
        return str(LABELS[self.field])

    @property
    def typed_display(self) -> str:
        return _display(self.field, self.typed)

    @property
    def stored_display(self) -> str:
        return _display(self.field, self.stored)


def _display(field: str, value: str) -> str:
    if field == "language" and value in Language.values:
        return str(Language(value).label)
    return value


def typed_contact(*, name: str, email: str, address: str, region: str, language: str) -> dict[str, str]:
    """What a public form's contact fields are kept as on the request: each field the visitor
    filled in, stripped. A field left empty says nothing, so it is not kept."""
    typed = {"name": name, "email": email, "address": address, "region": region, "language": language}
    kept = {field: (value or "").strip() for field, value in typed.items()}
    if kept["language"] not in Language.values:
        kept["language"] = ""
    return {field: value for field, value in kept.items() if value}


def stored_contact(customer: Customer) -> dict[str, str]:
    return {field: getattr(customer, name) or "" for field, name in CUSTOMER_FIELDS.items()}


def contact_differences(
    *, typed: Mapping[str, str], stored: Mapping[str, str], email_verified: bool
) -> list[Difference]:
    """The typed details that are not what the record holds, in form order. An email equal to
    the record's but unconfirmed is offered too: taking it over confirms it. Empty typed values
    and unknown keys are no difference."""
    differences = []
    for field in CUSTOMER_FIELDS:
        value = (typed.get(field) or "").strip() if isinstance(typed.get(field), str) else ""
        if not value or (field == "language" and value not in Language.values):
            continue
        current = stored.get(field) or ""
        if value != current:
            differences.append(Difference(field=field, typed=value, stored=current))
        elif field == "email" and not email_verified:
            differences.append(Difference(field=field, typed=value, stored=current, confirms_email=True))
    return differences


def offer_for(ticket: Ticket) -> list[Difference]:
    """What the ticket page offers to take over from the request onto the customer's record
    (no query: the ticket page's ticket comes with its customer)."""
    customer = ticket.customer
    return contact_differences(
        typed=ticket.submitted_contact or {}, stored=stored_contact(customer), email_verified=customer.email_verified
    )


@transaction.atomic
def customer_apply_submitted_contact(*, ticket: Ticket, fields: Iterable[str], by: AbstractBaseUser) -> Customer:
    """Take the chosen typed details of ``ticket`` over onto its customer's record.

    Only staff who may edit customers (agents, managers, administrators) may; only details that
    still differ from the record are taken. The record changes through ``customer_update``, so
    the phone and account rules hold and an email entered by staff is confirmed. An internal
    timeline event names the fields and keeps what they held before.
    """
    if not sees_all_tickets(by):
        raise PermissionDenied
    chosen = list(dict.fromkeys(fields))
    if not chosen:
        raise ValidationError({"fields": _("Tick the details to use.")})
    customer = Customer.objects.select_for_update().get(pk=ticket.customer_id)
    offered = {
        difference.field: difference
        for difference in contact_differences(
            typed=ticket.submitted_contact or {},
            stored=stored_contact(customer),
            email_verified=customer.email_verified,
        )
    }
    if any(field not in offered for field in chosen):
        raise ValidationError(
            {"fields": _("These details are already on the customer's record, or were not typed on this request.")}
        )
    changes = {CUSTOMER_FIELDS[field]: offered[field].typed for field in chosen}
    updated = customer_update(customer=customer, changes=changes, by=by)
    append_event(
        ticket,
        EventKind.NOTE,
        by,
        note=_("Customer details taken over from this request: %(fields)s.")
        % {"fields": ", ".join(offered[field].label for field in chosen)},
        is_public=False,
        data={
            "contact_applied": chosen,
            "previous": {field: offered[field].stored for field in chosen},
        },
    )
    return updated

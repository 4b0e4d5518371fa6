"""A customer's own writes on their requests, from the portal or the API: submit a request,
add information or a photo, cancel, and the files they attach. Customers act without a staff
account; every write still goes through the ticket services and leaves a timeline event
(docs/architecture.md#one-write-path)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, ProductModel, ProductUnit
from customers.referral_choices import ReferralChannel
from customers.referrals import referral_record
from customers.services import Contact, customer_for_contact
from customers.units import unit_register
from tickets import messages as notifications
from tickets.choices import EventKind, Status
from tickets.models import Attachment, AttachmentKind, Ticket
from tickets.services import append_event, ticket_create, ticket_transition
from tickets.submitted_contact import typed_contact
from tickets.uploads import checked_upload


def _typed(contact: Contact) -> dict[str, str]:
    return typed_contact(
        name=contact.name,
        email=contact.email,
        address=contact.address,
        region=contact.region,
        language=contact.language,
    )


def attach(
    *,
    ticket: Ticket,
    upload: UploadedFile,
    kind: str,
    field: str,
    by_customer: bool,
    by=None,
    content_type: str | None = None,
) -> Attachment:
    """Store ``upload`` on the ticket, with a timeline event. ``content_type`` is what
    ``checked_upload`` already answered for this upload; without it the file is checked here."""
    if content_type is None:
        content_type = checked_upload(upload, field=field)
    attachment = Attachment(
        ticket=ticket,
        kind=kind,
        content_type=content_type,
        size=upload.size,
        original_name=(upload.name or "")[-200:],
        uploaded_by_customer=by_customer,
        uploaded_by=by if by is not None and by.is_authenticated else None,
    )
    attachment.file.save(attachment_name(content_type), upload, save=False)
    attachment.save()
    append_event(
        ticket,
        EventKind.ATTACHMENT,
        by,
        message=("file.received", {"kind": attachment.kind}),
        is_public=True,
        data={"attachment": attachment.pk, "by": "customer" if by_customer else "staff"},
    )
    return attachment


def attachment_name(content_type: str) -> str:
    return {"image/jpeg": "upload.jpg", "image/png": "upload.png"}.get(content_type, "upload.pdf")


@transaction.atomic
def customer_request_submit(
    *,
    contact: Contact,
    model: ProductModel | None,
    serial: str,
    purchase_date: dt.date | None,
    kind: str,
    description: str,
    preferred_visit_date: dt.date | None = None,
    preferred_visit_slot: str = "",
    proof: UploadedFile | None = None,
    referral_code: str = "",
    referral_channel: str = ReferralChannel.PORTAL,
) -> Ticket:
    """A request a customer submits, on the portal or through the API: the ticket enters the
    desk queue (channel web).

    The caller is matched by phone, never duplicated, and a known customer's record is never
    changed from here: the contact details typed are kept on the ticket for the desk to take
    over (``submitted_contact``). The product is the customer's unit of
    that model and serial, registered now if new; a serial already registered to someone
    else is kept in the ticket for the desk to sort out rather than refused. The
    confirmation email is written to the outbox in the same transaction and sent after the
    commit, so the request is saved even when the broker or the mail server is down.

    A ``referral_code`` is recorded for a new customer before the product and the ticket are
    written (customers/referrals.py); a refused code is a field error and nothing is saved.
    """
    if preferred_visit_date is not None and preferred_visit_date < timezone.localdate():
        raise ValidationError({"preferred_visit_date": _("Choose today or a later day.")})
    # The file is checked before anything is written: a bad one costs no database work.
    proof_type = checked_upload(proof, field="proof") if proof is not None else None
    customer = customer_for_contact(contact)
    if (referral_code or "").strip():
        customer = referral_record(customer=customer, code=referral_code, channel=referral_channel, by=None)
    unit, serial_note = None, None
    serial = (serial or "").strip()
    if model is not None and serial:
        existing = ProductUnit._base_manager.filter(model=model, serial__iexact=serial).first()
        if existing is None:
            unit = unit_register(
                owner=customer,
                model=model,
                serial=serial,
                invoice_date=purchase_date,
                has_invoice=proof is not None,
                by=None,
                serial_is_new=True,
            )
        elif existing.owner_id == customer.pk:
            unit = existing
        else:
            serial_note = ("portal.serial_of_another", {"model": model.code, "serial": serial})
    ticket = ticket_create(
        customer=customer,
        unit=unit,
        kind=kind,
        channel="web",
        description=description,
        by=None,
        preferred_visit_date=preferred_visit_date,
        preferred_visit_slot=preferred_visit_slot,
        submitted_contact=_typed(contact),
    )
    if serial_note:
        append_event(ticket, EventKind.NOTE, None, message=serial_note, is_public=False)
    elif unit is None and (model is not None or serial):
        details = {
            "model": model.code if model else "",
            "serial": serial,
            "date": purchase_date.isoformat() if purchase_date else "",
        }
        append_event(ticket, EventKind.NOTE, None, message=("portal.unit_details", details), is_public=False)
    if proof is not None:
        attach(
            ticket=ticket,
            upload=proof,
            kind=AttachmentKind.PROOF_OF_PURCHASE,
            field="proof",
            by_customer=True,
            content_type=proof_type,
        )
    notifications.notify_request_received(ticket)
    return ticket


@transaction.atomic
def customer_request_add_info(*, ticket: Ticket, customer: Customer, note: str, photo: UploadedFile | None) -> None:
    """The customer adds information or a photo to their own open request."""
    if ticket.customer_id != customer.pk:
        raise ValidationError({"note": _("We could not find this request.")})
    if ticket.status in (Status.CLOSED, Status.CANCELLED, Status.MERGED):
        raise ValidationError({"note": _("This request is closed. Submit a new request instead.")})
    if not (note or "").strip() and photo is None:
        raise ValidationError({"note": _("Write something or add a photo.")})
    if (note or "").strip():
        append_event(ticket, EventKind.NOTE, None, note=note.strip(), is_public=True, data={"by": "customer"})
    if photo is not None:
        attach(ticket=ticket, upload=photo, kind=AttachmentKind.PHOTO, field="photo", by_customer=True)


def customer_request_cancel(*, ticket: Ticket, customer: Customer, reason: str) -> Ticket:
    """The customer withdraws their request; only until a technician is dispatched."""
    return ticket_transition(ticket=ticket, move="customer_cancel", by=None, customer=customer, note=reason)

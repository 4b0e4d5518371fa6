"""Writing a ticket's timeline: one event per change, and the notes people add.

A system-written line is stored as a code of tickets/timeline_texts.py with its parameters, so
every reader sees it in their own language; a note a person typed is kept as typed.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tickets import timeline_texts
from tickets.choices import EventKind
from tickets.models import Ticket, TicketEvent
from tickets.services.locking import ensure_may_act


def append_event(
    ticket: Ticket,
    kind: str,
    by: AbstractBaseUser | None,
    *,
    note: str = "",
    message: timeline_texts.Message | None = None,
    from_status: str = "",
    to_status: str = "",
    is_public: bool = False,
    data: dict | None = None,
) -> TicketEvent:
    """Add one line to the ticket's timeline.

    ``note`` is text a person typed, kept as typed. Text the system writes is a ``message``: a
    code of tickets/timeline_texts.py and its parameters, stored as such so that every reader
    sees it in their own language. Its ``note`` is then the text in the site's default language,
    for search and for readers that do not know the codes.
    """
    code, params = ("", {}) if message is None else (message[0], dict(message[1]))
    if message is not None and not note:
        note = default_language_text(message)
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=by if by is not None and by.is_authenticated else None,
        note=note,
        message_code=code,
        message_params=params,
        from_status=from_status,
        to_status=to_status,
        is_public=is_public,
        data=data or {},
    )


def default_language_text(message: timeline_texts.Message) -> str:
    code, params = message
    if code not in timeline_texts.TEXTS:
        raise ValueError(f"No timeline text has the code {code!r}.")
    with translation.override(settings.LANGUAGE_CODE):
        return timeline_texts.render(code, params)


@transaction.atomic
def ticket_add_note(*, ticket: Ticket, note: str, is_public: bool, by: AbstractBaseUser) -> TicketEvent:
    """An internal note, or one the customer sees on the tracking page."""
    ensure_may_act(ticket, by)
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the note first.")})
    return append_event(ticket, EventKind.NOTE, by, note=note.strip(), is_public=is_public)

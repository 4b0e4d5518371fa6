"""What the system writes on a ticket's timeline, as codes rendered in the reader's language.

A system-written event stores a stable ``message_code`` and its ``message_params`` (plain JSON),
never a sentence frozen in the language of whoever triggered it: a Chinese customer on the
tracking page and an English-speaking agent on the desk read the same event each in their own
language (docs/lifecycle.md#the-timeline). Human-typed text (an agent's note, a customer's
comment, a cancel reason) is not a code: it stays in ``TicketEvent.note`` as typed, and when a
system text quotes it (a callback's comment, a goodwill reason) it is a parameter shown as is.

How parameters are stored, so that old rows render again in any language:

- vocabulary (a remedy, a callback result, a department, a kind of file) as its choice's code,
  rendered through the choice's label in the active language;
- dates and times as ISO strings, rendered in the active language's formats and in the business
  time zone (``settings.TIME_ZONE``, Django's default time zone);
- warranty reasons as the decision's reason codes with their values (warranty/timeline_texts.py);
- amounts as text, rendered with the currency (aftersales/money.py);
- references, serials, model codes and typed text as given.

The texts of tickets are here; follow-ups and warranty add theirs at start-up
(followups/timeline_texts.py, warranty/timeline_texts.py, through ``tickets.hooks.register_timeline_texts``).

A missing or empty parameter shows as "—". An event without a code, or with a code this module
no longer knows, shows its stored ``note``: rows written before the codes existed keep showing
as they were.

No ORM query, no clock: rendering reads only the event's own fields and the active language.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.money import format_amount
from tickets.models import AttachmentKind, TicketEvent
from tickets.sla.models import SlaStage

EMPTY = "—"

# A system text as a caller hands it to ``append_event``: its code and its parameters.
Message = tuple[str, Mapping[str, object]]
# Renders one placeholder from the whole set of stored parameters.
Formatter = Callable[[Mapping[str, object]], str]


@dataclass(frozen=True)
class SystemText:
    """A template with named placeholders, and how each placeholder is rendered from the stored
    parameters; a placeholder without a formatter shows the parameter of the same name as is."""

    template: Promise | str
    formatters: Mapping[str, Formatter] = field(default_factory=dict)


def _plain(value: object) -> str:
    return EMPTY if value is None or value == "" else str(value)


def _business_time(value: object) -> dt.datetime | None:
    moment = value if isinstance(value, dt.datetime) else parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return timezone.localtime(moment, timezone.get_default_timezone())


def day(name: str) -> Formatter:
    """A date (or the business-time day of a moment) in the active language's short date format."""

    def render(params: Mapping[str, object]) -> str:
        value = params.get(name)
        moment = _business_time(value)
        if moment is not None:
            value = moment.date()
        elif isinstance(value, str):
            value = parse_date(value)
        return formats.date_format(value, "SHORT_DATE_FORMAT") if isinstance(value, dt.date) else EMPTY

    return render


def clock(name: str) -> Formatter:
    """The time of day of a moment in business time, on the 24-hour clock desks read in both languages."""

    def render(params: Mapping[str, object]) -> str:
        moment = _business_time(params.get(name))
        return formats.time_format(moment, "H:i") if moment is not None else EMPTY

    return render


def amount(name: str) -> Formatter:
    """An amount of money with its currency (aftersales/money.py), as every page shows money."""

    def render(params: Mapping[str, object]) -> str:
        shown = format_amount(params.get(name))  # type: ignore[arg-type]
        return shown or _plain(params.get(name))

    return render


def named(name: str) -> Formatter:
    """A catalogue row's name (a provider, a station) in the active language: the Chinese name
    stored beside it as ``<name>_zh`` when the reader reads Chinese and there is one."""

    def render(params: Mapping[str, object]) -> str:
        chinese = params.get(f"{name}_zh")
        if chinese and (translation.get_language() or "").startswith("zh"):
            return str(chinese)
        return _plain(params.get(name))

    return render


def label(choices: type[models.Choices], name: str) -> Formatter:
    """A vocabulary code by its label in the active language; a code no longer in the choices as is."""

    def render(params: Mapping[str, object]) -> str:
        code = params.get(name)
        labels = dict(choices.choices)
        return str(labels[code]) if code in labels else _plain(code)

    return render


# The registry: every text the system writes on a timeline, those of other apps added at start-up
# (tickets/hooks.py). Codes are stable (stored in rows); a text may change its words, never its
# code's meaning.
TEXTS: dict[str, SystemText] = {
    "ticket.duplicate": SystemText(
        _("Possible duplicate of %(reference)s (same customer, product and fault category).")
    ),
    "ticket.merged_in": SystemText(_("%(reference)s was merged into this ticket.")),
    "ticket.deadline_passed": SystemText(_("The deadline for this stage has passed.")),
    "ticket.escalated": SystemText(
        _("Deadline missed: %(stage)s, due %(day)s %(time)s. Escalated to %(to)s."),
        {"stage": label(SlaStage, "stage"), "day": day("due"), "time": clock("due")},
    ),
    "provider.offered": SystemText(
        _("Offered to %(provider)s; to accept by %(day)s %(time)s."),
        {"provider": named("provider"), "day": day("due"), "time": clock("due")},
    ),
    "provider.offered_station": SystemText(
        _("Offered to %(provider)s, station %(station)s; to accept by %(day)s %(time)s."),
        {"provider": named("provider"), "station": named("station"), "day": day("due"), "time": clock("due")},
    ),
    "provider.accepted": SystemText(_("Accepted by %(provider)s."), {"provider": named("provider")}),
    "provider.returned": SystemText(
        _("Returned to headquarters by %(provider)s. Reason: %(reason)s"), {"provider": named("provider")}
    ),
    "provider.offer_expired": SystemText(
        _("Not accepted by %(provider)s by %(day)s %(time)s: returned to headquarters and escalated to %(to)s."),
        {"provider": named("provider"), "day": day("due"), "time": clock("due")},
    ),
    "visit.agreed": SystemText(
        _("Visit agreed: %(day)s, %(from)s–%(to)s."),
        {"day": day("start"), "from": clock("start"), "to": clock("end")},
    ),
    "ticket.arrival_recorded": SystemText(
        _("Technician arrived on site: %(day)s %(time)s."), {"day": day("at"), "time": clock("at")}
    ),
    "file.received": SystemText(_("%(kind)s received."), {"kind": label(AttachmentKind, "kind")}),
    "portal.serial_of_another": SystemText(
        _("The customer gave model %(model)s, serial %(serial)s, registered to another customer.")
    ),
    "portal.unit_details": SystemText(
        _("The customer gave model %(model)s, serial %(serial)s, purchased %(date)s."), {"date": day("date")}
    ),
}


class _Values(dict):
    """The placeholders' values, each rendered when the template asks for it."""

    def __init__(self, text: SystemText, params: Mapping[str, object]) -> None:
        super().__init__()
        self.text, self.params = text, params

    def __missing__(self, name: str) -> str:
        formatter = self.text.formatters.get(name)
        return formatter(self.params) if formatter is not None else _plain(self.params.get(name))


def render(code: str, params: Mapping[str, object]) -> str:
    """The text of ``code`` with ``params``, in the active language. Raises KeyError for an unknown code."""
    text = TEXTS[code]
    return str(text.template) % _Values(text, params)


def render_event_text(event: TicketEvent) -> str:
    """What an event says, in the active language: its system text when it has a known code,
    otherwise (typed notes, rows written before the codes, a code since retired) its stored note."""
    code = event.message_code
    if not code or code not in TEXTS:
        return event.note
    try:
        return render(code, event.message_params or {})
    except (KeyError, TypeError, ValueError, AttributeError):
        # Parameters that do not fit the text any more: the note written with them still reads right.
        return event.note

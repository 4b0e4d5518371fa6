"""What warranty claims write on a ticket's timeline: the ``claim.*`` system texts, added to the
timeline's registry at start-up (tickets/hooks.py, ``WarrantyConfig.ready``).

A decision's reasons are stored as its reason codes with their values and rendered in the
reader's language from the three-guarantees engine's texts.
"""

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

from tickets.timeline_texts import Formatter, SystemText, amount, day, label
from warranty import three_guarantees as tg


def _joined(sentences: Iterable[str]) -> str:
    # A Chinese sentence ends in "。" and is followed by the next one directly; others by a space.
    text = ""
    for sentence in sentences:
        text += sentence if not text or text.endswith("。") else f" {sentence}"
    return text


def reasons(name: str) -> Formatter:
    """A warranty decision's reasons, stored as reason codes with their values, in plain words."""

    def render(params: Mapping[str, object]) -> str:
        items = params.get(name) or []
        return _joined(tg.reason_text(tg.stored_reason(item)) for item in items)

    return render


TEXTS: dict[str, SystemText] = {
    # The reasons are translated texts themselves; nothing around them to translate.
    "claim.decided": SystemText("%(reasons)s", {"reasons": reasons("reasons")}),
    "claim.chosen": SystemText(_("The customer chose: %(remedy)s."), {"remedy": label(tg.Remedy, "remedy")}),
    "claim.goodwill": SystemText(
        _("Goodwill: %(remedy)s, granted by a manager. Reason: %(reason)s"), {"remedy": label(tg.Remedy, "remedy")}
    ),
    "claim.repaired": SystemText(
        _("%(remedy)s carried out; charge %(amount)s."),
        {"remedy": label(tg.Remedy, "remedy"), "amount": amount("amount")},
    ),
    "claim.replaced": SystemText(
        _("Replaced with a new unit, serial %(serial)s; its guarantee periods start again on %(date)s."),
        {"date": day("date")},
    ),
    "claim.returned": SystemText(_("Product returned; %(amount)s refunded."), {"amount": amount("amount")}),
}

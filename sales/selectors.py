"""Reading leads for the desk and the API (docs/sales.md#working-a-lead).

Through ``Lead.objects``: a dealer's staff see their dealer's leads only, so another dealer's
lead answers as a missing one (404)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404

from aftersales.api.filters import MAX_ID
from sales.models import Lead, LeadEvent

RELATED = ("customer", "unit__model", "ticket", "owner", "owner_provider", "rule", "consumable")


def lead_list(
    user: AbstractBaseUser,
    *,
    status: str = "",
    kind: str = "",
    owner: int | None = None,
    dealer: int | None = None,
    mine: bool = False,
) -> QuerySet[Lead]:
    rows = Lead.objects.select_related(*RELATED)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if owner:
        rows = rows.filter(owner_id=owner)
    if dealer:
        rows = rows.filter(owner_provider_id=dealer)
    if mine:
        rows = rows.filter(owner=user)
    return rows


def object_or_404(rows: QuerySet, pk: int):
    found = rows.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if found is None:
        raise Http404(pk)
    return found


def lead_for(user: AbstractBaseUser, pk: int) -> Lead:
    return object_or_404(Lead.objects.select_related(*RELATED), pk)


def lead_history(lead: Lead) -> QuerySet[LeadEvent]:
    # The lead was access-checked already: its events through the base manager.
    return LeadEvent._base_manager.filter(lead=lead).select_related("by").order_by("at", "id")

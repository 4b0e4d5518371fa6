"""The breakdowns every figure can be narrowed to or grouped by, and the tickets every KPI counts."""

from dataclasses import dataclass

from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from tickets.choices import Status

# The breakdowns (docs/kpis.md#breakdowns-and-attribution and the dashboard): each is a path from a ticket.
DIMENSION_PATHS: dict[str, str] = {
    "category": "unit__model__category_id",
    "model": "unit__model_id",
    "batch": "batch_key",
    "station": "station_id",
    "region": "customer__region",
    "agent": "created_by_id",
    "technician": "assignee_id",
    "provider": "provider_id",
}
DIMENSION_LABELS = {
    "category": _("Product category"),
    "model": _("Model"),
    "batch": _("Production batch"),
    "station": _("Service station"),
    "region": _("Region"),
    "agent": _("Agent"),
    "technician": _("Technician"),
    "provider": _("Service provider"),
}


# The breakdown value of records without one (no station, no unit, a customer with no region, a
# ticket logged by no agent, assigned to no technician or dispatched to no provider, i.e. kept by
# headquarters): every breakdown has this row, so its rows sum to the whole.
NO_VALUE = "none"


def batch_key(prefix: str = "") -> Case:
    """``"<model id>:<batch>"``: a batch is named within its model; empty without a unit or batch."""
    named = Concat(
        Cast(f"{prefix}unit__model_id", CharField()), Value(":"), f"{prefix}unit__batch", output_field=CharField()
    )
    missing = Q(**{f"{prefix}unit__isnull": True}) | Q(**{f"{prefix}unit__batch": ""})
    return Case(When(missing, then=Value("")), default=named, output_field=CharField())


# The filters whose values are primary keys.
ID_FIELDS = frozenset({"station", "product_category", "model", "agent", "technician", "provider"})


@dataclass(frozen=True)
class Dimensions:
    """Optional filters; None means every value, :data:`NO_VALUE` the records without one. Model
    instances or primary keys are accepted for ``station``, ``product_category``, ``model``,
    ``agent`` (who logged the ticket) and ``technician`` (the ticket's assignee, always a
    technician), ``provider`` (the service provider the ticket is dispatched to; :data:`NO_VALUE`
    is headquarters' own work); ``batch`` is the batch name (narrow it to one model with
    ``model``); ``region`` is the customer's region."""

    station: object | None = None
    product_category: object | None = None
    region: str | None = None
    model: object | None = None
    batch: str | None = None
    agent: object | None = None
    technician: object | None = None
    provider: object | None = None

    def q(self, prefix: str = "") -> Q:
        condition = Q()
        for name, path in (
            ("station", "station"),
            ("product_category", "unit__model__category"),
            ("model", "unit__model"),
            ("agent", "created_by"),
            ("technician", "assignee"),
            ("provider", "provider"),
        ):
            chosen = getattr(self, name)
            if chosen == NO_VALUE:
                condition &= Q(**{f"{prefix}{path}__isnull": True})
            elif chosen is not None:
                condition &= Q(**{f"{prefix}{path}": chosen})
        if self.batch == NO_VALUE:
            condition &= Q(**{f"{prefix}unit__isnull": True}) | Q(**{f"{prefix}unit__batch": ""})
        elif self.batch is not None:
            condition &= Q(**{f"{prefix}unit__batch": self.batch})
        if self.region == NO_VALUE:
            condition &= Q(**{f"{prefix}customer__region": ""})
        elif self.region is not None:
            condition &= Q(**{f"{prefix}customer__region": self.region})
        return condition

    @classmethod
    def for_value(cls, dimension: str, value: str) -> "Dimensions":
        """The filter for one breakdown row: ``("batch", "12:2403A")`` is model 12, batch 2403A;
        ``("station", "none")`` the records with no station."""
        if dimension in ("", "all"):
            return cls()
        if value == NO_VALUE:
            field = {"category": "product_category"}.get(dimension, dimension)
            if field not in {*ID_FIELDS, "batch", "region"}:
                raise ValueError(f"unknown dimension {dimension!r}")
            return cls(**{field: NO_VALUE})
        if dimension == "batch":
            model, _sep, batch = value.partition(":")
            return cls(model=int(model), batch=batch)
        if dimension == "region":
            return cls(region=value)
        field = {"category": "product_category"}.get(dimension, dimension)
        if field not in ID_FIELDS:
            raise ValueError(f"unknown dimension {dimension!r}")
        return cls(**{field: int(value)})


EVERYWHERE = Dimensions()


def counted_tickets_q(prefix: str = "") -> Q:
    """The tickets every KPI counts: not a test ticket, not a merged duplicate, not cancelled
    before it was dispatched (docs/kpis.md#left-out-everywhere)."""
    merged = Q(**{f"{prefix}merged_into__isnull": False}) | Q(**{f"{prefix}status": Status.MERGED})
    cancelled = Q(**{f"{prefix}cancelled_at__isnull": False}) | Q(**{f"{prefix}status": Status.CANCELLED})
    cancelled_before_dispatch = cancelled & Q(**{f"{prefix}dispatched_at__isnull": True})
    return Q(**{f"{prefix}is_test": False}) & ~merged & ~cancelled_before_dispatch

"""The quality alerts list's filters: open or cleared, and the kind of alert."""

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from quality.models import AlertKind, QualityAlert

OPEN, CLEARED = "open", "cleared"


class AlertFilter(filters.FilterSet):
    state = filters.ChoiceFilter(
        choices=[(OPEN, "open"), (CLEARED, "cleared")], method="filter_state", help_text="Open or cleared alerts."
    )
    kind = filters.ChoiceFilter(choices=AlertKind.choices)

    class Meta:
        model = QualityAlert
        fields = ["state", "kind"]

    def filter_state(self, rows: QuerySet[QualityAlert], name: str, value: str) -> QuerySet[QualityAlert]:
        if value == OPEN:
            return rows.filter(cleared_at__isnull=True)
        if value == CLEARED:
            return rows.filter(~Q(cleared_at__isnull=True))
        return rows

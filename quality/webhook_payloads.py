"""What the quality alerts' webhook events carry (notifications/webhooks delivers them)."""

from typing import Any

from quality.models import QualityAlert


def alert_data(alert: QualityAlert) -> dict[str, Any]:
    """A quality alert's subject and figures."""
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kpi": alert.kpi,
        "dimension": alert.dimension,
        "value": alert.value,
        "label": alert.label,
        "numerator": alert.numerator,
        "denominator": alert.denominator,
        "rate": alert.rate,
        "threshold": alert.threshold,
        "window_start": alert.window_start,
        "window_end": alert.window_end,
        "raised_at": alert.raised_at,
        "cleared_at": alert.cleared_at,
    }

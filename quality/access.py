"""Who reads which quality figures (docs/kpis.md#by-service-provider).

Managers and administrators open the dashboard and the metrics API. Headquarters' (those of no
service provider) see the whole network: every breakdown, every provider by name with its
rank, thresholds, alerts, recalls. A provider's managers and administrators see their own
provider's figures only, with its rank among the providers, and nothing that names or counts
another provider's work: the snapshots are kept for the whole network, so the pages and the
API read the provider's own slice for them (``aftersales.roles.provider_of``), whatever the request asks.
Thresholds, the alert log, recalls and recomputing are headquarters' work.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from aftersales.access import network_manager_required
from aftersales.roles import manages_network_quality, manages_quality

# A quality page for headquarters' managers and administrators only; a provider's get 403.
headquarters_required = network_manager_required


class ManagesNetworkQuality(BasePermission):
    """The API's check of :func:`manages_network_quality` (recall campaigns)."""

    message = _("Only managers and administrators may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        if manages_quality(request.user) and not manages_network_quality(request.user):
            # A provider's manager is told why; anyone else gets the managers' endpoints' answer.
            self.message = _("Only headquarters' managers and administrators may use this endpoint.")
        return manages_network_quality(request.user)

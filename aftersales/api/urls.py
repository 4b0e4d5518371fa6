"""The ``/api/`` URL tree: the REST API, its OpenAPI 3 schema and the schema's pages."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from aftersales.api.errors import NoSuchEndpointView

app_name = "api"

# Swagger UI under the site's content security policy: the split view loads its start-up
# script from a URL instead of inlining it, so scripts stay 'self'; its page template carries
# a <style> block, so this page alone also allows inline styles (tests/browser/test_csp.py).
docs_view = csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_view, name="docs"),
    path("", include("aftersales.api.auth_urls")),
    path("", include("customers.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("notifications.webhooks.urls")),
    path("", include("warranty.api.urls")),
    path("", include("followups.api.urls")),
    path("", include("quality.api.urls")),
    path("", include("parts.api.stock_urls")),
    path("", include("parts.api.demand_urls")),
    path("", include("fieldwork.api.booking_urls")),
    path("", include("fieldwork.api.job_urls")),
    path("", include("fieldwork.api.report_urls")),
    path("", include("settlements.api.urls")),
    path("", include("contracts.api.urls")),
    path("", include("sales.api.urls")),
    # Last: any other path ending in a slash is a JSON 404 (one without a slash still gets Django's
    # redirect to the slashed path, like every endpoint's).
    re_path(r"^[\s\S]*/$", NoSuchEndpointView.as_view(), name="no-such-endpoint"),
]

"""The ``/api/`` URL tree: the REST API, its OpenAPI 3 schema and the schema's pages."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from followups.api import MetricsView
from tickets.api import WarrantyEvaluateView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("warranty/evaluate/", WarrantyEvaluateView.as_view(), name="warranty-evaluate"),
    path("metrics/", MetricsView.as_view(), name="metrics"),
    path("", include("aftersales.api.auth_urls")),
    path("", include("customers.api_urls")),
    path("", include("tickets.api_urls")),
    path("", include("followups.api_urls")),
]

"""The ``/api/`` URL tree: the REST API and its OpenAPI 3 schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from followups.api import MetricsView
from tickets.api import WarrantyEvaluateView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("warranty/evaluate/", WarrantyEvaluateView.as_view(), name="warranty-evaluate"),
    path("metrics/", MetricsView.as_view(), name="metrics"),
]

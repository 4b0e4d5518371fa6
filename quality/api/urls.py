"""The quality API's routes (the metrics, recall campaigns, quality alerts); see aftersales/api/urls.py."""

from django.urls import path

from quality.api import views
from quality.api.csi import CsiIndexView
from quality.api.metrics import MetricsView
from quality.revenue.api import RevenueView

urlpatterns = [
    path("metrics/", MetricsView.as_view(), name="metrics"),
    path("revenue/", RevenueView.as_view(), name="revenue"),
    path("recalls/", views.RecallListCreateView.as_view(), name="recall-list"),
    path("recalls/<int:pk>/", views.RecallDetailView.as_view(), name="recall-detail"),
    path("recalls/<int:pk>/units/", views.RecallUnitListView.as_view(), name="recall-units"),
    path("alerts/", views.AlertListView.as_view(), name="alert-list"),
    path("csi/", CsiIndexView.as_view(), name="csi-index"),
]

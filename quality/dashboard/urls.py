"""The manager dashboard (``/dashboard/``): figures, drill-downs, exports, thresholds, alerts."""

from django.urls import path

from quality.dashboard import csi_views, part_failure_views, views
from quality.revenue import views as revenue_views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/<slug:kind>/", views.tickets, name="tickets"),
    path("tickets/<slug:kind>/export.<str:fmt>", views.tickets_export, name="tickets_export"),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("alerts/", views.alerts, name="alerts"),
    path("part-failures/", part_failure_views.part_failure_list, name="part_failures"),
    path("recompute/", views.recompute, name="recompute"),
    path("revenue/", revenue_views.revenue, name="revenue"),
    path("revenue/export.<str:fmt>", revenue_views.revenue_export, name="revenue_export"),
    path("csi/", csi_views.csi, name="csi"),
]

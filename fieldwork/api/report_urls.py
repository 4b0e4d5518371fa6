"""The service-report API's routes; see aftersales/api/urls.py."""

from django.urls import path

from fieldwork.api import report_views

urlpatterns = [
    path("service-reports/", report_views.ReportListView.as_view(), name="service-report-list"),
    path("service-reports/<int:pk>/", report_views.ReportDetailView.as_view(), name="service-report-detail"),
    path("service-reports/<int:pk>/pdf/", report_views.ReportPdfView.as_view(), name="service-report-pdf"),
]

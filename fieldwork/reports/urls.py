"""The desk's service reports under ``/desk/field/reports/`` (namespace ``fieldwork``)."""

from django.urls import path

from fieldwork.reports import views

urlpatterns = [
    path("reports/<int:pk>/", views.desk_report, name="report"),
]

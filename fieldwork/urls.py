"""The desk's field-service pages under ``/desk/field/``: booking and dispatch, the technician's
day and jobs, and service reports."""

from django.urls import include, path

app_name = "fieldwork"

urlpatterns = [
    path("", include("fieldwork.booking.urls")),
    path("", include("fieldwork.jobs.urls")),
    path("", include("fieldwork.reports.urls")),
]

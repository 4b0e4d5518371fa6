"""The customer's link to their service report under ``/v/r/`` (namespace ``visit``)."""

from django.urls import path

from fieldwork.reports import views

urlpatterns = [
    path("r/<uuid:token>/", views.public_report, name="report"),
]

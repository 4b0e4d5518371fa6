"""The customer's public field-service links: confirm or move a visit, and the service report."""

from django.urls import include, path

app_name = "visit"

urlpatterns = [
    path("", include("fieldwork.visit_links.urls")),
    path("", include("fieldwork.reports.public_urls")),
]

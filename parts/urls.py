"""The desk's parts pages under ``/desk/parts/``: stock, transfers, counts, a ticket's parts
and old-part returns."""

from django.urls import include, path

app_name = "parts"

urlpatterns = [
    path("", include("parts.desk_urls")),
    path("returns/", include("parts.returns_urls")),
    path("tickets/", include("parts.ticket_urls")),
]

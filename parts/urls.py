"""The desk's parts pages under ``/desk/parts/``: stock, transfers, counts and old-part returns."""

from django.urls import include, path

app_name = "parts"

urlpatterns = [
    path("", include("parts.desk_urls")),
    path("returns/", include("parts.returns_urls")),
]

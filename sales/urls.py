"""The desk pages of sales."""

from django.urls import include, path

app_name = "sales"
urlpatterns: list = [
    path("referrals/", include("sales.referrals.urls")),
]

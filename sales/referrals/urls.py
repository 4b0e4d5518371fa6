"""The referral report's desk pages, under ``/desk/leads/referrals/`` (namespace ``sales``)."""

from django.urls import path

from sales.referrals import views

urlpatterns = [
    path("", views.referral_report, name="referrals"),
    path("export.<str:fmt>", views.referral_export, name="referrals_export"),
]

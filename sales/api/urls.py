"""The REST endpoints of sales."""

from django.urls import path

from sales.api import referral_views

urlpatterns: list = [
    path("referrals/", referral_views.ReferralReportView.as_view(), name="referral-report"),
]

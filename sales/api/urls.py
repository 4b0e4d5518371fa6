"""The REST endpoints of sales: leads and their moves, lead rules, a customer's offers consent."""

from django.urls import path

from sales.api import referral_views, views

urlpatterns: list = [
    path("referrals/", referral_views.ReferralReportView.as_view(), name="referral-report"),
    path("leads/", views.LeadList.as_view(), name="lead-list"),
    path("leads/<int:pk>/", views.LeadDetail.as_view(), name="lead-detail"),
    path("leads/<int:pk>/contact/", views.LeadContact.as_view(), name="lead-contact"),
    path("leads/<int:pk>/win/", views.LeadWin.as_view(), name="lead-win"),
    path("leads/<int:pk>/lose/", views.LeadLose.as_view(), name="lead-lose"),
    path("leads/<int:pk>/assign/", views.LeadAssign.as_view(), name="lead-assign"),
    path("lead-rules/", views.LeadRuleList.as_view(), name="lead-rule-list"),
    path("lead-rules/<int:pk>/", views.LeadRuleDetail.as_view(), name="lead-rule-detail"),
    path("customers/<int:pk>/offers-consent/", views.OffersConsentView.as_view(), name="customer-offers-consent"),
]

"""The warranty API's routes (the evaluation, claims); see aftersales/api/urls.py."""

from django.urls import path

from warranty.api import claim_views
from warranty.api.entitlement_views import TicketEntitlementView
from warranty.api.evaluate import WarrantyEvaluateView

urlpatterns = [
    path("warranty/evaluate/", WarrantyEvaluateView.as_view(), name="warranty-evaluate"),
    path("claims/", claim_views.ClaimListCreateView.as_view(), name="claim-list"),
    path("claims/<int:pk>/", claim_views.ClaimDetailView.as_view(), name="claim-detail"),
    path("claims/<int:pk>/choose/", claim_views.ClaimChooseView.as_view(), name="claim-choose"),
    path("claims/<int:pk>/goodwill/", claim_views.ClaimGoodwillView.as_view(), name="claim-goodwill"),
    path("tickets/<str:reference>/entitlement/", TicketEntitlementView.as_view(), name="ticket-entitlement"),
    path("claims/<int:pk>/execute/", claim_views.ClaimExecuteView.as_view(), name="claim-execute"),
]

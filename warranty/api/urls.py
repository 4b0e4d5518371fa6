"""The warranty API's routes (the evaluation, claims); see aftersales/api/urls.py."""

from django.urls import path

from warranty.api import claims
from warranty.api.evaluate import WarrantyEvaluateView

urlpatterns = [
    path("warranty/evaluate/", WarrantyEvaluateView.as_view(), name="warranty-evaluate"),
    path("claims/", claims.ClaimListCreateView.as_view(), name="claim-list"),
    path("claims/<int:pk>/", claims.ClaimDetailView.as_view(), name="claim-detail"),
    path("claims/<int:pk>/choose/", claims.ClaimChooseView.as_view(), name="claim-choose"),
    path("claims/<int:pk>/goodwill/", claims.ClaimGoodwillView.as_view(), name="claim-goodwill"),
    path("claims/<int:pk>/execute/", claims.ClaimExecuteView.as_view(), name="claim-execute"),
]

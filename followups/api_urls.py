"""API routes; see aftersales/api/urls.py.

Claims and webhooks belong to the tickets app; their routes are here because followups may
import tickets (never the other way round), and tickets/api_urls.py is the ticket endpoints' own.
"""

from django.urls import path

from followups import api_views
from tickets import claim_api, webhook_api

urlpatterns = [
    # Warranty claims (tickets/claim_api.py)
    path("claims/", claim_api.ClaimListCreateView.as_view(), name="claim-list"),
    path("claims/<int:pk>/", claim_api.ClaimDetailView.as_view(), name="claim-detail"),
    path("claims/<int:pk>/choose/", claim_api.ClaimChooseView.as_view(), name="claim-choose"),
    path("claims/<int:pk>/goodwill/", claim_api.ClaimGoodwillView.as_view(), name="claim-goodwill"),
    path("claims/<int:pk>/execute/", claim_api.ClaimExecuteView.as_view(), name="claim-execute"),
    # Callback visits
    path("callbacks/", api_views.CallbackListView.as_view(), name="callback-list"),
    path("callbacks/<int:pk>/", api_views.CallbackDetailView.as_view(), name="callback-detail"),
    path("callbacks/<int:pk>/attempts/", api_views.CallbackAttemptView.as_view(), name="callback-attempts"),
    # Quality feedback
    path("feedback/", api_views.FeedbackListView.as_view(), name="feedback-list"),
    path("feedback/<int:pk>/", api_views.FeedbackDetailView.as_view(), name="feedback-detail"),
    path("feedback/<int:pk>/acknowledge/", api_views.FeedbackAcknowledgeView.as_view(), name="feedback-acknowledge"),
    path("feedback/<int:pk>/answer/", api_views.FeedbackAnswerView.as_view(), name="feedback-answer"),
    # Recalls and alerts
    path("recalls/", api_views.RecallListCreateView.as_view(), name="recall-list"),
    path("recalls/<int:pk>/", api_views.RecallDetailView.as_view(), name="recall-detail"),
    path("recalls/<int:pk>/units/", api_views.RecallUnitListView.as_view(), name="recall-units"),
    path("alerts/", api_views.AlertListView.as_view(), name="alert-list"),
    # Webhooks (tickets/webhook_api.py)
    path("webhooks/", webhook_api.WebhookListCreateView.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>/", webhook_api.WebhookDetailView.as_view(), name="webhook-detail"),
    path("webhooks/<int:pk>/deliveries/", webhook_api.WebhookDeliveryListView.as_view(), name="webhook-deliveries"),
    path("webhooks/<int:pk>/ping/", webhook_api.WebhookPingView.as_view(), name="webhook-ping"),
]

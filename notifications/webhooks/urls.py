"""The webhook subscription API's routes; see aftersales/api/urls.py."""

from django.urls import path

from notifications.webhooks import api

urlpatterns = [
    path("webhooks/", api.WebhookListCreateView.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>/", api.WebhookDetailView.as_view(), name="webhook-detail"),
    path("webhooks/<int:pk>/deliveries/", api.WebhookDeliveryListView.as_view(), name="webhook-deliveries"),
    path("webhooks/<int:pk>/ping/", api.WebhookPingView.as_view(), name="webhook-ping"),
]

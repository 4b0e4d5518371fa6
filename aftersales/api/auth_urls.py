"""API routes; see aftersales/api/urls.py."""

from django.urls import path

from aftersales.api.tokens import TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
]

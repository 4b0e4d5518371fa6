"""API routes; see aftersales/api/urls.py."""

urlpatterns: list = []

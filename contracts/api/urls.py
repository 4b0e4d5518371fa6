"""The REST endpoints of contracts."""

urlpatterns: list = []

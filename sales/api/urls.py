"""The REST endpoints of sales."""

urlpatterns: list = []

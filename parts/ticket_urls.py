"""URL patterns (filled as the views land)."""

urlpatterns: list = []

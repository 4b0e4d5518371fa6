"""The desk pages of archive."""

app_name = "archive"
urlpatterns: list = []

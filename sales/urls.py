"""The desk pages of sales."""

app_name = "sales"
urlpatterns: list = []

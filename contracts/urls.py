"""The desk pages of contracts."""

app_name = "contracts"
urlpatterns: list = []

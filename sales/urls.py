"""The desk's leads and referrals, under ``/desk/leads/`` (namespace ``sales``)."""

from django.urls import include, path

from sales import views

app_name = "sales"
urlpatterns: list = [
    path("", views.lead_list, name="list"),
    path("referrals/", include("sales.referrals.urls")),
    path("<int:pk>/", views.lead_detail, name="lead"),
    path("<int:pk>/<str:move>/", views.lead_move, name="move"),
    path("customers/<int:pk>/offers-consent/", views.customer_offers_consent, name="offers_consent"),
]

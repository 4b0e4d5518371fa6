"""The desk pages of contracts, under ``/desk/contracts/`` (namespace ``contracts``)."""

from django.urls import path

from contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/cancel/", views.contract_cancel, name="cancel"),
    path("<int:pk>/confirm-payment/", views.payment_confirm, name="confirm_payment"),
    path("<int:pk>/visits/", views.visit_record, name="visit"),
    path("<int:pk>/renew/", views.contract_renew, name="renew"),
    path("sell/unit/<int:unit_pk>/", views.contract_sell, name="sell"),
]

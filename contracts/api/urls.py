"""The REST endpoints of contracts (aftersales/api/urls.py): the catalogue, contracts, a sale,
a cancellation and a plan's visit."""

from django.urls import path

from contracts.api import views

urlpatterns = [
    path("contract-products/", views.ProductList.as_view(), name="contract-product-list"),
    path("contract-products/<int:pk>/", views.ProductDetail.as_view(), name="contract-product-detail"),
    path("contracts/", views.ContractList.as_view(), name="contract-list"),
    path("contracts/<int:pk>/", views.ContractDetail.as_view(), name="contract-detail"),
    path("contracts/<int:pk>/cancel/", views.ContractCancel.as_view(), name="contract-cancel"),
    path(
        "contracts/<int:pk>/confirm-payment/", views.ContractPaymentConfirm.as_view(), name="contract-confirm-payment"
    ),
    path("contracts/<int:pk>/visits/", views.ContractVisits.as_view(), name="contract-visits"),
]

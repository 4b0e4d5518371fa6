"""API routes; see aftersales/api/urls.py."""

from django.urls import path

from customers.api import views as api_views

urlpatterns = [
    path("customers/", api_views.CustomerListView.as_view(), name="customer-list"),
    path("customers/me/", api_views.CustomerMeView.as_view(), name="customer-me"),
    path("customers/<int:pk>/", api_views.CustomerDetailView.as_view(), name="customer-detail"),
    path("units/", api_views.UnitListView.as_view(), name="unit-list"),
    path("units/<int:pk>/", api_views.UnitDetailView.as_view(), name="unit-detail"),
]

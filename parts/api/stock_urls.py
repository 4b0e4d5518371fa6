"""The parts catalogue and stock API's routes (parts/api/catalogue_views.py, parts/api/stock_views.py);
see aftersales/api/urls.py."""

from django.urls import path

from parts.api import catalogue_views
from parts.api import stock_views as views

urlpatterns = [
    path("parts/", catalogue_views.PartListView.as_view(), name="part-list"),
    path("parts/<int:pk>/", catalogue_views.PartDetailView.as_view(), name="part-detail"),
    path("stock/levels/", views.StockLevelListView.as_view(), name="stock-level-list"),
    path("stock/levels/<int:pk>/", views.StockLevelDetailView.as_view(), name="stock-level-detail"),
    path("stock/movements/", views.MovementListView.as_view(), name="stock-movement-list"),
    path("stock/receipts/", views.ReceiptView.as_view(), name="stock-receipt"),
    path("stock/counts/", views.CountView.as_view(), name="stock-count"),
    path("stock/transfers/", views.TransferListView.as_view(), name="stock-transfer-list"),
    path("stock/transfers/<int:pk>/", views.TransferDetailView.as_view(), name="stock-transfer-detail"),
    path("stock/transfers/<int:pk>/receive/", views.TransferReceiveView.as_view(), name="stock-transfer-receive"),
    path("stock/transfers/<int:pk>/cancel/", views.TransferCancelView.as_view(), name="stock-transfer-cancel"),
]

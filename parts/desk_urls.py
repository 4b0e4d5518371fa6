"""The desk's stock pages (parts/desk_views.py), under ``/desk/parts/``."""

from django.urls import path

from parts import desk_views

urlpatterns = [
    path("", desk_views.stock, name="stock"),
    path("stations/<int:station>/parts/<int:part>/", desk_views.ledger, name="ledger"),
    path("receive/", desk_views.receive, name="receive"),
    path("count/", desk_views.count, name="count"),
    path("transfers/", desk_views.transfers, name="transfers"),
    path("transfers/new/", desk_views.transfer_new, name="transfer_new"),
    path("transfers/<int:pk>/receive/", desk_views.transfer_receive, name="transfer_receive"),
    path("transfers/<int:pk>/cancel/", desk_views.transfer_cancel, name="transfer_cancel"),
    path("report.xlsx", desk_views.stock_report, name="stock_report"),
]

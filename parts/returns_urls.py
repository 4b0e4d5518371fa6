"""Old-part returns, under ``/desk/parts/returns/`` (namespace ``parts``)."""

from django.urls import path

from parts import returns_views as views

urlpatterns = [
    path("", views.return_list, name="returns"),
    path("<int:pk>/ship/", views.return_ship, name="return_ship"),
    path("<int:pk>/receive/", views.return_receive, name="return_receive"),
    path("<int:pk>/inspect/", views.return_inspect, name="return_inspect"),
]

"""The desk's unit history pages, under ``/desk/units/`` (namespace ``archive``)."""

from django.urls import path

from archive import views

app_name = "archive"
urlpatterns = [
    path("", views.unit_search, name="search"),
    path("<int:pk>/", views.unit_detail, name="unit"),
]

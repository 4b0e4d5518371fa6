"""The customer's confirm-or-move link of a visit, ``/v/<token>/`` (namespace ``visit``)."""

from django.urls import path

from fieldwork.visit_links import views

urlpatterns = [
    path("<uuid:token>/", views.visit_link, name="link"),
]

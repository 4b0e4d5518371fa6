"""Recall campaigns in the manager's pages (``/dashboard/recalls/``)."""

from django.urls import path

from quality.recalls import views as recall_views

app_name = "recalls"
urlpatterns = [
    path("", recall_views.recall_list, name="list"),
    path("new/", recall_views.recall_new, name="new"),
    path("<int:pk>/", recall_views.recall_detail, name="detail"),
]

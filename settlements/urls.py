"""The desk's statements, under ``/desk/settlement/`` (namespace ``settlements``)."""

from django.urls import path

from settlements import views

app_name = "settlements"

urlpatterns = [
    path("", views.statement_list, name="list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>/export.<str:fmt>", views.statement_export, name="export"),
    path("statements/<int:pk>/lines/<int:line_pk>/decide/", views.line_decide, name="line_decide"),
    path("statements/<int:pk>/<str:move>/", views.statement_move, name="move"),
]

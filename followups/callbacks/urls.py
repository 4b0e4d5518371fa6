"""The callback queue in the staff desk (``/desk/callbacks/``)."""

from django.urls import path

from followups.callbacks import offer_views, views

app_name = "followups"
urlpatterns = [
    path("", views.callback_queue, name="queue"),
    path("<int:pk>/", views.callback_detail, name="callback"),
    path("<int:pk>/attempt/", views.callback_attempt, name="attempt"),
    path("<int:pk>/offer/", offer_views.callback_offer, name="offer"),
]

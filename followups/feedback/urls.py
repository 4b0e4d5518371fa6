"""The departments' quality feedback inbox (``/feedback/``): the list, an item, acknowledge, answer."""

from django.urls import path

from followups.feedback import views as feedback_views

app_name = "feedback"
urlpatterns = [
    path("", feedback_views.inbox, name="inbox"),
    path("<int:pk>/", feedback_views.item, name="item"),
    path("<int:pk>/acknowledge/", feedback_views.acknowledge, name="acknowledge"),
    path("<int:pk>/answer/", feedback_views.answer, name="answer"),
]

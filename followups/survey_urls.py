"""The after-service survey customers answer through an emailed link (``/survey/``)."""

from django.urls import path

from followups import survey_views

app_name = "survey"
urlpatterns = [
    path("<str:token>/", survey_views.survey, name="answer"),
]

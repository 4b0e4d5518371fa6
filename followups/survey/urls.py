"""The after-service survey customers answer through an emailed link (``/survey/``)."""

from django.urls import path

from followups.survey import views as survey_views

app_name = "survey"
urlpatterns = [
    path("<str:token>/", survey_views.survey, name="answer"),
]

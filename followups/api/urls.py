"""The follow-up API's routes (callback visits and quality feedback); see aftersales/api/urls.py."""

from django.urls import path

from followups.api import offer_views, programs, views

urlpatterns = [
    path("callbacks/", views.CallbackListView.as_view(), name="callback-list"),
    path("callbacks/<int:pk>/", views.CallbackDetailView.as_view(), name="callback-detail"),
    path("callbacks/<int:pk>/attempts/", views.CallbackAttemptView.as_view(), name="callback-attempts"),
    path("callbacks/<int:pk>/offer/", offer_views.CallbackOfferView.as_view(), name="callback-offer"),
    path("feedback/", views.FeedbackListView.as_view(), name="feedback-list"),
    path("feedback/<int:pk>/", views.FeedbackDetailView.as_view(), name="feedback-detail"),
    path("feedback/<int:pk>/acknowledge/", views.FeedbackAcknowledgeView.as_view(), name="feedback-acknowledge"),
    path("feedback/<int:pk>/answer/", views.FeedbackAnswerView.as_view(), name="feedback-answer"),
    path("survey-programs/", programs.SurveyProgramList.as_view(), name="survey-program-list"),
    path("survey-programs/<int:pk>/", programs.SurveyProgramDetail.as_view(), name="survey-program-detail"),
]

"""The technician's day and jobs under /desk/field/ (namespace ``fieldwork``)."""

from django.urls import path

from fieldwork.jobs import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/parts/", views.parts_search, name="job_parts"),
    path("jobs/<int:pk>/photos/<int:photo_pk>/", views.photo, name="job_photo"),
    path("jobs/<int:pk>/signature/", views.signature, name="job_signature"),
    path("jobs/<int:pk>/<slug:action>/", views.job_action, name="job_action"),
]

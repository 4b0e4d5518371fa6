"""The technician's job API under /api/field/ (fieldwork/api/job_views.py)."""

from django.urls import path

from fieldwork.api import job_views

urlpatterns = [
    path("field/day/", job_views.DayView.as_view(), name="field-day"),
    path("field/jobs/<int:pk>/", job_views.JobView.as_view(), name="field-job"),
    path("field/jobs/<int:pk>/check-in/", job_views.CheckInView.as_view(), name="field-job-check-in"),
    path("field/jobs/<int:pk>/record/", job_views.RecordView.as_view(), name="field-job-record"),
    path("field/jobs/<int:pk>/photos/", job_views.PhotoView.as_view(), name="field-job-photo"),
    path("field/jobs/<int:pk>/parts/", job_views.PartView.as_view(), name="field-job-part"),
    path("field/jobs/<int:pk>/signature/", job_views.SignatureView.as_view(), name="field-job-signature"),
    path("field/jobs/<int:pk>/check-out/", job_views.CheckOutView.as_view(), name="field-job-check-out"),
]

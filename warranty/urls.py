"""The desk's pages of three-guarantees claims, under a ticket (``/desk/tickets/<reference>/claims/``)."""

from django.urls import path

from warranty import views

app_name = "warranty"
urlpatterns = [
    path("tickets/<str:reference>/claims/new/", views.claim_new, name="claim_new"),
    path("tickets/<str:reference>/claims/<int:pk>/", views.claim_detail, name="claim"),
    path("tickets/<str:reference>/claims/<int:pk>/choose/", views.claim_choose, name="claim_choose"),
    path("tickets/<str:reference>/claims/<int:pk>/goodwill/", views.claim_goodwill, name="claim_goodwill"),
    path("tickets/<str:reference>/claims/<int:pk>/execute/", views.claim_execute, name="claim_execute"),
    path("tickets/<str:reference>/warranty-record/", views.warranty_record, name="warranty_record"),
]

from django.contrib import admin
from django.urls import include, path

from aftersales.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("aftersales.api.urls")),
    path("desk/callbacks/", include("followups.urls")),
    path("desk/", include("tickets.urls")),
    path("dashboard/recalls/", include("followups.recall_urls")),
    path("dashboard/", include("followups.dashboard_urls")),
    path("feedback/", include("tickets.feedback_urls")),
    path("survey/", include("followups.survey_urls")),
    path("", include("tickets.portal_urls")),
]

# Under /api/ these answer in the API's JSON error shape; elsewhere they are the site's pages.
handler400 = "aftersales.errors.bad_request"
handler403 = "aftersales.errors.permission_denied"
handler404 = "aftersales.errors.page_not_found"
handler500 = "aftersales.errors.server_error"

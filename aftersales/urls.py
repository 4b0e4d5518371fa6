from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("aftersales.api_urls")),
    path("desk/callbacks/", include("followups.urls")),
    path("desk/", include("tickets.urls")),
    path("survey/", include("followups.survey_urls")),
    path("", include("tickets.portal_urls")),
]

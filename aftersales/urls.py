from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("aftersales.api_urls")),
    path("desk/", include("tickets.urls")),
    path("", RedirectView.as_view(pattern_name="desk:queue", permanent=False)),
]

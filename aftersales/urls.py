from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from aftersales.health import healthz
from aftersales.organisation import organisation_name

# The admin under the organisation's name, in the language of the page.
admin.site.site_header = admin.site.site_title = lazy(organisation_name, str)()
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico"), permanent=True)),
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

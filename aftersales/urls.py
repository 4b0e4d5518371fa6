from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from aftersales.health import healthz
from aftersales.lockout import limit_sign_in_failures_per_address
from aftersales.organisation import organisation_name

# The admin under the organisation's name, in the language of the page.
admin.site.site_header = admin.site.site_title = lazy(organisation_name, str)()
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico"), permanent=True)),
    # The admin's sign-in, limited per address like the desk's (aftersales/lockout.py); its
    # "Forgotten your password?" link leads to the staff password reset.
    path("admin/login/", limit_sign_in_failures_per_address(admin.site.login)),
    path(
        "admin/password-reset/",
        RedirectView.as_view(pattern_name="desk:password_reset"),
        name="admin_password_reset",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("aftersales.api.urls")),
    path("desk/callbacks/", include("followups.callbacks.urls")),
    path("desk/field/", include("fieldwork.urls")),
    path("desk/parts/", include("parts.urls")),
    path("desk/settlement/", include("settlements.urls")),
    path("desk/contracts/", include("contracts.urls")),
    path("desk/leads/", include("sales.urls")),
    path("desk/units/", include("archive.urls")),
    path("v/", include("fieldwork.public_urls")),
    path("desk/", include("warranty.urls")),
    path("desk/", include("tickets.urls")),
    path("dashboard/recalls/", include("quality.recalls.urls")),
    path("dashboard/", include("quality.dashboard.urls")),
    path("feedback/", include("followups.feedback.urls")),
    path("survey/", include("followups.survey.urls")),
    path("", include("portal.urls")),
]

# Under /api/ these answer in the API's JSON error shape; elsewhere they are the site's pages.
handler400 = "aftersales.errors.bad_request"
handler403 = "aftersales.errors.permission_denied"
handler404 = "aftersales.errors.page_not_found"
handler500 = "aftersales.errors.server_error"

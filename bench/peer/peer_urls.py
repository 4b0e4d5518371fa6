"""The peer's URLs: django-helpdesk at the root, and the same hello-world as the product's
``/healthz`` (the whole middleware stack and a view that returns "ok"): the ceiling."""

from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]

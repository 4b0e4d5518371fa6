"""The product's URLs with the field-service and parts pages the desk menu links to standing in,
for tests of the menu before (or without) those pages."""

from django.http import HttpResponse
from django.urls import include, path

from aftersales.urls import urlpatterns as product_urlpatterns


def _page(request):
    return HttpResponse("")


field = ([path("today/", _page, name="today")], "fieldwork")
parts = ([path("", _page, name="stock"), path("returns/", _page, name="returns")], "parts")
urlpatterns = [
    path("desk/field/", include(field)),
    path("desk/parts/", include(parts)),
    *(pattern for pattern in product_urlpatterns if getattr(pattern, "namespace", None) not in ("fieldwork", "parts")),
]

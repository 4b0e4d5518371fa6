import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
application = get_wsgi_application()


def settle_collector() -> None:
    """Leave what loading made (modules, settings, URL patterns, translations) out of the cyclic
    garbage collector's walks, and let it run less often: a desk page makes tens of thousands of
    short-lived objects, and each full collection walked the hundreds of thousands loaded once.
    Memory freed by reference counting, as nearly all of a request's, is unaffected."""
    gc.freeze()
    gc.set_threshold(GC_FIRST_GENERATION_THRESHOLD, *gc.get_threshold()[1:])


# Allocations between two collections of the youngest generation (CPython's default: 700).
GC_FIRST_GENERATION_THRESHOLD = 20_000

settle_collector()

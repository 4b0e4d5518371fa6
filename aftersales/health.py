"""``/healthz``: the load balancer's health check (docs/architecture.md#the-embedded-default-and-postgresql-with-redis).

It answers "ok" as soon as the process can serve a request: no database, cache or session
access, so a slow or restarting PostgreSQL does not take every web process out of the
balancer at once (readiness of the backing services is the monitoring's job, not the
balancer's). The request still passes the whole middleware stack, which is why the load
benchmark (bench/load_bench.py) uses it as its hello-world ceiling: what gunicorn and Django
cost before any product code runs.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")

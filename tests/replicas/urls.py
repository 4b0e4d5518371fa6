"""Views for the routing tests: each answers where its reads of the signed-in user's row went."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from aftersales import table_memo
from aftersales.replicas.marks import replica_reads


def _read(request: HttpRequest) -> str:
    return get_user_model().objects.get(pk=request.user.pk)._state.db


def _answer(request: HttpRequest, *reads: str) -> HttpResponse:
    return HttpResponse(",".join(reads), status=int(request.GET.get("status", 200)))


@replica_reads
def tolerant(request: HttpRequest) -> HttpResponse:
    return _answer(request, _read(request))


def plain(request: HttpRequest) -> HttpResponse:
    return _answer(request, _read(request))


@replica_reads
def writes_between_reads(request: HttpRequest) -> HttpResponse:
    before = _read(request)
    get_user_model().objects.filter(pk=request.user.pk).update(first_name="Changed")
    return _answer(request, before, _read(request))


@replica_reads
def reads_in_a_transaction(request: HttpRequest) -> HttpResponse:
    before = _read(request)
    with transaction.atomic():
        inside = _read(request)
    return _answer(request, before, inside, _read(request))


@replica_reads
def memo_row(request: HttpRequest) -> HttpResponse:
    """Where the process's memo read the user's row (aftersales/table_memo.py), and a plain read."""
    kept = table_memo.rows(get_user_model(), [request.user.pk])[request.user.pk]
    return _answer(request, kept._state.db, _read(request))


urlpatterns = [
    path("memo-row/", memo_row),
    path("tolerant/", tolerant),
    path("plain/", plain),
    path("writes-between-reads/", writes_between_reads),
    path("reads-in-a-transaction/", reads_in_a_transaction),
]

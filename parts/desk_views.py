"""The desk's stock pages under ``/desk/parts/`` (docs/parts.md): stock per station, a part's
ledger at a station, goods received, transfers, stock counts and the XLSX stock report.

Agents, managers and administrators see every station; a technician only their own stations
(parts/scope.py): another station's ledger, report or transfer is a 404, and its stock is not
listed. Views parse, call one service or selector, and render; the rules live in parts/stock.py.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.errors import add_errors_to_form
from aftersales.pagination import PAGE_SIZES, CappedPaginator, page_size_from
from parts import stock as services
from parts import stock_selectors as selectors
from parts.models import Part, StockLevel, TransferStatus
from parts.scope import sees_every_station, sees_stock, stations_for
from parts.stock_forms import CancelTransferForm, CountForm, ReceiveForm, TransferForm
from parts.stock_report import XLSX_TYPE, report_filename, report_xlsx
from tickets.models import ServiceStation

MAX_SLOW_DAYS = 3650


def stock_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in agents, technicians, managers and administrators."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not sees_stock(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _page(request: HttpRequest, rows):
    paginator = CappedPaginator(rows, page_size_from(request, settings.DESK_PAGE_SIZE), cap=settings.DESK_COUNT_CAP)
    return paginator.get_page(request.GET.get("page"))


def _query_string(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _my_station(request: HttpRequest, pk: int) -> ServiceStation:
    """A station whose stock the user may see; a 404 otherwise, whether it exists or not."""
    return get_object_or_404(stations_for(request.user), pk=pk)


@stock_required
@require_GET
def stock(request: HttpRequest) -> HttpResponse:
    station = _int(request.GET.get("station"))
    text = request.GET.get("q", "")[:80]
    below = request.GET.get("below") == "1"
    levels = selectors.stock_levels_for(request.user, station=station, text=text, below_reorder=below)
    return render(
        request,
        "parts/desk/stock.html",
        {
            "nav": "stock",
            "page": _page(request, levels),
            "stations": stations_for(request.user).order_by("region", "name"),
            "station": station,
            "q": text,
            "below": below,
            "in_transit": list(selectors.in_transit_to(request.user)[:20]),
            "query_string": _query_string(request),
            "page_sizes": PAGE_SIZES,
        },
    )


@stock_required
@require_GET
def ledger(request: HttpRequest, station: int, part: int) -> HttpResponse:
    station_obj = _my_station(request, station)
    part_obj = get_object_or_404(Part, pk=part)
    level = StockLevel.objects.filter(station=station_obj, part=part_obj).first()
    rows = selectors.movements_for(request.user, station=station_obj.pk, part=part_obj.pk).order_by(
        "-created_at", "-id"
    )
    return render(
        request,
        "parts/desk/ledger.html",
        {
            "nav": "stock",
            "station": station_obj,
            "part": part_obj,
            "level": level,
            "page": _page(request, rows),
            "query_string": _query_string(request),
            "page_sizes": PAGE_SIZES,
        },
    )


def _initial(request: HttpRequest) -> dict:
    initial = {}
    if station := _int(request.GET.get("station")):
        initial["station"] = station
    if number := request.GET.get("part", "")[:40]:
        initial["part"] = number
    return initial


def _stock_form_page(request: HttpRequest, form_class, template: str, act: Callable) -> HttpResponse:
    """GET shows the form; POST runs ``act(form)`` and goes to the part's ledger, or shows the
    form again with the service's field errors (nothing written)."""
    if request.method != "POST":
        form = form_class(user=request.user, initial=_initial(request))
        return render(request, template, {"nav": "stock", "form": form})
    form = form_class(request.POST, user=request.user)
    if form.is_valid():
        try:
            message = act(form.cleaned_data)
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, message)
            data = form.cleaned_data
            return redirect("parts:ledger", station=data["station"].pk, part=data["part"].pk)
    return render(request, template, {"nav": "stock", "form": form}, status=400)


@stock_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    def act(data: dict) -> str:
        services.stock_receive(
            station=data["station"],
            part=data["part"],
            quantity=data["quantity"],
            by=request.user,
            reason=data["reason"],
            batch=data["batch"],
            unit_cost=data["unit_cost"],
        )
        return _("Received %(quantity)d × %(part)s.") % {"quantity": data["quantity"], "part": data["part"].number}

    return _stock_form_page(request, ReceiveForm, "parts/desk/receive.html", act)


@stock_required
@require_http_methods(["GET", "POST"])
def count(request: HttpRequest) -> HttpResponse:
    def act(data: dict) -> str:
        row = services.stock_count(
            station=data["station"], part=data["part"], counted=data["counted"], by=request.user, reason=data["reason"]
        )
        return _("Count recorded: %(part)s is %(counted)d on hand (%(change)+d).") % {
            "part": data["part"].number,
            "counted": data["counted"],
            "change": row.quantity,
        }

    return _stock_form_page(request, CountForm, "parts/desk/count.html", act)


@stock_required
@require_http_methods(["GET", "POST"])
def transfer_new(request: HttpRequest) -> HttpResponse:
    def act(data: dict) -> str:
        services.transfer_ship(
            from_station=data["station"],
            to_station=data["to_station"],
            part=data["part"],
            quantity=data["quantity"],
            by=request.user,
        )
        return _("Sent %(quantity)d × %(part)s to %(station)s: in transit until received.") % {
            "quantity": data["quantity"],
            "part": data["part"].number,
            "station": data["to_station"].display_name,
        }

    return _stock_form_page(request, TransferForm, "parts/desk/transfer_new.html", act)


@stock_required
@require_GET
def transfers(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in TransferStatus.values else ""
    rows = selectors.transfers_for(request.user, status=status)
    # Who sees every station receives at any; a technician at their own stations.
    receives_all = sees_every_station(request.user)
    receivable = set() if receives_all else set(stations_for(request.user).values_list("pk", flat=True))
    return render(
        request,
        "parts/desk/transfers.html",
        {
            "nav": "stock",
            "page": _page(request, rows),
            "status": status,
            "statuses": TransferStatus.choices,
            "receives_all": receives_all,
            "receivable": receivable,
            "query_string": _query_string(request),
            "page_sizes": PAGE_SIZES,
        },
    )


def _my_transfer(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.transfers_for(request.user), pk=pk)


@stock_required
@require_POST
def transfer_receive(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _my_transfer(request, pk)
    try:
        services.transfer_receive(transfer=transfer, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Received %(quantity)d × %(part)s.") % {"quantity": transfer.quantity, "part": transfer.part.number},
        )
    return redirect("parts:transfers")


@stock_required
@require_POST
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _my_transfer(request, pk)
    form = CancelTransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the transfer is cancelled."))
        return redirect("parts:transfers")
    try:
        services.transfer_cancel(transfer=transfer, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Transfer cancelled: the parts are back in the sender's stock."))
    return redirect("parts:transfers")


@stock_required
@require_GET
def stock_report(request: HttpRequest) -> HttpResponse:
    """The station's stock report as XLSX; ``?days=`` sets the slow-mover window (default 90)."""
    station_id = _int(request.GET.get("station"))
    if station_id is None:
        raise Http404("station")
    station = _my_station(request, station_id)
    days = _int(request.GET.get("days")) or selectors.SLOW_MOVER_DAYS
    report = selectors.stock_report(station, days=min(days, MAX_SLOW_DAYS))
    response = HttpResponse(report_xlsx(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
    return response

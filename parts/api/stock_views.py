"""The stock API (docs/parts.md#api): stock levels, the ledger's movements, goods received,
transfers and counts; the permissions and pages the catalogue API (catalogue_views.py) shares.

Same rules as the desk's stock pages: agents, managers and administrators see every station's
stock; a technician only their own stations' (parts/scope.py). Another station's level,
movement or transfer is a 404 and is never listed; naming another station in a request is a
field error on ``station``, and nothing is written. The services in parts/stock.py check the
rules and write; their field errors come back in the one error shape.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.filters import IdFilter
from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.schema import error_responses
from aftersales.roles import manages_quality
from parts import stock
from parts import stock_selectors as selectors
from parts.api.stock_serializers import (
    CancelInputSerializer,
    CountInputSerializer,
    MovementSerializer,
    ReceiptInputSerializer,
    StockLevelSerializer,
    TransferInputSerializer,
    TransferSerializer,
)
from parts.models import MovementKind, Part, StockLevel, StockMovement, StockTransfer, TransferStatus
from parts.scope import sees_stock, stations_for
from tickets.models import ServiceStation

UNKNOWN_STATION = _("Unknown station.")
UNKNOWN_PART = _("No active part has this number.")
MANAGERS_ONLY = _("Only managers and administrators may change the catalogue.")
PART_TAGS, STOCK_TAGS = ["parts"], ["stock"]
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the object.")


class SeesStock(BasePermission):
    message = _("Only agents, technicians, managers and administrators may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return sees_stock(request.user)


class ChangesCatalogue(BasePermission):
    """Reading for everyone who sees stock; writing for managers and administrators."""

    message = MANAGERS_ONLY

    def has_permission(self, request, view) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS") or manages_quality(request.user)


class ByNumber(NewestFirstCursorPagination):
    ordering = ("number",)
    order_description = "by part number"


class ById(NewestFirstCursorPagination):
    ordering = ("id",)
    order_description = "in the order they were first stocked"


class ShippedPagination(NewestFirstCursorPagination):
    ordering = ("-shipped_at", "-id")
    order_description = "latest shipped first"


# --- stock ------------------------------------------------------------------------------------


class LevelFilter(filters.FilterSet):
    station = IdFilter(field_name="station_id", help_text="Id of a station.")
    part = filters.CharFilter(field_name="part__number", help_text="A part number, exactly.")
    q = filters.CharFilter(method="search", help_text="Part number or name, in part.")
    below_reorder = filters.BooleanFilter(
        field_name="is_below_reorder", help_text="Only levels at or below their reorder point."
    )

    class Meta:
        model = StockLevel
        fields = ["station", "part", "q", "below_reorder"]

    def search(self, queryset, name, value):
        return selectors.levels_search(queryset, value)


class StockLevelListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, SeesStock]
    serializer_class = StockLevelSerializer
    filterset_class = LevelFilter
    pagination_class = ById

    def get_queryset(self):
        return selectors.stock_levels_for(self.request.user)

    @extend_schema(
        operation_id="stock_levels_list",
        tags=STOCK_TAGS,
        summary="Stock levels per station and part",
        description="On hand, reserved and free, with the reorder point. Agents, managers and administrators see "
        "every station; a technician only their own stations.",
        responses={200: StockLevelSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class StockLevelDetailView(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated, SeesStock]
    serializer_class = StockLevelSerializer

    def get_queryset(self):
        return selectors.stock_levels_for(self.request.user)

    @extend_schema(
        operation_id="stock_levels_retrieve",
        tags=STOCK_TAGS,
        summary="One stock level",
        description="A station's stock of one part; another station's level is a 404 for a technician.",
        parameters=[ID],
        responses={200: StockLevelSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class MovementFilter(filters.FilterSet):
    station = IdFilter(field_name="station_id", help_text="Id of a station.")
    part = filters.CharFilter(field_name="part__number", help_text="A part number, exactly.")
    kind = filters.ChoiceFilter(choices=MovementKind.choices)
    ticket = filters.CharFilter(field_name="ticket__reference", help_text="Reference of a ticket.")

    class Meta:
        model = StockMovement
        fields = ["station", "part", "kind", "ticket"]


class MovementListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, SeesStock]
    serializer_class = MovementSerializer
    filterset_class = MovementFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return selectors.movements_for(self.request.user)

    @extend_schema(
        operation_id="stock_movements_list",
        tags=STOCK_TAGS,
        summary="The stock ledger",
        description="Every change of stock, newest first: who, when, why, the ticket and the on-hand balance after "
        "it. Read-only: stock moves through receipts, transfers, counts and parts used on jobs. Scoped like the "
        "levels.",
        responses={200: MovementSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


def _station(request: Request, pk: int, field: str = "station") -> ServiceStation:
    """One of the caller's stations, or a field error that does not say whether it exists."""
    station = stations_for(request.user).filter(pk=pk).first()
    if station is None:
        raise serializers.ValidationError({field: [UNKNOWN_STATION]})
    return station


def _part(number: str) -> Part:
    part = Part.objects.filter(number__iexact=number.strip(), is_active=True).first()
    if part is None:
        raise serializers.ValidationError({"part": [UNKNOWN_PART]})
    return part


def _movement_answer(request: Request, row: StockMovement) -> Response:
    fresh = selectors.movements_for(request.user).get(pk=row.pk)
    return Response(MovementSerializer(fresh).data, status=status.HTTP_201_CREATED)


class ReceiptView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesStock]
    serializer_class = ReceiptInputSerializer

    @extend_schema(
        operation_id="stock_receipts_create",
        tags=STOCK_TAGS,
        summary="Record goods received at a station",
        description="Adds the quantity on hand with one ledger row (at the given unit cost, else the part's "
        "standard cost). Into one of the caller's stations only.",
        request=ReceiptInputSerializer,
        responses={201: MovementSerializer, **error_responses(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        given = ReceiptInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        row = stock.stock_receive(
            station=_station(request, data["station"]),
            part=_part(data["part"]),
            quantity=data["quantity"],
            by=request.user,
            reason=data.get("reason", ""),
            batch=data.get("batch", ""),
            unit_cost=data.get("unit_cost"),
        )
        return _movement_answer(request, row)


class CountView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesStock]
    serializer_class = CountInputSerializer

    @extend_schema(
        operation_id="stock_counts_create",
        tags=STOCK_TAGS,
        summary="Record a stock count",
        description="The on-hand figure becomes what was counted, by one ledger row of the difference (0 when the "
        "count agrees). A reason is required; a count below what is reserved for tickets is refused. At one of "
        "the caller's stations only.",
        request=CountInputSerializer,
        responses={201: MovementSerializer, **error_responses(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        given = CountInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        row = stock.stock_count(
            station=_station(request, data["station"]),
            part=_part(data["part"]),
            counted=data["counted"],
            by=request.user,
            reason=data["reason"],
        )
        return _movement_answer(request, row)


class TransferFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=TransferStatus.choices)

    class Meta:
        model = StockTransfer
        fields = ["status"]


def _transfer(request: Request, pk: int) -> StockTransfer:
    transfer = selectors.transfers_for(request.user).filter(pk=pk).first()
    if transfer is None:
        raise Http404(pk)
    return transfer


def _transfer_answer(request: Request, transfer: StockTransfer, code: int = status.HTTP_200_OK) -> Response:
    fresh = selectors.transfers_for(request.user).get(pk=transfer.pk)
    return Response(TransferSerializer(fresh).data, status=code)


class TransferListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, SeesStock]
    serializer_class = TransferSerializer
    filterset_class = TransferFilter
    pagination_class = ShippedPagination

    def get_queryset(self):
        return selectors.transfers_for(self.request.user)

    @extend_schema(
        operation_id="stock_transfers_list",
        tags=STOCK_TAGS,
        summary="Transfers from or to the caller's stations",
        description="Latest shipped first. Agents, managers and administrators see every transfer; a technician "
        "those from or to their stations.",
        responses={200: TransferSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="stock_transfers_create",
        tags=STOCK_TAGS,
        summary="Send parts to another station",
        description="Out of the sending station's free stock now (one ledger row); in transit until the receiving "
        "station receives it. From one of the caller's stations only.",
        request=TransferInputSerializer,
        responses={201: TransferSerializer, **error_responses(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        given = TransferInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        sender = _station(request, data["station"])
        receiver = ServiceStation.objects.filter(pk=data["to_station"], is_active=True).first()
        if receiver is None:
            raise serializers.ValidationError({"to_station": [UNKNOWN_STATION]})
        transfer = stock.transfer_ship(
            from_station=sender,
            to_station=receiver,
            part=_part(data["part"]),
            quantity=data["quantity"],
            by=request.user,
        )
        return _transfer_answer(request, transfer, status.HTTP_201_CREATED)


class TransferDetailView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesStock]
    serializer_class = TransferSerializer

    @extend_schema(
        operation_id="stock_transfers_retrieve",
        tags=STOCK_TAGS,
        summary="One transfer",
        description="From or to one of the caller's stations; any other is a 404.",
        parameters=[ID],
        responses={200: TransferSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _transfer_answer(request, _transfer(request, pk))


class TransferReceiveView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesStock]
    serializer_class = TransferSerializer

    @extend_schema(
        operation_id="stock_transfers_receive",
        tags=STOCK_TAGS,
        summary="Receive a transfer",
        description="Into the receiving station's stock (one ledger row); only its users may receive it, once.",
        parameters=[ID],
        request=None,
        responses={200: TransferSerializer, **error_responses(400, 401, 403, 404, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        transfer = stock.transfer_receive(transfer=_transfer(request, pk), by=request.user)
        return _transfer_answer(request, transfer)


class TransferCancelView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesStock]
    serializer_class = CancelInputSerializer

    @extend_schema(
        operation_id="stock_transfers_cancel",
        tags=STOCK_TAGS,
        summary="Cancel a transfer in transit",
        description="The parts go back into the sender's stock (one ledger row). A reason is required.",
        parameters=[ID],
        request=CancelInputSerializer,
        responses={200: TransferSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        transfer = _transfer(request, pk)
        given = CancelInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        transfer = stock.transfer_cancel(transfer=transfer, by=request.user, reason=given.validated_data["reason"])
        return _transfer_answer(request, transfer)

"""The parts demand API: a ticket's reservations and parts orders, and old-part returns.

Same rules as the desk (docs/parts-orders-returns.md): agents, managers and administrators work
every ticket's parts, a technician those of their own jobs; a reservation, order or return the
caller may not see is a 404, a ticket they may not see an unknown ticket. The services in
parts/demand.py and parts/returns.py decide and write; their field errors come back in the one
error shape.
"""

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.schema import error_responses
from aftersales.replicas.marks import replica_reads
from aftersales.roles import is_desk_user
from parts import demand, returns, selectors
from parts.api.demand_serializers import (
    DemandInputSerializer,
    EmptySerializer,
    InspectSerializer,
    OrderInputSerializer,
    OrderSerializer,
    ReservationSerializer,
    ReturnSerializer,
    ShipSerializer,
)
from parts.models import Part, PartReservation, PartReturn, PartsOrder, ReturnStatus
from tickets.models import ServiceStation
from tickets.selectors import visible_tickets

TAGS = ["parts"]
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the row.")
TICKET_FILTER = OpenApiParameter("ticket", str, description="Reference of the ticket.")


class IsDeskUser(BasePermission):
    message = _("Sign in as service staff.")

    def has_permission(self, request, view) -> bool:
        return is_desk_user(request.user)


PERMISSIONS = [IsAuthenticated, IsDeskUser]


def _lookups(request: Request, data: dict) -> dict:
    """The ticket, station and part the input names; unknown ones are field errors, all at once."""
    errors, found = {}, {}
    found["ticket"] = visible_tickets(request.user).filter(reference=data["ticket"].strip().upper()).first()
    if found["ticket"] is None:
        errors["ticket"] = [_("Unknown ticket.")]
    found["station"] = ServiceStation.objects.filter(code=data["station"].strip()).first()
    if found["station"] is None:
        errors["station"] = [_("Unknown service station.")]
    found["part"] = Part.objects.filter(number__iexact=data["part"].strip()).first()
    if found["part"] is None:
        errors["part"] = [_("No part has this number.")]
    if errors:
        raise serializers.ValidationError(errors)
    return found


class TicketFilter(filters.FilterSet):
    ticket = filters.CharFilter(field_name="ticket__reference", help_text="Reference of the ticket.")


def _reservations(request: Request) -> QuerySet[PartReservation]:
    tickets = visible_tickets(request.user).values("pk")
    return PartReservation.objects.filter(ticket__in=tickets).select_related("ticket", "station", "part")


@replica_reads
class ReservationListCreateView(generics.GenericAPIView):
    serializer_class = ReservationSerializer
    permission_classes = PERMISSIONS
    filterset_class = TicketFilter
    pagination_class = NewestFirstCursorPagination
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[PartReservation]:
        return _reservations(self.request)

    @extend_schema(
        operation_id="part_reservations_list",
        tags=TAGS,
        summary="List part reservations",
        description="Parts held at a station for a ticket, newest first. A technician sees those of their own jobs.",
        responses={200: ReservationSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="part_reservations_create",
        tags=TAGS,
        summary="Reserve a part for a ticket",
        description=(
            "Reserves free stock of the part at the station for the ticket (a `reserve` row of the stock ledger). "
            "Refused with an error on `quantity` when less than that is free, nothing written."
        ),
        request=DemandInputSerializer,
        responses={201: ReservationSerializer, **error_responses(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        given = DemandInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        found = _lookups(request, given.validated_data)
        reservation = demand.part_reserve(quantity=given.validated_data["quantity"], by=request.user, **found)
        return Response(ReservationSerializer(self.get_queryset().get(pk=reservation.pk)).data, status=201)


class ReservationReleaseView(generics.GenericAPIView):
    serializer_class = ReservationSerializer
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="part_reservations_release",
        tags=TAGS,
        summary="Release a reservation",
        description="Gives the reserved parts back to the station's free stock.",
        request=None,
        parameters=[ID],
        responses={200: ReservationSerializer, **error_responses(400, 401, 403, 404, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        rows = _reservations(request)
        reservation = rows.filter(pk=pk).first()
        if reservation is None:
            raise Http404(pk)
        demand.reservation_release(reservation=reservation, by=request.user)
        return Response(ReservationSerializer(rows.get(pk=pk)).data)


def _orders(request: Request) -> QuerySet[PartsOrder]:
    tickets = visible_tickets(request.user).values("pk")
    return PartsOrder.objects.filter(ticket__in=tickets).select_related("ticket", "station", "part")


def _order_data(order: PartsOrder) -> dict:
    order.waiting_days = selectors.order_waiting_days(order, timezone.localdate())
    return OrderSerializer(order).data


class OrderPagination(NewestFirstCursorPagination):
    ordering = ("-ordered_at", "-id")
    order_description = "newest order first"


@replica_reads
class OrderListCreateView(generics.GenericAPIView):
    serializer_class = OrderSerializer
    permission_classes = PERMISSIONS
    filterset_class = TicketFilter
    pagination_class = OrderPagination
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[PartsOrder]:
        return _orders(self.request)

    @extend_schema(
        operation_id="parts_orders_list",
        tags=TAGS,
        summary="List parts orders",
        description="Parts ordered for tickets, with the days each waited. A technician sees those of their own jobs.",
        responses={200: OrderSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([_order_data(order) for order in page])

    @extend_schema(
        operation_id="parts_orders_create",
        tags=TAGS,
        summary="Order a part for a ticket",
        description=(
            "Orders the part from the station's supplier or the central warehouse and puts the ticket on hold, "
            "waiting for parts (a ticket on hold already keeps waiting). The waiting days count from now."
        ),
        request=OrderInputSerializer,
        responses={201: OrderSerializer, **error_responses(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        given = OrderInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        found = _lookups(request, data)
        order = demand.parts_order(quantity=data["quantity"], source=data["source"], by=request.user, **found)
        return Response(_order_data(self.get_queryset().get(pk=order.pk)), status=201)


def _order_for(request: Request, pk: int) -> PartsOrder:
    order = _orders(request).filter(pk=pk).first()
    if order is None:
        raise Http404(pk)
    return order


class OrderReceiveView(generics.GenericAPIView):
    serializer_class = OrderSerializer
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="parts_orders_receive",
        tags=TAGS,
        summary="Receive a parts order",
        description=(
            "The goods go into the station's stock and are reserved for the ticket. When none of the ticket's "
            "orders is still awaited, the ticket comes off its parts hold."
        ),
        request=None,
        parameters=[ID],
        responses={200: OrderSerializer, **error_responses(400, 401, 403, 404, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        demand.order_receive(order=_order_for(request, pk), by=request.user)
        return Response(_order_data(_order_for(request, pk)))


class OrderCancelView(generics.GenericAPIView):
    serializer_class = OrderSerializer
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="parts_orders_cancel",
        tags=TAGS,
        summary="Cancel a parts order",
        description="An order not yet received. Its days so far stay counted as waited.",
        request=None,
        parameters=[ID],
        responses={200: OrderSerializer, **error_responses(400, 401, 403, 404, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        demand.order_cancel(order=_order_for(request, pk), by=request.user)
        return Response(_order_data(_order_for(request, pk)))


# --- old-part returns ----------------------------------------------------------------------------


def _returns(request: Request) -> QuerySet[PartReturn]:
    now = timezone.now()
    return selectors.visible_returns(request.user).annotate(
        overdue=Case(
            When(selectors.overdue_q(now), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


class ReturnFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ReturnStatus.choices)
    overdue = filters.BooleanFilter(help_text="Only those not shipped by their due time.")
    ticket = filters.CharFilter(field_name="usage__ticket__reference", help_text="Reference of the ticket.")


class ReturnPagination(NewestFirstCursorPagination):
    ordering = ("due_by", "id")
    order_description = "the soonest due first"


class ReturnListView(generics.ListAPIView):
    serializer_class = ReturnSerializer
    permission_classes = PERMISSIONS
    filterset_class = ReturnFilter
    pagination_class = ReturnPagination

    def get_queryset(self) -> QuerySet[PartReturn]:
        return _returns(self.request)

    @extend_schema(
        operation_id="part_returns_list",
        tags=TAGS,
        summary="List old-part returns",
        description=(
            "Parts replaced under warranty on their way back to the maker (RMA), soonest due first. A technician "
            "sees those of their own jobs."
        ),
        responses={200: ReturnSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


def _return_for(request: Request, pk: int) -> PartReturn:
    part_return = _returns(request).filter(pk=pk).first()
    if part_return is None:
        raise Http404(pk)
    return part_return


class ReturnDetailView(generics.GenericAPIView):
    serializer_class = ReturnSerializer
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="part_returns_retrieve",
        tags=TAGS,
        summary="Read an old-part return",
        description="Its RMA number, status, due date, shipment and inspection. A technician reads those of their own jobs.",
        parameters=[ID],
        responses={200: ReturnSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ReturnSerializer(_return_for(request, pk)).data)


def _move(name: str, input_serializer, summary: str, description: str):
    class ReturnMoveView(generics.GenericAPIView):
        serializer_class = ReturnSerializer
        permission_classes = PERMISSIONS
        parser_classes = [JSONParser]

        @extend_schema(
            operation_id=f"part_returns_{name}",
            tags=TAGS,
            summary=summary,
            description=description,
            request=input_serializer if input_serializer is not EmptySerializer else None,
            parameters=[ID],
            responses={200: ReturnSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
        )
        def post(self, request: Request, pk: int) -> Response:
            part_return = _return_for(request, pk)
            given = input_serializer(data=request.data)
            given.is_valid(raise_exception=True)
            MOVES[name](part_return, request.user, given.validated_data)
            return Response(ReturnSerializer(_return_for(request, pk)).data, status=status.HTTP_200_OK)

    ReturnMoveView.__name__ = f"Return{name.title()}View"
    return ReturnMoveView


MOVES = {
    "ship": lambda r, by, data: returns.return_ship(part_return=r, tracking=data["tracking"], by=by),
    "receive": lambda r, by, data: returns.return_receive(part_return=r, by=by),
    "inspect": lambda r, by, data: returns.return_inspect(
        part_return=r, finding=data["finding"], note=data["note"], by=by
    ),
}

ReturnShipView = _move(
    "ship", ShipSerializer, "Ship an old part", "The part is on its way to the maker. Only from `to_return`."
)
ReturnReceiveView = _move(
    "receive", EmptySerializer, "Mark an old part received", "The maker has the part. Only from `shipped`."
)
ReturnInspectView = _move(
    "inspect",
    InspectSerializer,
    "Record an old part's inspection",
    "The maker's finding (fault confirmed, no fault found, misuse) and a note. Only from `received`.",
)

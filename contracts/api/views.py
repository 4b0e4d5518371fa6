"""The contracts API (docs/contracts.md#the-api): the catalogue, contracts, a sale, a
cancellation and a maintenance plan's visit.

Service staff and sales staff read the catalogue; headquarters managers and administrators change
it (contracts/catalogue.py). Sales staff, agents, managers and administrators read and sell
contracts: a provider's staff see the contracts their provider sold and sell, as their provider,
on the units of their provider's tickets (the scoped managers), so another provider's contract is
a 404, as a missing one, and another provider's unit an unknown id (400). The services in
contracts/services.py decide and write; their field errors come back in the one error shape.
"""

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.filters import MAX_ID, IdFilter
from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.parsers import JSONParser
from aftersales.api.schema import error_responses
from aftersales.replicas.marks import replica_reads
from aftersales.roles import DESK_ROLES, SALES_ROLES, has_any_role, manages_network_quality, provider_of, works_in_sales
from contracts import catalogue, selectors, services
from contracts.api.serializers import (
    CancelSerializer,
    ContractProductSerializer,
    ContractSerializer,
    ContractVisitSerializer,
    SellSerializer,
    VisitInputSerializer,
)
from contracts.choices import ContractKind, ContractStatus, SaleChannel
from contracts.models import ContractProduct, ServiceContract
from network.models import ServiceProvider

CATALOGUE_TAGS = ["contract products"]
TAGS = ["contracts"]
PRODUCT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the contract product.")
CONTRACT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the service contract.")
HQ_403 = "Reading needs a staff role; changing the catalogue needs a headquarters manager or administrator."
SALES_403 = "Only sales staff, agents, managers and administrators work contracts."


def object_or_404(rows: QuerySet, pk: int):
    found = rows.filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise Http404(pk)
    return found


class CatalogueAccess(BasePermission):
    """Reads for service and sales staff; writes for headquarters managers and administrators."""

    message = _("Only headquarters managers may change the catalogue.")

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            self.message = _("Only service staff may use this endpoint.")
            return has_any_role(request.user, DESK_ROLES | SALES_ROLES)
        return manages_network_quality(request.user)


class WorksContracts(BasePermission):
    message = _("Only sales staff, agents, managers and administrators work contracts.")

    def has_permission(self, request, view) -> bool:
        return works_in_sales(request.user)


class CodeOrdered(NewestFirstCursorPagination):
    ordering = ("code", "id")
    order_description = "by code"


class ProductFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ContractKind.choices)
    category = filters.CharFilter(field_name="category__code", help_text="Code of the product category.")
    is_active = filters.BooleanFilter(help_text="Only products on sale (true) or off sale (false).")

    class Meta:
        model = ContractProduct
        fields = ["kind", "category", "is_active"]


@replica_reads
class ProductList(generics.GenericAPIView):
    serializer_class = ContractProductSerializer
    permission_classes = [IsAuthenticated, CatalogueAccess]
    pagination_class = CodeOrdered
    filterset_class = ProductFilter
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[ContractProduct]:
        return ContractProduct.objects.select_related("category")

    @extend_schema(
        operation_id="contract_products_list",
        tags=CATALOGUE_TAGS,
        summary="List contract products",
        description="The catalogue of extended warranties and maintenance plans, by code.",
        responses={200: ContractProductSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="contract_products_create",
        tags=CATALOGUE_TAGS,
        summary="Add a contract product",
        description="Headquarters managers and administrators. A maintenance plan includes at least one visit and "
        "says how many months apart; an extended warranty includes none. The code is unique.",
        request=ContractProductSerializer,
        responses={201: ContractProductSerializer, **error_responses(400, 401, 403, 415, 429, e403=HQ_403)},
    )
    def post(self, request: Request) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        saved = catalogue.product_save(product=None, data=given.validated_data, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=saved.pk)).data, status=201)


class ProductDetail(generics.GenericAPIView):
    serializer_class = ContractProductSerializer
    permission_classes = [IsAuthenticated, CatalogueAccess]
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[ContractProduct]:
        return ContractProduct.objects.select_related("category")

    @extend_schema(
        operation_id="contract_products_retrieve",
        tags=CATALOGUE_TAGS,
        summary="Read a contract product",
        description="One product of the catalogue.",
        parameters=[PRODUCT_ID],
        responses={200: ContractProductSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(object_or_404(self.get_queryset(), pk)).data)

    def _change(self, request: Request, pk: int, *, partial: bool) -> Response:
        product = object_or_404(self.get_queryset(), pk)
        given = self.get_serializer(product, data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        catalogue.product_save(product=product, data=given.validated_data, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        operation_id="contract_products_update",
        tags=CATALOGUE_TAGS,
        summary="Change a contract product",
        description="Headquarters managers and administrators; every field. Contracts already sold keep the cover "
        "and price they were sold with; a product sold keeps its kind and category.",
        parameters=[PRODUCT_ID],
        request=ContractProductSerializer,
        responses={200: ContractProductSerializer, **error_responses(400, 401, 403, 404, 415, 429, e403=HQ_403)},
    )
    def put(self, request: Request, pk: int) -> Response:
        return self._change(request, pk, partial=False)

    @extend_schema(
        operation_id="contract_products_partial_update",
        tags=CATALOGUE_TAGS,
        summary="Change some fields of a contract product",
        description="Headquarters managers and administrators (e.g. `is_active: false` takes it off sale).",
        parameters=[PRODUCT_ID],
        request=ContractProductSerializer,
        responses={200: ContractProductSerializer, **error_responses(400, 401, 403, 404, 415, 429, e403=HQ_403)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._change(request, pk, partial=True)


# --- contracts -------------------------------------------------------------------------------------


class WhenFilter(filters.ChoiceFilter):
    def filter(self, queryset, value):
        if not value:
            return queryset
        return selectors.filtered(queryset, when=value, today=timezone.localdate())


class ContractFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ContractStatus.choices)
    kind = filters.ChoiceFilter(choices=ContractKind.choices)
    unit = IdFilter(field_name="unit_id", help_text="Id of the product unit.")
    customer = IdFilter(field_name="customer_id", help_text="Id of the customer.")
    when = WhenFilter(
        choices=[(selectors.IN_FORCE, "in_force"), (selectors.ENDING_SOON, "ending_soon")],
        help_text="`in_force`: in force today; `ending_soon`: in force and ending within 30 days.",
    )
    q = filters.CharFilter(method="search", help_text="A contract number, the customer's phone or the unit's serial.")

    class Meta:
        model = ServiceContract
        fields = ["status", "kind", "unit", "customer", "when", "q"]

    def search(self, queryset, name, value):
        return selectors.filtered(queryset, search=value, today=timezone.localdate())


def _contracts() -> QuerySet[ServiceContract]:
    return ServiceContract.objects.select_related("product", "unit", "provider", "station", "sold_by").annotate(
        visits_used=Count("visits")
    )


@replica_reads
class ContractList(generics.GenericAPIView):
    serializer_class = ContractSerializer
    permission_classes = [IsAuthenticated, WorksContracts]
    filterset_class = ContractFilter
    pagination_class = NewestFirstCursorPagination
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[ServiceContract]:
        return _contracts()

    @extend_schema(
        operation_id="contracts_list",
        tags=TAGS,
        summary="List service contracts",
        description="Contracts newest first, filtered. A provider's staff see the contracts their provider sold.",
        responses={200: ContractSerializer(many=True), **error_responses(400, 401, 403, 429, e403=SALES_403)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="contracts_create",
        tags=TAGS,
        summary="Sell a service contract",
        description="Sells a catalogue product on a registered unit in use, to its owner, once paid (the payment "
        "reference). The product must be on sale for the unit's category; a contract of the same kind cannot "
        "overlap one in force; a product with a distance term needs the odometer (or a reading on record). Price "
        "and cover are the product's. A provider's staff sell as their provider, at one of its stations.",
        request=SellSerializer,
        responses={201: ContractSerializer, **error_responses(400, 401, 403, 415, 429, e403=SALES_403)},
    )
    def post(self, request: Request) -> Response:
        given = SellSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        provider = provider_of(request.user)
        unit = data["unit"]
        contract = services.contract_sell(
            product=data["product"],
            unit=unit,
            customer=unit.owner,
            channel=SaleChannel.RENEWAL if data.get("renews") else SaleChannel.API,
            payment_reference=data["payment_reference"],
            starts_on=data.get("starts_on"),
            start_km=data.get("start_km"),
            by=request.user,
            provider=ServiceProvider._base_manager.get(pk=provider) if provider is not None else None,
            station=data.get("station"),
            renews=data.get("renews"),
        )
        return Response(self.get_serializer(_contracts().get(pk=contract.pk)).data, status=201)


class ContractDetail(generics.GenericAPIView):
    serializer_class = ContractSerializer
    permission_classes = [IsAuthenticated, WorksContracts]

    @extend_schema(
        operation_id="contracts_retrieve",
        tags=TAGS,
        summary="Read a service contract",
        description="One contract, with its visits used. Another provider's contract is a 404.",
        parameters=[CONTRACT_ID],
        responses={200: ContractSerializer, **error_responses(401, 403, 404, 429, e403=SALES_403)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(object_or_404(_contracts(), pk)).data)


class ContractCancel(generics.GenericAPIView):
    serializer_class = CancelSerializer
    permission_classes = [IsAuthenticated, WorksContracts]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="contracts_cancel",
        tags=TAGS,
        summary="Cancel a service contract",
        description="With the reason. A cancelled contract covers nothing from then on; cancelling twice is a 400.",
        parameters=[CONTRACT_ID],
        request=CancelSerializer,
        responses={200: ContractSerializer, **error_responses(400, 401, 403, 404, 415, 429, e403=SALES_403)},
    )
    def post(self, request: Request, pk: int) -> Response:
        contract = object_or_404(_contracts(), pk)
        given = CancelSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.contract_cancel(contract=contract, reason=given.validated_data["reason"], by=request.user)
        return Response(ContractSerializer(_contracts().get(pk=pk)).data)


class ContractPaymentConfirm(generics.GenericAPIView):
    serializer_class = ContractSerializer
    permission_classes = [IsAuthenticated, WorksContracts]

    @extend_schema(
        operation_id="contracts_confirm_payment",
        tags=TAGS,
        summary="Confirm the payment of a contract bought on the portal",
        description="Staff found the customer's payment with the contract's reference on the bank or WeChat Pay "
        "statement: from now the contract covers what it says. A contract sold by staff is confirmed at the sale; "
        "confirming twice, or a cancelled contract, is a 400. A payment not found: cancel the contract instead.",
        parameters=[CONTRACT_ID],
        request=None,
        responses={200: ContractSerializer, **error_responses(400, 401, 403, 404, 429, e403=SALES_403)},
    )
    def post(self, request: Request, pk: int) -> Response:
        contract = object_or_404(_contracts(), pk)
        services.contract_payment_confirm(contract=contract, by=request.user)
        return Response(ContractSerializer(_contracts().get(pk=pk)).data)


class ContractVisits(generics.GenericAPIView):
    serializer_class = VisitInputSerializer
    permission_classes = [IsAuthenticated, WorksContracts]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="contracts_visits_create",
        tags=TAGS,
        summary="Record a maintenance plan's visit",
        description="The plan's next included visit as done that day, numbered in order; a car plan timed by "
        "distance needs the odometer, which may not go below an earlier reading. Refused (400) on an extended "
        "warranty, a cancelled plan, a day outside the plan, or a plan whose visits are used up.",
        parameters=[CONTRACT_ID],
        request=VisitInputSerializer,
        responses={201: ContractVisitSerializer, **error_responses(400, 401, 403, 404, 415, 429, e403=SALES_403)},
    )
    def post(self, request: Request, pk: int) -> Response:
        contract = object_or_404(_contracts(), pk)
        given = VisitInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        visit = services.plan_visit_record(
            contract=contract,
            done_on=given.validated_data["done_on"],
            odometer_km=given.validated_data.get("odometer_km"),
            by=request.user,
        )
        return Response(ContractVisitSerializer(visit).data, status=201)

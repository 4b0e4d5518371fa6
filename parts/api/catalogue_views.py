"""The parts catalogue API (docs/parts.md#api): list, search and read the catalogue — everyone who
sees stock — and add or change a part — managers and administrators. The service in
parts/catalogue.py checks and writes; its field errors come back in the one error shape.
"""

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.schema import error_responses
from customers.models import ProductModel
from parts import catalogue
from parts import stock_selectors as selectors
from parts.api.stock_serializers import PartInputSerializer, PartSerializer
from parts.api.stock_views import ID, PART_TAGS, ByNumber, ChangesCatalogue, SeesStock
from parts.models import Part


class PartFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", help_text="Part number or name (English or Chinese), in part.")
    fits = filters.CharFilter(field_name="fits__code", help_text="Code of a product model the part fits.")
    is_active = filters.BooleanFilter(help_text="Only parts in (true) or out of (false) the catalogue.")
    is_main_component = filters.BooleanFilter(help_text="Only main components (true) or the other parts (false).")

    class Meta:
        model = Part
        fields = ["q", "fits", "is_active", "is_main_component"]

    def search(self, queryset, name, value):
        return selectors.parts_search(queryset, value)


def _parts() -> QuerySet[Part]:
    return Part.objects.prefetch_related(Prefetch("fits", queryset=ProductModel.objects.only("id", "code")))


def _part_answer(part: Part, code: int = status.HTTP_200_OK) -> Response:
    fresh = _parts().get(pk=part.pk)
    headers = {"Location": reverse("api:part-detail", args=[part.pk])} if code == status.HTTP_201_CREATED else {}
    return Response(PartSerializer(fresh).data, status=code, headers=headers)


class PartListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, SeesStock, ChangesCatalogue]
    serializer_class = PartSerializer
    filterset_class = PartFilter
    pagination_class = ByNumber

    def get_queryset(self) -> QuerySet[Part]:
        return _parts()

    @extend_schema(
        operation_id="parts_list",
        tags=PART_TAGS,
        summary="List and search the parts catalogue",
        description="By part number, cursor-paginated; `q` searches number and names, `fits` a model code. Agents, "
        "technicians, managers and administrators.",
        responses={200: PartSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="parts_create",
        tags=PART_TAGS,
        summary="Add a part to the catalogue",
        description="The number must be new; `fits` lists model codes, each of which must exist. Managers and "
        "administrators only.",
        request=PartInputSerializer,
        responses={201: PartSerializer, **error_responses(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        given = PartInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        part = catalogue.part_create(by=request.user, **given.validated_data)
        return _part_answer(part, status.HTTP_201_CREATED)


class PartDetailView(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated, SeesStock, ChangesCatalogue]
    serializer_class = PartSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Part]:
        return _parts()

    @extend_schema(
        operation_id="parts_retrieve",
        tags=PART_TAGS,
        summary="One part of the catalogue",
        description="Its numbers, names, the models it fits, cost, price and warranty. Everyone who sees stock.",
        parameters=[ID],
        responses={200: PartSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="parts_update",
        tags=PART_TAGS,
        summary="Change a part of the catalogue",
        description="Only the fields sent change; `fits` replaces the list. Managers and administrators only.",
        parameters=[ID],
        request=PartInputSerializer(partial=True),
        responses={200: PartSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        part = self.get_object()
        given = PartInputSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        part = catalogue.part_update(part=part, by=request.user, **given.validated_data)
        return _part_answer(part)

"""The API of the service network's tariffs: service providers, labour rate cards and travel
allowances (docs/settlement-statements.md#the-api).

Every desk user reads the providers they see (a provider's staff: their own); managers read the
rate cards and allowances they see (a provider's: its own and the network's default).
Headquarters managers create and change them through settlements/tariffs.py. Another provider's
row is a 404, as a missing one; a write by anyone but headquarters is a 403 whatever the id.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.filters import MAX_ID
from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.parsers import JSONParser
from aftersales.api.schema import error_responses
from aftersales.replicas.marks import replica_reads
from aftersales.roles import is_desk_user, manages_quality
from network.models import ServiceProvider
from settlements import tariffs
from settlements.api.serializers import RateCardSerializer, ServiceProviderSerializer, TravelRateSerializer
from settlements.choices import JobType
from settlements.models import RateCard, TravelRate
from settlements.statements import is_headquarters_manager

TAGS = ["settlement"]
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the row.")
HQ_403 = "Reading needs the role; changing needs a headquarters manager (one who belongs to no provider)."


class ReadsOrHeadquartersWrites(BasePermission):
    """Reads for ``reader`` roles; writes for headquarters managers only."""

    message = _("Only headquarters managers may change this.")
    reader = staticmethod(manages_quality)

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            if not self.reader(request.user):
                self.message = _("Only managers and administrators may use this endpoint.")
                return False
            return True
        return is_headquarters_manager(request.user)


class DeskReadsOrHeadquartersWrites(ReadsOrHeadquartersWrites):
    reader = staticmethod(is_desk_user)

    def has_permission(self, request, view) -> bool:
        allowed = super().has_permission(request, view)
        if not allowed and request.method in SAFE_METHODS:
            self.message = _("Only service staff may use this endpoint.")
        return allowed


def object_or_404(rows: QuerySet, pk: int):
    found = rows.filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise Http404(pk)
    return found


class CodeOrdered(NewestFirstCursorPagination):
    ordering = ("code", "id")
    order_description = "by code"


class _Tariff(generics.GenericAPIView):
    """List/create and read/change/delete, the writes through settlements/tariffs.py."""

    parser_classes = [JSONParser]

    def save(self, instance, data):  # pragma: no cover - each subclass says how
        raise NotImplementedError

    def remove(self, instance):  # pragma: no cover
        raise NotImplementedError

    def create(self, request: Request) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        saved = self.save(None, given.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=saved.pk)).data, status=201)

    def change(self, request: Request, pk: int, partial: bool) -> Response:
        instance = object_or_404(self.get_queryset(), pk)
        given = self.get_serializer(instance, data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        self.save(instance, given.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


# --- providers ------------------------------------------------------------------------------------


@replica_reads
class ProviderList(_Tariff):
    serializer_class = ServiceProviderSerializer
    permission_classes = [IsAuthenticated, DeskReadsOrHeadquartersWrites]
    pagination_class = CodeOrdered

    def get_queryset(self):
        return ServiceProvider.objects.all()

    def save(self, instance, data):
        return tariffs.provider_save(provider=instance, data=data, by=self.request.user)

    @extend_schema(
        operation_id="providers_list",
        tags=TAGS,
        summary="List service providers",
        description="The authorised service providers, by code. A provider's staff see their own provider only.",
        responses={200: ServiceProviderSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="providers_create",
        tags=TAGS,
        summary="Add a service provider",
        description="Headquarters managers only. The code is unique.",
        request=ServiceProviderSerializer,
        responses={201: ServiceProviderSerializer, **error_responses(400, 401, 403, 415, 429, e403=HQ_403)},
    )
    def post(self, request: Request) -> Response:
        return self.create(request)


class ProviderDetail(_Tariff):
    serializer_class = ServiceProviderSerializer
    permission_classes = [IsAuthenticated, DeskReadsOrHeadquartersWrites]

    def get_queryset(self):
        return ServiceProvider.objects.all()

    def save(self, instance, data):
        return tariffs.provider_save(provider=instance, data=data, by=self.request.user)

    @extend_schema(
        operation_id="providers_retrieve",
        tags=TAGS,
        summary="Read a service provider",
        description="One provider; a provider's staff read their own only.",
        parameters=[ID],
        responses={200: ServiceProviderSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(object_or_404(self.get_queryset(), pk)).data)

    @extend_schema(
        operation_id="providers_update",
        tags=TAGS,
        summary="Change a service provider",
        description="Headquarters managers only; every field.",
        parameters=[ID],
        request=ServiceProviderSerializer,
        responses={200: ServiceProviderSerializer, **error_responses(400, 401, 403, 404, 415, 429, e403=HQ_403)},
    )
    def put(self, request: Request, pk: int) -> Response:
        return self.change(request, pk, partial=False)

    @extend_schema(
        operation_id="providers_partial_update",
        tags=TAGS,
        summary="Change some fields of a service provider",
        description="Headquarters managers only.",
        parameters=[ID],
        request=ServiceProviderSerializer,
        responses={200: ServiceProviderSerializer, **error_responses(400, 401, 403, 404, 415, 429, e403=HQ_403)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self.change(request, pk, partial=True)


# --- rate cards and travel allowances --------------------------------------------------------------


class _DefaultProviderFilter(filters.FilterSet):
    """``provider=default`` asks for the network's default rows (no provider)."""

    def filter_queryset(self, queryset):
        if self.form.cleaned_data.get("provider") == "default":
            self.form.cleaned_data["provider"] = ""
            queryset = queryset.filter(provider__isnull=True)
        return super().filter_queryset(queryset)


class RateCardFilter(_DefaultProviderFilter):
    provider = filters.CharFilter(
        field_name="provider__code", help_text="Code of the provider (cards of the default: `default`)."
    )
    job_type = filters.ChoiceFilter(choices=JobType.choices)
    category = filters.CharFilter(field_name="category__code", help_text="Code of the product category.")

    class Meta:
        model = RateCard
        fields = ["provider", "job_type", "category"]


class TravelRateFilter(_DefaultProviderFilter):
    provider = filters.CharFilter(
        field_name="provider__code", help_text="Code of the provider (allowances of the default: `default`)."
    )

    class Meta:
        model = TravelRate
        fields = ["provider"]


def _tariff_views(model, serializer, filterset, name: str, noun: str, save, remove):
    """The list and the detail view of one kind of tariff."""

    class TariffList(_Tariff):
        serializer_class = serializer
        permission_classes = [IsAuthenticated, ReadsOrHeadquartersWrites]
        pagination_class = NewestFirstCursorPagination
        filterset_class = filterset

        def get_queryset(self):
            return model.objects.select_related("provider", *(["category"] if model is RateCard else []))

        def save(self, instance, data):
            return save(instance, data, self.request.user)

        @extend_schema(
            operation_id=f"{name}_list",
            tags=TAGS,
            summary=f"List {noun}s",
            description=(
                f"{noun.capitalize()}s, newest first, each from its effective date on. A provider's managers see "
                "their own and the network's default (provider null)."
            ),
            responses={200: serializer(many=True), **error_responses(400, 401, 403, 429)},
        )
        def get(self, request: Request) -> Response:
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            return self.get_paginated_response(self.get_serializer(page, many=True).data)

        @extend_schema(
            operation_id=f"{name}_create",
            tags=TAGS,
            summary=f"Add a {noun}",
            description="Headquarters managers only. Amounts are decimal strings with two places.",
            request=serializer,
            responses={201: serializer, **error_responses(400, 401, 403, 415, 429, e403=HQ_403)},
        )
        def post(self, request: Request) -> Response:
            return self.create(request)

    class TariffDetail(TariffList):
        pagination_class = None
        filterset_class = None
        http_method_names = ["get", "put", "patch", "delete", "head", "options"]

        @extend_schema(
            operation_id=f"{name}_retrieve",
            tags=TAGS,
            summary=f"Read a {noun}",
            description=f"One {noun}; a provider's managers read their own and the network's default.",
            parameters=[ID],
            responses={200: serializer, **error_responses(401, 403, 404, 429)},
        )
        def get(self, request: Request, pk: int) -> Response:
            return Response(self.get_serializer(object_or_404(self.get_queryset(), pk)).data)

        @extend_schema(
            operation_id=f"{name}_update",
            tags=TAGS,
            summary=f"Change a {noun}",
            description="Headquarters managers only. A card that priced settlement lines cannot change.",
            parameters=[ID],
            request=serializer,
            responses={200: serializer, **error_responses(400, 401, 403, 404, 415, 429, e403=HQ_403)},
        )
        def put(self, request: Request, pk: int) -> Response:
            return self.change(request, pk, partial=False)

        @extend_schema(
            operation_id=f"{name}_partial_update",
            tags=TAGS,
            summary=f"Change some fields of a {noun}",
            description="Headquarters managers only.",
            parameters=[ID],
            request=serializer,
            responses={200: serializer, **error_responses(400, 401, 403, 404, 415, 429, e403=HQ_403)},
        )
        def patch(self, request: Request, pk: int) -> Response:
            return self.change(request, pk, partial=True)

        @extend_schema(
            operation_id=f"{name}_destroy",
            tags=TAGS,
            summary=f"Delete a {noun}",
            description="Headquarters managers only. A card that priced settlement lines cannot be deleted (400).",
            parameters=[ID],
            responses={204: None, **error_responses(400, 401, 403, 404, 429, e403=HQ_403)},
        )
        def delete(self, request: Request, pk: int) -> Response:
            remove(object_or_404(self.get_queryset(), pk), request.user)
            return Response(status=204)

    TariffList.__name__, TariffDetail.__name__ = f"{model.__name__}List", f"{model.__name__}Detail"
    return TariffList, TariffDetail


RateCardList, RateCardDetail = _tariff_views(
    RateCard,
    RateCardSerializer,
    RateCardFilter,
    "rate_cards",
    "labour rate card",
    lambda card, data, by: tariffs.rate_card_save(card=card, data=data, by=by),
    lambda card, by: tariffs.rate_card_delete(card=card, by=by),
)
TravelRateList, TravelRateDetail = _tariff_views(
    TravelRate,
    TravelRateSerializer,
    TravelRateFilter,
    "travel_rates",
    "travel allowance",
    lambda rate, data, by: tariffs.travel_rate_save(rate=rate, data=data, by=by),
    lambda rate, by: tariffs.travel_rate_delete(rate=rate, by=by),
)

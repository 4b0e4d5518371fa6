"""The quality API's recall campaigns (start one, list them, read one, list its units) and its list of quality alerts."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.permissions import ManagesQuality
from aftersales.api.schema import CURSOR_400, error_responses
from aftersales.roles import provider_of
from quality.access import ManagesNetworkQuality
from quality.api.filters import AlertFilter
from quality.api.serializers.alerts import AlertSerializer
from quality.api.serializers.recalls import RecallInputSerializer, RecallSerializer, RecallUnitSerializer
from quality.models import Dimension, QualityAlert, RecallCampaign, RecallUnit
from quality.recalls import selectors as recall_selectors
from quality.recalls import services as recalls

RECALL_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the recall campaign.")


class RecallPagination(NewestFirstCursorPagination):
    ordering = ("-started_at", "-id")
    order_description = "latest started first"


class RecallUnitPagination(NewestFirstCursorPagination):
    ordering = ("id",)
    order_description = "in the order the units were opened"


class AlertPagination(NewestFirstCursorPagination):
    ordering = ("-raised_at", "-id")
    order_description = "latest raised first"


def _recall_answer(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    campaign = get_object_or_404(recall_selectors.campaigns_with_progress(), pk=pk)
    context = {"request": request, "pending": recall_selectors.pending_count(campaign)}
    return Response(RecallSerializer(campaign, context=context).data, status=code)


class RecallListCreateView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, ManagesNetworkQuality]
    serializer_class = RecallSerializer
    pagination_class = RecallPagination
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[RecallCampaign]:
        return recall_selectors.campaigns_with_progress()

    @extend_schema(
        operation_id="recalls_list",
        tags=["recalls"],
        summary="List recall campaigns",
        description=(
            "Newest first, cursor-paginated, each with its progress. A campaign still opening its tickets "
            "(`opened_at` null) counts the units opened so far; its own endpoint counts the rest. Managers and "
            "administrators."
        ),
        responses={200: RecallSerializer(many=True), **error_responses(400, 401, 403, 429, e400=CURSOR_400)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="recalls_create",
        tags=["recalls"],
        summary="Start a recall campaign",
        description=(
            "Recalls a model's units in use, narrowed to a production batch and/or a serial range. Every owner gets "
            "a recall ticket, a recall callback and an email; they are opened after the answer, in the background "
            "(watch `progress.pending`). Managers and administrators."
        ),
        request=RecallInputSerializer,
        responses={201: RecallSerializer, **error_responses(400, 401, 403, 415, 429)},
        examples=[
            OpenApiExample(
                "One batch",
                value={
                    "model": 3,
                    "batch": "B2026-01",
                    "title": "Drain pump recall",
                    "reason": "The drain pump of this batch may leak; we replace it free of charge.",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        given = RecallInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        campaign = recalls.start_recall(
            model=data["model"],
            batch=data.get("batch", ""),
            serial_from=data.get("serial_from", ""),
            serial_to=data.get("serial_to", ""),
            title=data["title"],
            reason=data["reason"],
            alert=data.get("alert"),
            by=request.user,
            request_key=data.get("request_key", ""),
        )
        return _recall_answer(request, campaign.pk, status.HTTP_201_CREATED)


class RecallDetailView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, ManagesNetworkQuality]
    serializer_class = RecallSerializer

    @extend_schema(
        operation_id="recalls_retrieve",
        tags=["recalls"],
        summary="Read a recall campaign with its progress",
        description="With its progress; while the campaign is still opening its tickets, `progress.pending` counts "
        "the units still to open. Managers and administrators.",
        parameters=[RECALL_ID],
        responses={200: RecallSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _recall_answer(request, pk)


class RecallUnitListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, ManagesNetworkQuality]
    serializer_class = RecallUnitSerializer
    pagination_class = RecallUnitPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no campaign
            return RecallUnit.objects.none()
        campaign = get_object_or_404(RecallCampaign.objects.only("pk"), pk=self.kwargs["pk"])
        return recall_selectors.campaign_unit_rows(campaign)

    @extend_schema(
        operation_id="recalls_units",
        tags=["recalls"],
        summary="List a recall's units",
        description="Each unit with its owner, recall ticket and callback, in the order opened; cursor-paginated.",
        parameters=[RECALL_ID],
        responses={
            200: RecallUnitSerializer(many=True),
            **error_responses(400, 401, 403, 404, 429, e400=CURSOR_400),
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class AlertListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, ManagesQuality]
    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    pagination_class = AlertPagination

    def get_queryset(self) -> QuerySet[QualityAlert]:
        """Every alert for headquarters; a provider's staff see only those about their provider."""
        rows = QualityAlert.objects.select_related("model")
        provider = provider_of(self.request.user)
        if provider is not None:
            rows = rows.filter(dimension=Dimension.PROVIDER, value=str(provider))
        return rows

    @extend_schema(
        operation_id="alerts_list",
        tags=["alerts"],
        summary="List quality alerts",
        description=(
            "Rates past their threshold and batches failing far more often than their model; newest first, "
            "cursor-paginated. Managers and administrators."
        ),
        responses={200: AlertSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

"""The API of monthly statements and their settlement lines (docs/settlement-statements.md#the-api).

Managers and administrators: headquarters' see every provider's statements, a provider's its own
(the models' scoped managers), so another provider's statement or line is a 404, as a missing
one. The moves and decisions call settlements/statements.py; who may make which move is decided
there (a provider's managers submit, headquarters managers do the rest: a 403 otherwise). A stale
``version`` and every bad value are field errors (400), nothing written.
"""

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.filters import IdFilter
from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.parsers import JSONParser
from aftersales.api.schema import error_responses
from aftersales.replicas.marks import replica_reads
from settlements import exports, selectors, statements
from settlements.api.serializers import (
    DecideInput,
    PayInput,
    ReturnInput,
    SettlementLineSerializer,
    StatementDetailSerializer,
    StatementSerializer,
    VersionInput,
)
from settlements.api.tariff_views import object_or_404
from settlements.choices import LineDecision, StatementStatus
from settlements.models import SettlementLine, Statement

TAGS = ["settlement"]
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the statement.")
LINE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the settlement line.")
MOVE_403 = "A provider's managers submit their own statements; headquarters managers make every other move."


class ReadsStatements(BasePermission):
    message = _("Only managers and administrators may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return selectors.may_read_statements(request.user)


PERMISSIONS = [IsAuthenticated, ReadsStatements]


class MonthFilter(filters.CharFilter):
    def filter(self, queryset, value):
        if not value:
            return queryset
        try:
            month = dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError as exc:
            raise serializers.ValidationError({"month": [_("Give the month as YYYY-MM.")]}) from exc
        return queryset.filter(month=month)


class StatementFilter(filters.FilterSet):
    month = MonthFilter(help_text="The month, YYYY-MM.")
    status = filters.ChoiceFilter(choices=StatementStatus.choices)
    provider = filters.CharFilter(field_name="provider__code", help_text="Code of the service provider.")

    class Meta:
        model = Statement
        fields = ["month", "status", "provider"]


class MonthOrdered(NewestFirstCursorPagination):
    ordering = ("-month", "-id")
    order_description = "latest month first"


class JobDateOrdered(NewestFirstCursorPagination):
    ordering = ("job_date", "id")
    order_description = "in job date order"
    page_size = 50


def _statement(request: Request, pk: int) -> Statement:
    return object_or_404(Statement.objects.select_related("provider"), pk)


def _detail(statement: Statement) -> dict:
    statement.totals = selectors.statement_totals(statement)
    statement.history = list(selectors.statement_history(statement))
    return StatementDetailSerializer(statement).data


@replica_reads
class StatementList(generics.GenericAPIView):
    serializer_class = StatementSerializer
    permission_classes = PERMISSIONS
    filterset_class = StatementFilter
    pagination_class = MonthOrdered

    def get_queryset(self) -> QuerySet[Statement]:
        return Statement.objects.select_related("provider")

    @extend_schema(
        operation_id="statements_list",
        tags=TAGS,
        summary="List settlement statements",
        description="Monthly statements, latest month first. A provider's managers see their own.",
        responses={200: StatementSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class StatementDetail(generics.GenericAPIView):
    serializer_class = StatementDetailSerializer
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="statements_retrieve",
        tags=TAGS,
        summary="Read a statement with its totals",
        description=(
            "The statement, its totals (claimed, approved so far, lines by decision, flagged lines) and its "
            "history. Once approved, `approved_total` is the sum of what its lines pay."
        ),
        parameters=[ID],
        responses={200: StatementDetailSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(_statement(request, pk)))


def _move_view(name: str, service, given, summary: str, description: str):
    """A POST that makes one move of a statement and answers with the statement as it is now."""

    class MoveView(generics.GenericAPIView):
        serializer_class = StatementDetailSerializer
        permission_classes = PERMISSIONS
        parser_classes = [JSONParser]

        @extend_schema(
            operation_id=f"statements_{name}",
            tags=TAGS,
            summary=summary,
            description=description,
            parameters=[ID],
            request=given,
            responses={
                200: StatementDetailSerializer,
                **error_responses(400, 401, 403, 404, 415, 429, e403=MOVE_403),
            },
        )
        def post(self, request: Request, pk: int) -> Response:
            statement = _statement(request, pk)
            body = given(data=request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
            service(statement=statement, by=request.user, expected_version=data.pop("version", None), **data)
            return Response(_detail(_statement(request, pk)))

    MoveView.__name__ = f"Statement{name.title().replace('_', '')}View"
    return MoveView


StatementSubmit = _move_view(
    "submit",
    statements.statement_submit,
    VersionInput,
    "Submit a statement",
    "The provider's managers submit their draft (at least one line) to headquarters; its lines' checks run again.",
)
StatementStartReview = _move_view(
    "start_review",
    statements.statement_start_review,
    VersionInput,
    "Start reviewing a statement",
    "Headquarters takes a submitted statement into review; its lines can then be decided.",
)
StatementReturn = _move_view(
    "return",
    statements.statement_return,
    ReturnInput,
    "Return a statement to the provider",
    "Headquarters returns a submitted statement, or one in review, to the provider's draft, with the reason.",
)
StatementApprove = _move_view(
    "approve",
    statements.statement_approve,
    VersionInput,
    "Approve a statement",
    "Headquarters approves a statement whose every line is decided; `approved_total` is written and the "
    "statement can no longer change.",
)
StatementPay = _move_view(
    "pay",
    statements.statement_mark_paid,
    PayInput,
    "Record a statement's payment",
    "Headquarters records the payment of an approved statement: its reference and the day (not in the future, "
    "not before the approval).",
)


EXPORT_RESPONSES = {
    (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment."),
    **error_responses(401, 403, 404, 429),
}


@replica_reads
class StatementCsv(generics.GenericAPIView):
    permission_classes = PERMISSIONS
    serializer_class = None

    @extend_schema(
        operation_id="statements_export_csv",
        tags=TAGS,
        summary="Export a statement as CSV",
        description="Every line (ticket, job date and type, category, amounts, decision, what it pays, reasons, "
        "flags) and a totals row whose `Pays` is the approved total. Amounts with two decimals; UTF-8 with BOM.",
        parameters=[ID],
        responses=EXPORT_RESPONSES,
    )
    def get(self, request: Request, pk: int):
        return exports.response(_statement(request, pk), "csv")


@replica_reads
class StatementXlsx(generics.GenericAPIView):
    permission_classes = PERMISSIONS
    serializer_class = None

    @extend_schema(
        operation_id="statements_export_xlsx",
        tags=TAGS,
        summary="Export a statement as XLSX",
        description="The same table as the CSV in one sheet; amounts are number cells formatted with two decimals.",
        parameters=[ID],
        responses=EXPORT_RESPONSES,
    )
    def get(self, request: Request, pk: int):
        return exports.response(_statement(request, pk), "xlsx")


# --- lines --------------------------------------------------------------------------------------------


class LineFilter(filters.FilterSet):
    statement = IdFilter(field_name="statement_id", help_text="Id of the statement.")
    flagged = filters.BooleanFilter(help_text="true: flagged lines only; false: the others.")
    decision = filters.ChoiceFilter(choices=LineDecision.choices)

    class Meta:
        model = SettlementLine
        fields = ["statement", "flagged", "decision"]


def _lines() -> QuerySet[SettlementLine]:
    return SettlementLine.objects.select_related("ticket", "category", "decided_by")


@replica_reads
class LineList(generics.GenericAPIView):
    serializer_class = SettlementLineSerializer
    permission_classes = PERMISSIONS
    filterset_class = LineFilter
    pagination_class = JobDateOrdered

    def get_queryset(self) -> QuerySet[SettlementLine]:
        return _lines()

    @extend_schema(
        operation_id="settlement_lines_list",
        tags=TAGS,
        summary="List settlement lines",
        description="Settlement lines in job date order, usually of one statement (`statement`), with their flags "
        "and decisions. A provider's managers see their own.",
        responses={200: SettlementLineSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class LineDetail(generics.GenericAPIView):
    serializer_class = SettlementLineSerializer
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="settlement_lines_retrieve",
        tags=TAGS,
        summary="Read a settlement line",
        description="The line with its amounts, flags and decision.",
        parameters=[LINE_ID],
        responses={200: SettlementLineSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(SettlementLineSerializer(object_or_404(_lines(), pk)).data)


class LineDecide(generics.GenericAPIView):
    serializer_class = SettlementLineSerializer
    permission_classes = PERMISSIONS
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="settlement_lines_decide",
        tags=TAGS,
        summary="Decide a settlement line",
        description=(
            "Headquarters managers, on a statement in review: `approved` pays the claim; `adjusted` pays `amount` "
            "(0 or more) and needs a `reason`; `rejected` pays nothing and needs a `reason`."
        ),
        parameters=[LINE_ID],
        request=DecideInput,
        responses={200: SettlementLineSerializer, **error_responses(400, 401, 403, 404, 415, 429, e403=MOVE_403)},
    )
    def post(self, request: Request, pk: int) -> Response:
        line = object_or_404(_lines(), pk)
        body = DecideInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        statements.line_decide(
            line=line,
            decision=data["decision"],
            amount=data.get("amount"),
            reason=data["reason"],
            expected_version=data.get("version"),
            by=request.user,
        )
        return Response(SettlementLineSerializer(object_or_404(_lines(), pk)).data)

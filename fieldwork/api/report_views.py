"""The service-report API: list the signed reports (of one ticket, or all the caller may see) and
download one's PDF. docs/service-report.md.

Same rules as the desk: agents, managers and administrators read every report; a technician the
reports of their own tickets and visits; anyone else none. A report or ticket the caller may not
see is a 404, whether or not it exists.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.schema import error_responses
from aftersales.roles import is_desk_user
from fieldwork.api.report_serializers import ServiceReportSerializer
from fieldwork.models import ServiceReport
from fieldwork.reports import selectors
from fieldwork.reports.views import pdf_response

TAGS = ["service reports"]
REPORT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the service report.")


class IsDeskUser(IsAuthenticated):
    message = _("Only service staff may read service reports here; customers open theirs from the link they were sent.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and is_desk_user(request.user)


class AnyAccept(BaseContentNegotiation):
    """The PDF answers whatever the client accepts (``application/pdf`` included); an error is
    answered in the one JSON error shape."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ReportFilter(filters.FilterSet):
    ticket = filters.CharFilter(field_name="ticket__reference", help_text="Reference of the ticket.")

    class Meta:
        model = ServiceReport
        fields = ["ticket"]


class ReportListView(generics.ListAPIView):
    permission_classes = [IsDeskUser]
    serializer_class = ServiceReportSerializer
    filterset_class = ReportFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return selectors.reports_visible_to(self.request.user)

    @extend_schema(
        operation_id="service_reports_list",
        tags=TAGS,
        summary="List service reports",
        description=(
            "The signed service reports (repair records) made at each visit's check-out, newest first; "
            "`?ticket=` gives one ticket's. Agents, managers and administrators see every report, a technician "
            "those of their own tickets and visits. The PDF is at `pdf_url`."
        ),
        responses={200: ServiceReportSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ReportDetailView(generics.GenericAPIView):
    permission_classes = [IsDeskUser]
    serializer_class = ServiceReportSerializer

    @extend_schema(
        operation_id="service_reports_retrieve",
        tags=TAGS,
        summary="Read a service report",
        description="One report: its ticket, its visit (technician, check-in and check-out) and where its PDF is. "
        "A report the caller may not see is a 404.",
        parameters=[REPORT_ID],
        responses={200: ServiceReportSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        report = selectors.reports_visible_to(request.user).filter(pk=pk).first()
        if report is None:
            raise Http404
        return Response(ServiceReportSerializer(report, context={"request": request}).data)


class ReportPdfView(generics.GenericAPIView):
    permission_classes = [IsDeskUser]
    content_negotiation_class = AnyAccept
    serializer_class = ServiceReportSerializer

    @extend_schema(
        operation_id="service_reports_pdf",
        tags=TAGS,
        summary="Download a service report's PDF",
        description=(
            "The report as it was made at check-out and sent to the customer: A4, in the customer's language, "
            "with the customer's signature. Shown inline, never cached. A report the caller may not see is a 404."
        ),
        parameters=[REPORT_ID],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            **error_responses(401, 403, 404, 429),
        },
    )
    def get(self, request: Request, pk: int):
        report = selectors.reports_visible_to(request.user).filter(pk=pk).first()
        if report is None:
            raise Http404
        return pdf_response(report)

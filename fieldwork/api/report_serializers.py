"""What the service-report API answers (fieldwork/api/report_views.py)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fieldwork.models import ServiceReport


class ReportTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Id of the ticket.")
    reference = serializers.CharField(read_only=True, help_text="The ticket's reference, e.g. AS-2026-000321.")


class ReportVisitSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Id of the visit the report records.")
    technician = serializers.SerializerMethodField(help_text="The technician's full name (or user name).")
    checked_in_at = serializers.DateTimeField(read_only=True, help_text="When the technician arrived.")
    checked_out_at = serializers.DateTimeField(read_only=True, help_text="When the technician left.")

    @extend_schema_field(serializers.CharField())
    def get_technician(self, visit) -> str:
        return visit.technician.get_full_name() or visit.technician.get_username()


class ServiceReportSerializer(serializers.ModelSerializer):
    """A signed service report. The customer's link key is never answered: the customer got the link."""

    id = serializers.IntegerField(read_only=True, help_text="Id of the service report.")
    ticket = ReportTicketSerializer(read_only=True, help_text="The ticket the report is stored with.")
    visit = ReportVisitSerializer(read_only=True, help_text="The visit it records.")
    created_at = serializers.DateTimeField(read_only=True, help_text="When it was made: at the visit's check-out.")
    language = serializers.CharField(
        read_only=True, help_text="The customer's language it is written in: en or zh-hans."
    )
    pdf_url = serializers.SerializerMethodField(help_text="Where the API gives the PDF.")
    desk_url = serializers.SerializerMethodField(help_text="The desk's page that shows and prints the PDF.")

    class Meta:
        model = ServiceReport
        fields = ["id", "ticket", "visit", "language", "created_at", "pdf_url", "desk_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_pdf_url(self, report: ServiceReport) -> str:
        return self._absolute(reverse("api:service-report-pdf", kwargs={"pk": report.pk}))

    @extend_schema_field(serializers.URLField())
    def get_desk_url(self, report: ServiceReport) -> str:
        return self._absolute(reverse("fieldwork:report", kwargs={"pk": report.pk}))

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

"""What the job API reads and answers (fieldwork/api/job_views.py)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fieldwork.models import ChargeKind, PhotoStage

MONEY = {"max_digits": 10, "decimal_places": 2}


class DayQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="The day, YYYY-MM-DD; today (business time) when left out.")


class RecordInSerializer(serializers.Serializer):
    diagnosis = serializers.CharField(required=False, allow_blank=True, max_length=4000, trim_whitespace=True)
    work_done = serializers.CharField(required=False, allow_blank=True, max_length=4000, trim_whitespace=True)
    charge_kind = serializers.ChoiceField(choices=ChargeKind.choices, default=ChargeKind.COVERED)
    charge = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text='The amount paid, to the cent ("120.50"); only when paid.',
    )
    charge_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text="Why the customer pays; required when paid."
    )


class PhotoInSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=PhotoStage.choices)
    file = serializers.FileField(help_text="A JPEG or PNG photo of at most 5 MB, checked by its content.")


class PartInSerializer(serializers.Serializer):
    part = serializers.IntegerField(required=False, help_text="Id of the part (from the stock search).")
    part_number = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="Or its part number."
    )
    quantity = serializers.IntegerField(min_value=1, max_value=99, default=1)
    under_warranty = serializers.BooleanField(
        default=False, help_text="Replaced under warranty (opens an old-part return)."
    )
    failed_batch = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")

    def validate(self, data: dict) -> dict:
        if data.get("part") is None and not data.get("part_number"):
            raise serializers.ValidationError({"part_number": ["Give the part's id or its part number."]})
        return data


class SignatureInSerializer(serializers.Serializer):
    signature = serializers.CharField(
        max_length=800_000, help_text='The signature drawn on the phone, as a PNG data URL ("data:image/png;base64,…").'
    )
    signed_by = serializers.CharField(max_length=120, help_text="The name of the person who signed.")


class PhotoOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class PartUsedOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    part = serializers.IntegerField(source="part_id")
    number = serializers.CharField(source="part.number")
    name = serializers.CharField(source="part.display_name")
    quantity = serializers.IntegerField()
    under_warranty = serializers.BooleanField()
    failed_batch = serializers.CharField()


class RecordOutSerializer(serializers.Serializer):
    diagnosis = serializers.CharField()
    work_done = serializers.CharField()
    charge_kind = serializers.CharField()
    charge = serializers.DecimalField(**MONEY)
    charge_reason = serializers.CharField()
    signed_by = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    has_signature = serializers.SerializerMethodField()

    def get_has_signature(self, record) -> bool:
        return bool(record.signature)


class CustomerOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()


class VisitOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.CharField(source="ticket.reference")
    status = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    checked_out_at = serializers.DateTimeField(allow_null=True)
    station = serializers.CharField(source="station.code")
    customer = CustomerOutSerializer(source="ticket.customer")
    job_url = serializers.SerializerMethodField(help_text="The job screen on the phone.")

    def get_job_url(self, visit) -> str:
        return reverse("fieldwork:job", args=[visit.pk])


class JobOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="visit.pk", help_text="Id of the visit.")
    visit = VisitOutSerializer()
    record = RecordOutSerializer(allow_null=True)
    photos = PhotoOutSerializer(many=True)
    parts = PartUsedOutSerializer(many=True)


class GuaranteeOutSerializer(serializers.Serializer):
    stage = serializers.CharField(
        help_text="return, replace, repair, ended or unknown: the three-guarantees stage on the day."
    )
    until = serializers.DateField(allow_null=True, help_text="The last day of that stage.")
    warranty_end = serializers.DateField(allow_null=True)
    in_warranty = serializers.BooleanField(allow_null=True)
    text = serializers.CharField()


class HistoryOutSerializer(serializers.Serializer):
    reference = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    work_done = serializers.CharField()


class ProductOutSerializer(serializers.Serializer):
    model = serializers.CharField(source="model.code")
    name = serializers.CharField(source="model.display_name")
    serial = serializers.CharField()


class DayVisitOutSerializer(serializers.Serializer):
    visit = VisitOutSerializer()
    product = ProductOutSerializer(source="visit.ticket.unit", allow_null=True)
    fault = serializers.CharField(source="visit.ticket.description")
    guarantee = serializers.SerializerMethodField()
    history = HistoryOutSerializer(many=True)

    @extend_schema_field(GuaranteeOutSerializer(allow_null=True))
    def get_guarantee(self, card) -> dict | None:
        if card.guarantee is None:
            return None
        status = card.guarantee
        return GuaranteeOutSerializer(
            {
                "stage": status.stage,
                "until": status.until,
                "warranty_end": status.warranty_end,
                "in_warranty": status.in_warranty,
                "text": card.guarantee_text,
            }
        ).data

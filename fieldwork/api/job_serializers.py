"""What the job API reads and answers (fieldwork/api/job_views.py)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fieldwork.models import ChargeKind, Complexity, PhotoStage

MONEY = {"max_digits": 10, "decimal_places": 2}


class DayQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="The day, YYYY-MM-DD; today (business time) when left out.")


class RecordInSerializer(serializers.Serializer):
    diagnosis = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, trim_whitespace=True, help_text="What the technician found."
    )
    work_done = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, trim_whitespace=True, help_text="What the technician did."
    )
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


class CheckOutInSerializer(serializers.Serializer):
    complexity = serializers.ChoiceField(
        choices=Complexity.choices,
        required=False,
        allow_blank=True,
        help_text="A repair's complexity band (simple, standard or complex): the band its warranty labour is paid by.",
    )
    travel_km = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2000,
        help_text="The distance travelled to the customer, in whole kilometres: the band of the travel allowance.",
    )


class PhotoInSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=PhotoStage.choices)
    file = serializers.FileField(help_text="A JPEG or PNG photo of at most 5 MB, checked by its content.")


class PartInSerializer(serializers.Serializer):
    part = serializers.IntegerField(required=False, help_text="Id of the part (from the stock search).")
    part_number = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="Or its part number."
    )
    quantity = serializers.IntegerField(min_value=1, max_value=99, default=1, help_text="How many were used (1 to 99).")
    under_warranty = serializers.BooleanField(
        default=False, help_text="Replaced under warranty (opens an old-part return)."
    )
    failed_batch = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        default="",
        help_text="The batch of the part taken out, if known.",
    )

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
    id = serializers.IntegerField(help_text="Id of the photo.")
    stage = serializers.CharField(help_text="before or after the work.")
    content_type = serializers.CharField(help_text="image/jpeg or image/png, read from the file's content.")
    size = serializers.IntegerField(help_text="Size in bytes.")
    created_at = serializers.DateTimeField(help_text="When it was taken.")


class PartUsedOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the use.")
    part = serializers.IntegerField(source="part_id", help_text="Id of the part.")
    number = serializers.CharField(source="part.number", help_text="The part number.")
    name = serializers.CharField(source="part.display_name", help_text="The part's name, in the request's language.")
    quantity = serializers.IntegerField(help_text="How many were used.")
    under_warranty = serializers.BooleanField(help_text="Replaced under warranty.")
    failed_batch = serializers.CharField(help_text="The batch of the part taken out.")


class RecordOutSerializer(serializers.Serializer):
    diagnosis = serializers.CharField(help_text="What the technician found.")
    work_done = serializers.CharField(help_text="What the technician did.")
    charge_kind = serializers.CharField(help_text="covered (no charge) or paid by the customer.")
    charge = serializers.DecimalField(**MONEY, help_text="The amount paid; 0.00 when covered.")
    charge_reason = serializers.CharField(help_text="Why the customer pays; empty when covered.")
    signed_by = serializers.CharField(help_text="The name of the person who signed.")
    signed_at = serializers.DateTimeField(allow_null=True, help_text="When the customer signed; null until then.")
    complexity = serializers.CharField(
        help_text="The repair's complexity band recorded at check-out; empty until then."
    )
    travel_km = serializers.IntegerField(
        allow_null=True, help_text="The travel distance in km recorded at check-out; null until then."
    )
    has_signature = serializers.SerializerMethodField(help_text="Whether the customer's signature is stored.")

    def get_has_signature(self, record) -> bool:
        return bool(record.signature)


class CustomerOutSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The customer's name.")
    phone = serializers.CharField(help_text="The customer's phone number, for the one-tap call.")
    address = serializers.CharField(help_text="The customer's address, where the visit is.")


class VisitOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the visit.")
    ticket = serializers.CharField(source="ticket.reference", help_text="Reference of the visit's ticket.")
    status = serializers.CharField(help_text="booked, confirmed, checked_in, done or cancelled.")
    start = serializers.DateTimeField(help_text="When the visit's slot starts.")
    end = serializers.DateTimeField(help_text="When the visit's slot ends.")
    checked_in_at = serializers.DateTimeField(
        allow_null=True, help_text="The real arrival time; null until the check-in."
    )
    checked_out_at = serializers.DateTimeField(
        allow_null=True, help_text="When the technician left; null until the check-out."
    )
    station = serializers.CharField(
        source="station.code", help_text="Code of the service station whose stock the parts come from."
    )
    customer = CustomerOutSerializer(source="ticket.customer", help_text="The customer visited.")
    job_url = serializers.SerializerMethodField(help_text="The job screen on the phone.")

    def get_job_url(self, visit) -> str:
        return reverse("fieldwork:job", args=[visit.pk])


class JobOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="visit.pk", help_text="Id of the visit.")
    visit = VisitOutSerializer(help_text="The visit.")
    record = RecordOutSerializer(allow_null=True, help_text="The job record; null until something is recorded.")
    photos = PhotoOutSerializer(many=True, help_text="Photos taken on site, oldest first.")
    parts = PartUsedOutSerializer(many=True, help_text="Parts used on the ticket at the visit's station, oldest first.")


class GuaranteeOutSerializer(serializers.Serializer):
    stage = serializers.CharField(
        help_text="return, replace, repair, ended or unknown: the three-guarantees stage on the day."
    )
    until = serializers.DateField(allow_null=True, help_text="The last day of that stage.")
    warranty_end = serializers.DateField(
        allow_null=True, help_text="The last day of the product's warranty; null when not known."
    )
    in_warranty = serializers.BooleanField(
        allow_null=True, help_text="Whether the product is in warranty on the day; null when not known."
    )
    text = serializers.CharField(help_text="The stage in words, in the request's language.")


class HistoryOutSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="Reference of the earlier ticket.")
    kind = serializers.CharField(help_text="Its kind: repair, installation, maintenance, consultation or complaint.")
    status = serializers.CharField(help_text="Its status now.")
    created_at = serializers.DateTimeField(help_text="When it was logged.")
    work_done = serializers.CharField(help_text="The work done, as recorded.")


class ProductOutSerializer(serializers.Serializer):
    model = serializers.CharField(source="model.code", help_text="The model code.")
    name = serializers.CharField(source="model.display_name", help_text="The model's name, in the request's language.")
    serial = serializers.CharField(help_text="The serial number.")


class DayVisitOutSerializer(serializers.Serializer):
    visit = VisitOutSerializer(help_text="The visit.")
    product = ProductOutSerializer(
        source="visit.ticket.unit",
        allow_null=True,
        help_text="The product of the ticket; null when the ticket names none.",
    )
    fault = serializers.CharField(source="visit.ticket.description", help_text="The fault as logged on the ticket.")
    guarantee = serializers.SerializerMethodField(
        help_text="The product's warranty and three-guarantees stage on the day; null without a product."
    )
    history = HistoryOutSerializer(many=True, help_text="The unit's earlier tickets, newest first (at most five).")

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

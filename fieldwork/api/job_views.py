"""The technician's job API (docs/technician-day.md): the day, and each step of the on-site job.

A technician reads and works only their own visits: another's visit is a 404, whether or not it
exists. Every step is sent with an ``Idempotency-Key`` header (a UUID the phone makes when the
step's form is opened): sent again with the same key, the step answers the first result with
``Idempotent-Replayed: true`` and records nothing again (fieldwork/jobs/idempotency.py). The
services' field errors come back in the one error shape.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.parsers import JSONParser
from aftersales.api.schema import error_responses
from fieldwork.api.job_serializers import (
    CheckOutInSerializer,
    DayQuerySerializer,
    DayVisitOutSerializer,
    JobOutSerializer,
    PartInSerializer,
    PhotoInSerializer,
    RecordInSerializer,
    SignatureInSerializer,
)
from fieldwork.jobs import actions, selectors
from fieldwork.jobs.idempotency import run_once
from fieldwork.models import Visit

TAGS = ["field jobs"]
HEADER = "Idempotency-Key"
VISIT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the visit (one of your own).")
KEY = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="A UUID made when the step's form is opened and kept for every resend of it: a repeat with the "
    "same key answers the first result and records nothing again.",
)
REPLAYED = (
    "The step was sent already with this key: the first result, nothing recorded again "
    "(header `Idempotent-Replayed: true`)."
)


def job_data(visit: Visit) -> dict:
    """The visit's job as the API answers it, as plain JSON (kept with the idempotency key)."""
    data = JobOutSerializer(
        {
            "visit": visit,
            "record": selectors.job_of(visit),
            "photos": selectors.photos_of(visit),
            "parts": selectors.parts_used_on(visit),
        }
    ).data
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


class DayView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = DayVisitOutSerializer
    queryset = Visit.objects.none()

    @extend_schema(
        operation_id="field_day",
        tags=TAGS,
        summary="The technician's day",
        description=(
            "Your visits of the day (`date`, default today in business time) in time order, cancelled ones left "
            "out: time, customer with address and phone, product, its warranty and three-guarantees stage on that "
            "day, and the unit's earlier tickets (newest first, at most five)."
        ),
        parameters=[DayQuerySerializer],
        responses={200: DayVisitOutSerializer(many=True), **error_responses(400, 401, 429)},
    )
    def get(self, request: Request) -> Response:
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("date") or timezone.localdate()
        return Response(DayVisitOutSerializer(selectors.day_of(request.user, day), many=True).data)


class JobView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = JobOutSerializer
    queryset = Visit.objects.none()

    @extend_schema(
        operation_id="field_job_retrieve",
        tags=TAGS,
        summary="Read a job",
        description="The visit, its job record, photos and the parts used on its ticket at its station.",
        parameters=[VISIT_ID],
        responses={200: JobOutSerializer, **error_responses(401, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(job_data(selectors.own_visit(request.user, pk)))


class _StepView(generics.GenericAPIView):
    """One step of the job: validated, applied once per idempotency key, answered with the job."""

    permission_classes = [IsAuthenticated]
    serializer_class = JobOutSerializer
    queryset = Visit.objects.none()
    parser_classes = [JSONParser]
    action = ""
    input_serializer = None
    created = False

    def post(self, request: Request, pk: int) -> Response:
        visit = selectors.own_visit(request.user, pk)
        data, files = {}, {}
        if self.input_serializer is not None:
            given = self.input_serializer(data=request.data)
            given.is_valid(raise_exception=True)
            data = {k: v for k, v in given.validated_data.items() if k != "file"}
            files = {"file": given.validated_data["file"]} if "file" in given.validated_data else {}

        def step() -> dict:
            actions.apply(self.action, visit, request.user, data, files)
            return job_data(Visit.objects.select_related(*selectors.VISIT_RELATED).get(pk=visit.pk))

        outcome = run_once(user=request.user, key=request.headers.get(HEADER), scope=f"api.{self.action}", action=step)
        code = status.HTTP_201_CREATED if self.created and not outcome.replayed else status.HTTP_200_OK
        response = Response(outcome.result, status=code)
        if outcome.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def _step_schema(operation: str, summary: str, description: str, request=None, created: bool = False):
    answered = {201 if created else 200: JobOutSerializer}
    if created:
        answered[200] = OpenApiResponse(JobOutSerializer, description=REPLAYED)
    return extend_schema(
        operation_id=operation,
        tags=TAGS,
        summary=summary,
        description=description
        + " Send the `Idempotency-Key` header; a missing or malformed key is a 400 (`errors.idempotency_key`).",
        parameters=[VISIT_ID, KEY],
        request=request,
        responses={**answered, **error_responses(400, 401, 404, 415, 429)},
    )


class CheckInView(_StepView):
    action = "check_in"

    @_step_schema(
        "field_job_check_in",
        "Check in on site",
        "Records the real arrival time: the ticket's arrival clock (arrival timeliness) uses it, and the ticket "
        "moves to in progress if it is not already.",
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class RecordView(_StepView):
    action = "record"
    input_serializer = RecordInSerializer

    @_step_schema(
        "field_job_record",
        "Save the job record",
        "Diagnosis, work done and the charge: covered, or paid with the amount to the cent and the reason.",
        RecordInSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class PhotoView(_StepView):
    action = "photo"
    input_serializer = PhotoInSerializer
    parser_classes = [MultiPartParser, FormParser]
    created = True

    @_step_schema(
        "field_job_photo",
        "Add a photo",
        "A photo before or after the work (multipart: `stage`, `file`), checked by its content: JPEG or PNG, at "
        "most 5 MB.",
        {"multipart/form-data": PhotoInSerializer},
        created=True,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class PartView(_StepView):
    action = "part"
    input_serializer = PartInSerializer
    created = True

    @_step_schema(
        "field_job_part",
        "Use a part",
        "Consumes the part from the visit's station's stock (a reservation for the ticket first) in the job's "
        "transaction; not enough in stock is a field error and nothing is recorded.",
        PartInSerializer,
        created=True,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class SignatureView(_StepView):
    action = "sign"
    input_serializer = SignatureInSerializer

    @_step_schema(
        "field_job_sign",
        "Save the customer's signature",
        "The signature drawn on the phone as a PNG data URL, checked to be a PNG image of a sane size, with the "
        "signer's name.",
        SignatureInSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class CheckOutView(_StepView):
    action = "check_out"
    input_serializer = CheckOutInSerializer

    @_step_schema(
        "field_job_check_out",
        "Check out",
        "The visit is done; needs the check-in and the customer's signature. Records a repair's complexity band "
        "and the travel distance, by which a warranty job's settlement is paid. The signed service report is made "
        "once the check-out is recorded.",
        CheckOutInSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

"""The survey-program API: ``/api/survey-programs/`` and ``/api/survey-programs/{id}/``
(docs/csi.md#the-api). Programs are the whole network's: every desk user reads them (they are
the phone script), headquarters' managers and administrators create and change them through
followups/csi/programs.py. A write by anyone else is a 403 whatever the id."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.filters import MAX_ID
from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.schema import error_responses
from aftersales.replicas.marks import replica_reads
from aftersales.roles import is_desk_user, manages_network_quality
from followups.csi.programs import program_save
from followups.csi_models import SurveyProgram, SurveyQuestion

TAGS = ["survey programs"]
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the survey program.")
HQ_403 = "Reading needs a desk role; changing needs a headquarters manager or administrator (of no provider)."


class DeskReadsHeadquartersWrites(BasePermission):
    message = _("Only headquarters' managers and administrators may change survey programs.")

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            if not is_desk_user(request.user):
                self.message = _("Only service staff may use this endpoint.")
                return False
            return True
        return manages_network_quality(request.user)


class OptionSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=60, help_text="What the answer stores; unique within the question.")
    label = serializers.CharField(max_length=120, help_text="The option in English.")
    label_zh = serializers.CharField(max_length=120, required=False, allow_blank=True, help_text="In Chinese.")
    score = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False, help_text="1–5 counted in the CSI; null: not scored."
    )


class QuestionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False, help_text="Give it to change a question of the program; leave it out to add one."
    )
    options = OptionSerializer(many=True, required=False, help_text="Choice questions only.")

    class Meta:
        model = SurveyQuestion
        fields = ["id", "order", "contact_point", "kind", "text", "text_zh", "options", "weight", "required"]
        extra_kwargs = {
            "weight": {"help_text": "How much the answer counts in the response's CSI (free text: always 0)."},
            "contact_point": {"help_text": "The contact point of the service the question is about."},
            "order": {"help_text": "Where the question comes in the survey (lowest first)."},
            "text": {"help_text": "The question in English."},
            "text_zh": {"help_text": "The question in Chinese; English is shown where it is empty."},
            "required": {"help_text": "Whether the customer (or the agent on the phone) must answer it."},
        }


class SurveyProgramSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, help_text="In order; a change replaces the list (see the description).")
    ticket_kinds = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Ticket kinds it is for; empty: every kind."
    )
    channels = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="`sms`, `email` (the survey link's) and `phone` (the callback's script); empty: every channel.",
    )

    class Meta:
        model = SurveyProgram
        fields = [
            "id", "code", "name", "name_zh", "ticket_kinds", "channels", "priority", "is_active", "created_at",
            "questions",
        ]  # fmt: skip
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "id": {"help_text": "The program's id."},
            "code": {"help_text": "A short unique code (letters, digits, hyphens)."},
            "name": {"help_text": "The program's name in English."},
            "name_zh": {"help_text": "The program's name in Chinese."},
            "priority": {
                "help_text": "Among the active programs that match a ticket's kind and channel, the highest wins."
            },
            "is_active": {"help_text": "Only active programs are sent or used as the phone script."},
            "created_at": {"help_text": "When the program was created."},
        }


def programs():
    return SurveyProgram.objects.prefetch_related("questions")


def program_or_404(pk: int) -> SurveyProgram:
    found = programs().filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise Http404(pk)
    return found


class ProgramOrder(NewestFirstCursorPagination):
    ordering = ("-priority", "code", "id")
    order_description = "highest priority first, then by code"


class _Programs(generics.GenericAPIView):
    serializer_class = SurveyProgramSerializer
    permission_classes = [IsAuthenticated, DeskReadsHeadquartersWrites]
    parser_classes = [JSONParser]

    def get_queryset(self):
        return programs()

    def _save(self, request: Request, instance: SurveyProgram | None, *, partial: bool, created: bool) -> Response:
        given = self.get_serializer(instance, data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        saved = program_save(program=instance, data=given.validated_data, by=request.user)
        return Response(self.get_serializer(program_or_404(saved.pk)).data, status=201 if created else 200)


@replica_reads
class SurveyProgramList(_Programs):
    pagination_class = ProgramOrder

    @extend_schema(
        operation_id="survey_programs_list",
        tags=TAGS,
        summary="List survey programs",
        description=(
            "The CSI survey programs with their questions, highest priority first. A program is chosen for a "
            "ticket by its kind and the survey's channel: the active one with the highest priority among those "
            "matching (docs/csi.md). Every desk user may read them."
        ),
        responses={200: SurveyProgramSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="survey_programs_create",
        tags=TAGS,
        summary="Create a survey program",
        description=(
            "Headquarters managers and administrators only. Scale questions are answered 1–5; a choice "
            "question's options each carry a score 1–5 or null; free text is never scored. At least one question."
        ),
        request=SurveyProgramSerializer,
        responses={201: SurveyProgramSerializer, **error_responses(400, 401, 403, 415, 429, e403=HQ_403)},
    )
    def post(self, request: Request) -> Response:
        return self._save(request, None, partial=False, created=True)


class SurveyProgramDetail(_Programs):
    @extend_schema(
        operation_id="survey_programs_retrieve",
        tags=TAGS,
        summary="Read a survey program",
        description="One program with its questions in order.",
        parameters=[ID],
        responses={200: SurveyProgramSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(program_or_404(pk)).data)

    @extend_schema(
        operation_id="survey_programs_update",
        tags=TAGS,
        summary="Change a survey program",
        description=(
            "Headquarters managers and administrators only. `questions` replaces the list: a question with its "
            "`id` is changed, one without is added, one left out is removed. An answered question cannot be "
            "removed or change kind (400): deactivate the program and make a new one."
        ),
        parameters=[ID],
        request=SurveyProgramSerializer,
        responses={200: SurveyProgramSerializer, **error_responses(400, 401, 403, 404, 415, 429, e403=HQ_403)},
    )
    def put(self, request: Request, pk: int) -> Response:
        return self._save(request, program_or_404(pk), partial=False, created=False)

    @extend_schema(
        operation_id="survey_programs_partial_update",
        tags=TAGS,
        summary="Change some fields of a survey program",
        description="Headquarters managers and administrators only; `questions`, when given, replaces the list.",
        parameters=[ID],
        request=SurveyProgramSerializer,
        responses={200: SurveyProgramSerializer, **error_responses(400, 401, 403, 404, 415, 429, e403=HQ_403)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._save(request, program_or_404(pk), partial=True, created=False)

"""The follow-up API (issue 7): callback visits (the calls to make, recording a call and the
customer's ratings), quality feedback to the departments, recall campaigns and quality alerts.

Same rules as the pages: the callback queue is for agents, managers and administrators; the
feedback inbox for department users (their departments only) and managers; recalls and alerts
for managers and administrators. An object outside what the caller may see is a 404, whether
or not it exists. Views parse, call one service or selector, and answer (docs/architecture.md#house-rules);
services' errors come back in the one error shape.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.pagination import DueFirstCursorPagination, NewestFirstCursorPagination
from aftersales.api.permissions import AnswersFeedback, SeesAllTickets
from aftersales.api.schema import error_responses
from followups.api.filters import CallbackFilter, FeedbackFilter
from followups.api.serializers import (
    CallbackAttemptInputSerializer,
    CallbackDetailSerializer,
    CallbackSerializer,
    FeedbackAnswerSerializer,
    FeedbackSerializer,
)
from followups.callbacks import selectors
from followups.callbacks.services import record_attempt
from followups.feedback import services as feedback
from tickets.selectors import complaint_classes

E409_FEEDBACK = "The item moved on since it was read (already acknowledged or answered): nothing was written."
E404_FEEDBACK = "No such item in the caller's departments: another department's item is answered the same way."
CALLBACK_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the callback visit.")
FEEDBACK_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the quality feedback item.")
UNKNOWN_COMPLAINT_CLASS = _("No complaint class has this code: give a service class or a product fault code.")


# --- callback visits ------------------------------------------------------------------------------


class CallbackListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, SeesAllTickets]
    serializer_class = CallbackSerializer
    filterset_class = CallbackFilter
    pagination_class = DueFirstCursorPagination

    def get_queryset(self):
        return selectors.callback_rows()

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        operation_id="callbacks_list",
        tags=["callbacks"],
        summary="List callback visits",
        description=(
            "The calls still to make by default (status due), the most overdue first, then the ones due soonest; "
            "cursor-paginated. Agents, managers and administrators."
        ),
        responses={200: CallbackSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


def _callback_answer(pk: int, code: int = status.HTTP_200_OK) -> Response:
    visit = selectors.callback_for_call(pk)
    return Response(CallbackDetailSerializer(visit, context={"now": timezone.now()}).data, status=code)


class CallbackDetailView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesAllTickets]
    serializer_class = CallbackDetailSerializer

    @extend_schema(
        operation_id="callbacks_retrieve",
        tags=["callbacks"],
        summary="Read a callback visit with its calls",
        description="Any visit, whatever its status, with the calls made so far (oldest first) and, once the "
        "customer was reached, their ratings and comment. Agents, managers and administrators.",
        parameters=[CALLBACK_ID],
        responses={200: CallbackDetailSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _callback_answer(pk)


def _scores_errors(exc: DjangoValidationError) -> DjangoValidationError:
    """The service names scores ``score_overall``; the request nests them as ``scores.overall``."""
    if not hasattr(exc, "error_dict"):
        return exc
    return DjangoValidationError(
        {
            (f"scores.{field.removeprefix('score_')}" if field.startswith("score_") else field): errors
            for field, errors in exc.error_dict.items()
        }
    )


class CallbackAttemptView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesAllTickets]
    parser_classes = [JSONParser]
    serializer_class = CallbackDetailSerializer

    @extend_schema(
        operation_id="callbacks_attempt",
        tags=["callbacks"],
        summary="Record a call and the customer's ratings",
        description=(
            "One call: its result and, when the customer was reached, their ratings (1–5) and comment. Reaching "
            "the customer settles the visit; a rating of 1–2 or a complaint reopens the ticket and opens a "
            "complaint; three failed calls on two different days make the customer unreachable."
        ),
        parameters=[CALLBACK_ID],
        request=CallbackAttemptInputSerializer,
        responses={201: CallbackDetailSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
        examples=[
            OpenApiExample(
                "Reached and satisfied",
                value={"result": "reached", "scores": {"overall": 5, "attitude": 5}, "comment": "All good."},
                request_only=True,
            ),
            OpenApiExample("No answer", value={"result": "no_answer", "note": "Call after 18:00."}, request_only=True),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        visit = selectors.callback_for_call(pk)
        given = CallbackAttemptInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        scores = data.get("scores") or {}
        complaint_class = None
        if data.get("complaint_class"):
            complaint_class = complaint_classes().filter(code=data["complaint_class"]).first()
            if complaint_class is None:
                raise DjangoValidationError({"complaint_class": [UNKNOWN_COMPLAINT_CLASS]})
        try:
            record_attempt(
                visit=visit,
                result=data["result"],
                by=request.user,
                note=data.get("note", ""),
                scores={
                    f"score_{name}": scores.get(name) for name in ("attitude", "punctuality", "quality", "overall")
                },
                comment=data.get("comment", ""),
                raised_complaint=data["raised_complaint"],
                complaint_class=complaint_class,
            )
        except DjangoValidationError as exc:
            raise _scores_errors(exc) from exc
        return _callback_answer(pk, status.HTTP_201_CREATED)


# --- feedback items ---------------------------------------------------------------------------------


class FeedbackListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, AnswersFeedback]
    serializer_class = FeedbackSerializer
    filterset_class = FeedbackFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return feedback.feedback_inbox(self.request.user, now=timezone.now())

    @extend_schema(
        operation_id="feedback_list",
        tags=["feedback"],
        summary="List quality feedback items",
        description=(
            "The items of the caller's departments (every department for managers and administrators), newest "
            "first, cursor-paginated."
        ),
        responses={200: FeedbackSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


def _feedback_answer(request: Request, pk: int) -> Response:
    item = feedback.feedback_item_for(request.user, pk, now=timezone.now())
    return Response(FeedbackSerializer(item).data)


class FeedbackDetailView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, AnswersFeedback]
    serializer_class = FeedbackSerializer

    @extend_schema(
        operation_id="feedback_retrieve",
        tags=["feedback"],
        summary="Read a quality feedback item",
        description="An item of the caller's departments (any department for managers and administrators), with "
        "its acknowledgement and answer so far and whether it is overdue.",
        parameters=[FEEDBACK_ID],
        responses={200: FeedbackSerializer, **error_responses(401, 403, 404, 429, e404=E404_FEEDBACK)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _feedback_answer(request, pk)


class FeedbackAcknowledgeView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, AnswersFeedback]
    serializer_class = FeedbackSerializer

    @extend_schema(
        operation_id="feedback_acknowledge",
        tags=["feedback"],
        summary="Acknowledge a feedback item",
        description="The department confirms it has the item; this stops the 7-day omission clock. No body.",
        parameters=[FEEDBACK_ID],
        request=None,
        responses={
            200: FeedbackSerializer,
            **error_responses(401, 403, 404, 409, 429, e404=E404_FEEDBACK, e409=E409_FEEDBACK),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        item = feedback.feedback_item_for(request.user, pk, now=timezone.now())
        feedback.feedback_acknowledge(item=item, by=request.user)
        return _feedback_answer(request, pk)


class FeedbackAnswerView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, AnswersFeedback]
    parser_classes = [JSONParser]
    serializer_class = FeedbackSerializer

    @extend_schema(
        operation_id="feedback_answer",
        tags=["feedback"],
        summary="Answer a feedback item",
        description="The cause the department found and its corrective action; this closes no-leak 4 for the item.",
        parameters=[FEEDBACK_ID],
        request=FeedbackAnswerSerializer,
        responses={
            200: FeedbackSerializer,
            **error_responses(400, 401, 403, 404, 409, 415, 429, e404=E404_FEEDBACK, e409=E409_FEEDBACK),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        item = feedback.feedback_item_for(request.user, pk, now=timezone.now())
        given = FeedbackAnswerSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        feedback.feedback_answer(item=item, by=request.user, **given.validated_data)
        return _feedback_answer(request, pk)


# --- recalls and alerts -------------------------------------------------------------------------------

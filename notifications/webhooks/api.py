"""The webhook subscription API (issue 7): subscribe a receiver URL to events, read and delete
one's subscriptions, read their deliveries, ping a receiver. Managers and administrators, each
with their own subscriptions only (another's is a 404). How deliveries are sent, signed and
retried, and what a payload holds: notifications/webhooks/.
"""

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.permissions import AtHeadquarters, ManagesQuality
from aftersales.api.schema import CURSOR_400, error_responses
from notifications import webhooks
from notifications.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEvent, WebhookSubscription

TAGS = ["webhooks"]
SUBSCRIPTION_ID = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="Id of one of your webhook subscriptions."
)
SIGNING = (
    "Each delivery is a JSON POST with the headers `X-Aftersales-Event`, `X-Aftersales-Delivery` (a uuid, the same "
    "on every retry), `X-Aftersales-Timestamp` (Unix seconds) and `X-Aftersales-Signature: sha256=<hex>`, the "
    "HMAC-SHA256 of `<timestamp>.<raw body>` keyed with the subscription's secret. Answer 2xx within 5 seconds; "
    "anything else is retried after 30 s, 1, 2, 4 … minutes, 8 attempts in all."
)


class WebhookSubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the subscription.")
    url = serializers.URLField(help_text="The receiver every delivery is POSTed to.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        help_text="The events the receiver is sent, each once, in the catalogue's order.",
    )
    description = serializers.CharField(help_text="What the receiver is, in the owner's words; may be empty.")
    is_active = serializers.BooleanField(
        help_text="Deliveries go out. False when an administrator switched the subscription off: nothing is sent."
    )
    created_at = serializers.DateTimeField(help_text="When the subscription was created.")


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(help_text="Signs every delivery. Shown this once: store it now.")


class WebhookSubscriptionInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, help_text="The receiver; https (plain http only where allowed).")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        max_length=len(WebhookEvent.values) * 2,
        help_text="The events to receive.",
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="What the receiver is, for your own reference."
    )


class WebhookAttemptSerializer(serializers.Serializer):
    """One POST to the receiver."""

    attempt = serializers.IntegerField(
        help_text="Which attempt it was, from 1; counts from 1 again when an administrator resends the delivery."
    )
    at = serializers.DateTimeField(help_text="When the attempt started.")
    status_code = serializers.IntegerField(allow_null=True, help_text="The receiver's HTTP status; null on an error.")
    error = serializers.CharField(help_text="Why no answer came (timeout, refused connection…); empty otherwise.")
    duration_ms = serializers.IntegerField(help_text="How long the attempt took, in milliseconds.")
    response = serializers.CharField(help_text="The start (200 characters) of the receiver's answer.")


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the delivery.")
    uuid = serializers.UUIDField(help_text="The X-Aftersales-Delivery header.")
    event = serializers.CharField(help_text="An event name, or ping.")
    event_id = serializers.UUIDField(help_text="The payload's id: the same for every receiver of one event.")
    payload = serializers.JSONField(
        help_text="The body sent, as signed: `id` (the event id), `event`, `occurred_at` and the event's `data`."
    )
    status = serializers.ChoiceField(
        choices=WebhookDeliveryStatus.choices,
        help_text="pending: being sent or retried; delivered: the receiver answered 2xx; failed: 8 attempts "
        "failed, or the subscription was deleted or switched off.",
    )
    attempts = serializers.IntegerField(help_text="Attempts made so far.")
    last_status_code = serializers.IntegerField(
        allow_null=True, help_text="The receiver's HTTP status on the last attempt; null before one, or on an error."
    )
    last_response = serializers.CharField(help_text="The start (2 KB) of the last answer.")
    last_error = serializers.CharField(
        help_text="Why the last attempt got no answer, or why the delivery was given up; empty otherwise."
    )
    attempt_log = WebhookAttemptSerializer(many=True, help_text="Every attempt, oldest first (the last 50).")
    next_attempt_at = serializers.DateTimeField(
        allow_null=True, help_text="When the next attempt is due; null once delivered or failed."
    )
    created_at = serializers.DateTimeField(help_text="When the event happened and the delivery was written.")
    delivered_at = serializers.DateTimeField(
        allow_null=True, help_text="When the receiver answered 2xx; null until then."
    )


def _own(request: Request, pk: int) -> WebhookSubscription:
    subscription = webhooks.subscriptions_of(request.user).filter(pk=pk).first()
    if subscription is None:
        raise Http404(pk)
    return subscription


class WebhookListCreateView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, ManagesQuality, AtHeadquarters]
    serializer_class = WebhookSubscriptionSerializer
    pagination_class = NewestFirstCursorPagination
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return WebhookSubscription.objects.none()
        return webhooks.subscriptions_of(self.request.user)

    @extend_schema(
        operation_id="webhooks_list",
        tags=TAGS,
        summary="List your webhook subscriptions",
        description="Managers and administrators; each sees their own. " + SIGNING,
        responses={
            200: WebhookSubscriptionSerializer(many=True),
            **error_responses(400, 401, 403, 429, e400=CURSOR_400),
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="webhooks_create",
        tags=TAGS,
        summary="Subscribe a receiver to events",
        description="The answer carries the signing secret, shown this once. The URL must be https (plain http "
        "only for hosts in WEBHOOK_ALLOW_HTTP) and lead to a public internet address: a private, loopback or "
        "link-local address is refused here (`errors.url`) and again on every delivery, when the name is resolved "
        "(hosts in WEBHOOK_ALLOW_PRIVATE excepted). " + SIGNING,
        request=WebhookSubscriptionInputSerializer,
        responses={201: WebhookSubscriptionCreatedSerializer, **error_responses(400, 401, 403, 415, 429)},
        examples=[
            OpenApiExample(
                "Ticket events",
                value={
                    "url": "https://dealer.example.com/aftersales/hooks",
                    "events": ["ticket.created", "ticket.status_changed"],
                    "description": "Dealer system",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        given = WebhookSubscriptionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        subscription = webhooks.subscription_create(owner=request.user, **given.validated_data)
        return Response(WebhookSubscriptionCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, ManagesQuality, AtHeadquarters]
    serializer_class = WebhookSubscriptionSerializer

    @extend_schema(
        operation_id="webhooks_retrieve",
        tags=TAGS,
        summary="Read a webhook subscription",
        description="One of your own subscriptions (another's is a 404). The signing secret is not shown again.",
        parameters=[SUBSCRIPTION_ID],
        responses={200: WebhookSubscriptionSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(WebhookSubscriptionSerializer(_own(request, pk)).data)

    @extend_schema(
        operation_id="webhooks_destroy",
        tags=TAGS,
        summary="Delete a webhook subscription",
        description="Nothing more is sent to it, pending deliveries included; its deliveries stay in the log.",
        parameters=[SUBSCRIPTION_ID],
        responses={204: OpenApiResponse(description="Deleted."), **error_responses(401, 403, 404, 429)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        webhooks.subscription_delete(subscription=_own(request, pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, ManagesQuality, AtHeadquarters]
    serializer_class = WebhookDeliverySerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no subscription
            return WebhookDelivery.objects.none()
        return webhooks.deliveries_of(_own(self.request, self.kwargs["pk"]))

    @extend_schema(
        operation_id="webhooks_deliveries",
        tags=TAGS,
        summary="List a subscription's deliveries",
        description="Newest first, cursor-paginated, each with every attempt and the receiver's answers.",
        parameters=[SUBSCRIPTION_ID],
        responses={
            200: WebhookDeliverySerializer(many=True),
            **error_responses(400, 401, 403, 404, 429, e400=CURSOR_400),
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class WebhookPingView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, ManagesQuality, AtHeadquarters]
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        operation_id="webhooks_ping",
        tags=TAGS,
        summary="Ping a receiver",
        description=(
            "Sends a `ping` event to the receiver, in the background: read the outcome in its deliveries. No body."
        ),
        parameters=[SUBSCRIPTION_ID],
        request=None,
        responses={202: WebhookDeliverySerializer, **error_responses(401, 403, 404, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        delivery = webhooks.ping(subscription=_own(request, pk), by=request.user)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

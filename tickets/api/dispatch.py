"""Dispatching a ticket to a service provider through the API: offer, accept, give back
(docs/network-dispatch.md). The rules and the writes are tickets/services/provider_offers.py's.

A ticket outside the caller's scope (another provider's job, or one headquarters has) is a 404,
exactly like a reference that does not exist; a role that may not do this to a ticket it sees
gets a 403; bad input a 400 with the messages under each field; a stale ``expected_version`` 409.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.schema import error_responses
from network.models import ServiceProvider
from tickets.api.scope import REFERENCE, TicketScope
from tickets.api.ticket_output import TicketSerializer
from tickets.models import ServiceStation
from tickets.services import provider_offers
from tickets.services.provider_terms import is_headquarters

UNKNOWN_PROVIDER = _("Unknown service provider.")
UNKNOWN_STATION = _("Unknown service station.")
HEADQUARTERS_ONLY = _("Only headquarters dispatches jobs to service providers.")
REASON_FIRST = _("Say why the job goes back to headquarters.")
VERSION = "The ticket's `version` as last read."


class OfferSerializer(serializers.Serializer):
    provider = serializers.CharField(max_length=40, help_text="The service provider's code, or its id.")
    station = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text="One of the provider's stations, by code or id; leave out to offer the job to the provider.",
    )
    expected_version = serializers.IntegerField(min_value=1, help_text=VERSION)


class AcceptSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(min_value=1, help_text=VERSION)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        error_messages={"required": REASON_FIRST, "blank": REASON_FIRST},
        help_text="Why the job goes back to headquarters; kept on the ticket's timeline.",
    )
    expected_version = serializers.IntegerField(min_value=1, help_text=VERSION)


def _by_code_or_id(queryset, text: str):
    text = (text or "").strip()
    condition = Q(code=text) | Q(pk=int(text)) if text.isdigit() else Q(code=text)
    return queryset.filter(condition).first() if text else None


class TicketOfferView(TicketScope, generics.GenericAPIView):
    serializer_class = OfferSerializer

    @extend_schema(
        operation_id="tickets_offer",
        tags=["tickets"],
        summary="Dispatch a ticket to a service provider",
        description="Headquarters offers the job to a service provider, or to one of its stations. The provider "
        "has its `accept_hours` of business time (in the station's calendar, the organisation's default without "
        "one: nights, Sundays and statutory holidays do not count, make-up working days do) to accept it; the "
        "deadline is `provider_accept_due`. Not accepted by then, the job returns to headquarters, escalated to "
        "its managers. An offer not yet accepted may be made again, to the same or another provider; a job its "
        "provider accepted must be given back first. The provider's agents and managers are emailed. "
        "Headquarters' agents, managers and administrators only.",
        parameters=[REFERENCE],
        request=OfferSerializer,
        responses={200: TicketSerializer, **error_responses(400, 401, 403, 404, 409, 415, 429)},
        examples=[
            OpenApiExample(
                "To a provider's station",
                request_only=True,
                value={"provider": "qd-repairs", "station": "qd-east", "expected_version": 3},
            )
        ],
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket = self.ticket()
        if not is_headquarters(request.user):
            raise PermissionDenied(HEADQUARTERS_ONLY)
        data = OfferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        errors: dict[str, list] = {}
        provider = _by_code_or_id(ServiceProvider.objects.all(), fields["provider"])
        if provider is None:
            errors["provider"] = [UNKNOWN_PROVIDER]
        station = None
        if fields.get("station"):
            station = _by_code_or_id(ServiceStation.objects.all(), fields["station"])
            if station is None:
                errors["station"] = [UNKNOWN_STATION]
        if errors:
            raise ValidationError(errors)
        provider_offers.offer(
            ticket=ticket,
            provider=provider,
            station=station,
            by=request.user,
            expected_version=fields["expected_version"],
        )
        return self.answer(self.ticket())


class TicketAcceptView(TicketScope, generics.GenericAPIView):
    serializer_class = AcceptSerializer

    @extend_schema(
        operation_id="tickets_accept",
        tags=["tickets"],
        summary="Accept a job offered to the caller's service provider",
        description="The provider's agents and managers accept the job up to `provider_accept_due` (included); "
        "after it the offer has run out (400 under `provider`). Accepting a job already accepted changes nothing. "
        "A job offered to another provider is a 404.",
        parameters=[REFERENCE],
        request=AcceptSerializer,
        responses={200: TicketSerializer, **error_responses(400, 401, 403, 404, 409, 415, 429)},
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket = self.ticket()
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        provider_offers.accept(ticket=ticket, by=request.user, expected_version=data.validated_data["expected_version"])
        return self.answer(self.ticket())


class TicketReturnView(TicketScope, generics.GenericAPIView):
    serializer_class = ReturnSerializer

    @extend_schema(
        operation_id="tickets_return",
        tags=["tickets"],
        summary="Give a job back to headquarters",
        description="The provider's agents and managers give back a job offered to or accepted by their provider, "
        "with the reason. The job leaves the provider, its station and technician; its visits still to come are "
        "cancelled; headquarters finds it among the returned jobs. The provider's staff no longer see the "
        "ticket, so the answer has no body.",
        parameters=[REFERENCE],
        request=ReturnSerializer,
        responses={
            204: OpenApiResponse(description="Given back to headquarters."),
            **error_responses(400, 401, 403, 404, 409, 415, 429),
        },
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket = self.ticket()
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        provider_offers.return_to_headquarters(
            ticket=ticket,
            by=request.user,
            reason=data.validated_data["reason"],
            expected_version=data.validated_data["expected_version"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

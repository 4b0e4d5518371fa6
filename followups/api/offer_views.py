"""The offer on a warranty-expiry or renewal call, in the API: ``POST /api/callbacks/{id}/offer/``
records what the customer said (followups/offers.py decides; the desk form calls the same)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.permissions import SeesAllTickets
from aftersales.api.schema import error_responses
from contracts.models import ContractProduct
from followups.api.serializers import NOTE_MAX_LENGTH, CallbackDetailSerializer
from followups.callbacks import selectors
from followups.choices import OfferOutcome
from followups.offers import callback_offer_record

CALLBACK_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the callback visit.")
UNKNOWN_PRODUCT = _("No contract on sale has this code.")


class CallbackOfferInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=OfferOutcome.choices,
        help_text="offered: the customer is thinking it over; accepted: the contract is sold now (give `product` and "
        "`payment_reference`); declined: give the customer's `reason`.",
        error_messages={
            "required": _("Choose what the customer said to the offer."),
            "invalid_choice": _("Choose what the customer said to the offer."),
        },
    )
    product = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Accepted only: the code of the contract product sold, on sale for the unit's category (an extended "
        "warranty on a warranty-expiry call; the kind of the contract ending on a renewal call). Its price is the "
        "catalogue's.",
    )
    payment_reference = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        help_text="Accepted only: the reference of the customer's payment (bank or WeChat Pay transfer).",
    )
    reason = serializers.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Declined only (then required): why the customer declined.",
    )


class ContractNumberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the service contract.")
    number = serializers.CharField(help_text="The contract's number, e.g. SC-2026-000042.")


class CallbackOfferSerializer(CallbackDetailSerializer):
    contract = ContractNumberSerializer(
        allow_null=True, help_text="The contract a plan-visit or renewal call is about; null for other calls."
    )
    offer_outcome = serializers.ChoiceField(
        choices=[("", "not recorded"), *OfferOutcome.choices],
        help_text="What came of the offer on this call; empty until recorded.",
    )
    offer_decline_reason = serializers.CharField(help_text="Why the customer declined; empty unless declined.")
    offer_contract = ContractNumberSerializer(
        allow_null=True, help_text="The contract sold on this call when the offer was accepted; null otherwise."
    )


class CallbackOfferView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesAllTickets]
    parser_classes = [JSONParser]
    serializer_class = CallbackOfferSerializer

    @extend_schema(
        operation_id="callbacks_offer",
        tags=["callbacks"],
        summary="Record the outcome of the offer made on a call",
        description=(
            "On a warranty-expiry call (an extended warranty) or a renewal call (the contract ending): offered, "
            "accepted (the contract is sold on the callback channel, a renewal renewing the contract ending, and "
            "kept on the visit as `offer_contract`) or declined with a reason. Refused with a field error on "
            "`outcome` when the call carries no offer, the customer opted out of offers, or the offer was already "
            "accepted. Agents, managers and administrators."
        ),
        parameters=[CALLBACK_ID],
        request=CallbackOfferInputSerializer,
        responses={200: CallbackOfferSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
        examples=[
            OpenApiExample(
                "Accepted",
                value={"outcome": "accepted", "product": "ew-fridge-2y", "payment_reference": "WX20261207001"},
                request_only=True,
            ),
            OpenApiExample("Declined", value={"outcome": "declined", "reason": "Buying a new one."}, request_only=True),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        visit = selectors.callback_for_call(pk)
        given = CallbackOfferInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        product = None
        if data.get("product"):
            product = ContractProduct.objects.filter(code=data["product"], is_active=True).first()
            if product is None:
                raise DjangoValidationError({"product": [UNKNOWN_PRODUCT]})
        callback_offer_record(
            visit=visit,
            outcome=data["outcome"],
            by=request.user,
            product=product,
            payment_reference=data.get("payment_reference", ""),
            reason=data.get("reason", ""),
        )
        visit = selectors.callback_for_call(pk)
        return Response(CallbackOfferSerializer(visit, context={"now": timezone.now()}).data)

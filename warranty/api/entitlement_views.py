"""``GET /api/tickets/{reference}/entitlement/``: who pays for a ticket's job (warranty/entitlement.py,
docs/contracts.md#entitlement). Desk staff who may read the ticket (tickets.selectors.ticket_for:
another provider's ticket, or a technician's colleague's, is a 404 as a missing one)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.schema import error_responses
from aftersales.roles import is_desk_user
from contracts.cover_rules import Basis
from tickets import selectors as ticket_selectors
from warranty.entitlement import EntitlementSource, ticket_entitlement

REFERENCE = OpenApiParameter("reference", str, OpenApiParameter.PATH, description="Reference of the ticket.")


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable code of the reason.")
    text = serializers.CharField(help_text="The reason in plain words, in the caller's language.")


class EntitlementSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(
        choices=Basis.choices,
        help_text="statutory: free under the three guarantees; contract: free under a service contract; paid.",
    )
    label = serializers.CharField(help_text="The basis in words, in the caller's language.")
    parts_free = serializers.BooleanField(help_text="Whether the parts are free.")
    labour_free = serializers.BooleanField(help_text="Whether the labour is free.")
    contract = serializers.IntegerField(allow_null=True, help_text="Id of the covering contract; null for none.")
    contract_number = serializers.CharField(allow_blank=True, help_text="Number of the covering contract, or empty.")
    remedies = serializers.ListField(
        child=serializers.CharField(), help_text="The remedies the statutory decision allows (never reduced)."
    )
    source = serializers.ChoiceField(
        choices=EntitlementSource.choices,
        help_text="claim: the ticket's latest warranty claim; evaluation: the facts on record (no claim yet); "
        "none: no statutory decision could be made (no policy or no start date).",
    )
    claim = serializers.IntegerField(allow_null=True, help_text="Id of the claim decided from, if any.")
    day = serializers.DateField(help_text="The job's day, on which the cover is judged.")
    reasons = ReasonSerializer(many=True, help_text="Why, in order.")


def entitlement_data(found) -> dict:
    entitlement = found.entitlement
    return {
        "basis": entitlement.basis,
        "label": entitlement.label,
        "parts_free": entitlement.parts_free,
        "labour_free": entitlement.labour_free,
        "contract": found.contract.pk if found.contract else None,
        "contract_number": entitlement.contract_number,
        "remedies": list(entitlement.remedies),
        "source": found.source,
        "claim": found.claim.pk if found.claim else None,
        "day": found.day,
        "reasons": [
            {"code": reason.code, "text": text} for reason, text in zip(entitlement.reasons, found.reasons, strict=True)
        ],
    }


class TicketEntitlementView(generics.GenericAPIView):
    serializer_class = EntitlementSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="tickets_entitlement_retrieve",
        tags=["claims"],
        summary="Who pays for a ticket's job",
        description="Free under the three guarantees, free under a service contract in force on the unit that day "
        "(parts, labour or both, as it covers), or paid, with the reasons. Decided from the ticket's latest claim, "
        "or, with none yet, from the facts on record as the claim form prefills them. A contract only adds cover: "
        "a statutory free decision is never reduced. A ticket about no registered unit is a 404.",
        parameters=[REFERENCE],
        responses={200: EntitlementSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, reference: str) -> Response:
        if not is_desk_user(request.user):
            raise PermissionDenied
        ticket = ticket_selectors.ticket_for(request.user, reference)
        found = ticket_entitlement(ticket)
        if found is None:
            raise Http404(reference)
        return Response(EntitlementSerializer(entitlement_data(found)).data)

"""The warranty claim API (issue 7): list and read claims; open one for a ticket (the engine
decides at once); record the customer's choice, a manager's goodwill remedy, and the remedy
carried out. docs/three-guarantees.md#claims.

Same rules as the desk's claim pages: agents, managers and administrators read and work every
claim; a technician reads the claims of their own jobs; a customer (portal account token)
reads those of their own tickets; goodwill needs a manager. A claim the caller may not read is
a 404, whether or not it exists. The services in warranty/claims.py decide and write; their
field errors come back in the one error shape, with the facts' errors under ``facts.<name>``.
What the endpoints read and answer is in warranty/api/claim_serializers.py.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.permissions import IsDeskUserOrCustomer, ManagesQuality, SeesAllTickets, customer_of
from aftersales.api.schema import error_responses
from aftersales.replicas.marks import replica_reads
from aftersales.roles import is_desk_user
from tickets.models import Ticket
from warranty import claims, selectors
from warranty.api.claim_serializers import (
    ChooseSerializer,
    ClaimCreateSerializer,
    ClaimFactsSerializer,
    ClaimSerializer,
    ExecuteSerializer,
    GoodwillSerializer,
)
from warranty.models import ClaimStatus, WarrantyClaim

UNKNOWN_TICKET = _("Unknown ticket.")
TAGS = ["claims"]
CLAIM_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the warranty claim.")


class ClaimFilter(filters.FilterSet):
    ticket = filters.CharFilter(field_name="ticket__reference", help_text="Reference of the ticket.")
    status = filters.ChoiceFilter(choices=ClaimStatus.choices)
    rule = filters.CharFilter(help_text="Code of the deciding rule, e.g. general.return_7d.")

    class Meta:
        model = WarrantyClaim
        fields = ["ticket", "status", "rule"]


class ClaimPagination(NewestFirstCursorPagination):
    ordering = ("-decided_at", "-id")
    order_description = "newest decision first"


def _visible(request: Request) -> QuerySet[WarrantyClaim]:
    user = request.user
    customer = None if is_desk_user(user) else customer_of(user)
    return selectors.claims_visible_to(user, customer=customer)


def _claim_for(request: Request, pk: int) -> WarrantyClaim:
    """The claim, if the caller may read it; a 404 otherwise, whether it exists or not."""
    claim = _visible(request).filter(pk=pk).first()
    if claim is None:
        raise Http404(pk)
    return claim


def _answer(request: Request, claim: WarrantyClaim, code: int = status.HTTP_200_OK) -> Response:
    fresh = _visible(request).get(pk=claim.pk)
    return Response(ClaimSerializer(fresh, context={"request": request}).data, status=code)


def _facts_errors(exc: DjangoValidationError) -> DjangoValidationError:
    """A service's errors about facts, under ``facts.<name>`` as the request nests them."""
    if not hasattr(exc, "error_dict"):
        return exc
    nested = set(ClaimFactsSerializer().fields)
    return DjangoValidationError(
        {(f"facts.{field}" if field in nested else field): errors for field, errors in exc.error_dict.items()}
    )


CLAIM_EXAMPLE = {
    "id": 12,
    "ticket": {"id": 40, "reference": "AS-2026-000040"},
    "unit": {"id": 7, "serial": "SN00001234", "model": "XQG100"},
    "status": "evaluated",
    "policy": {"code": "washing_machine", "version": 1},
    "rule": "general.return_7d",
    "remedies": ["return_full", "replace", "repair_free"],
    "free": True,
    "reasons": ["You bought this product 5 days ago. …"],
    "period_end": "2027-03-03",
    "refund_amount": "2999.00",
    "usage_fee": None,
    "loaner": False,
    "facts": {"start_date": "2026-03-03", "claim_date": "2026-03-08", "fault_kind": "performance"},
    "decided_at": "2026-03-08T10:02:11+08:00",
    "chosen_remedy": None,
    "is_goodwill": False,
    "chosen_at": None,
    "executed_at": None,
    "charge": None,
    "refund_paid": None,
    "replacement_unit": None,
    "internal": None,
}


@replica_reads
class ClaimListCreateView(generics.GenericAPIView):
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    pagination_class = ClaimPagination
    parser_classes = [JSONParser]

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), SeesAllTickets()]
        return [IsAuthenticated(), IsDeskUserOrCustomer()]

    def get_queryset(self) -> QuerySet[WarrantyClaim]:
        return _visible(self.request)

    @extend_schema(
        operation_id="claims_list",
        tags=TAGS,
        summary="List warranty claims",
        description=(
            "Newest decision first, cursor-paginated. Agents, managers and administrators see every claim; a "
            "technician the claims of their own jobs; a customer those of their own tickets."
        ),
        responses={200: ClaimSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        rows = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="claims_create",
        tags=TAGS,
        summary="Open a warranty claim for a ticket",
        description=(
            "The three-guarantees engine decides at once from the ticket's unit, its history and the facts given; "
            "the decision is stored with its rule, policy version and facts. Agents, managers and administrators."
        ),
        request=ClaimCreateSerializer,
        responses={201: ClaimSerializer, **error_responses(400, 401, 403, 415, 429)},
        examples=[
            OpenApiExample(
                "A claim with corrected proof",
                value={
                    "ticket": "AS-2026-000040",
                    "facts": {"fault_kind": "performance", "proof": {"invoice": True, "card": True}},
                    "correction_reason": "The customer showed the warranty card.",
                },
                request_only=True,
            ),
            OpenApiExample("The stored decision", value=CLAIM_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request: Request) -> Response:
        given = ClaimCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        ticket = Ticket.objects.filter(reference=data["ticket"]).first()
        if ticket is None:
            raise serializers.ValidationError({"ticket": [UNKNOWN_TICKET]})
        try:
            claim = claims.claim_evaluate(
                ticket=ticket,
                by=request.user,
                entered=data.get("facts", {}),
                correction_reason=data.get("correction_reason", ""),
                claim_date=data.get("claim_date"),
            )
        except DjangoValidationError as exc:
            raise _facts_errors(exc) from exc
        return _answer(request, claim, status.HTTP_201_CREATED)


class ClaimDetailView(generics.GenericAPIView):
    serializer_class = ClaimSerializer
    permission_classes = [IsAuthenticated, IsDeskUserOrCustomer]

    @extend_schema(
        operation_id="claims_retrieve",
        tags=TAGS,
        summary="Read a warranty claim",
        description="The decision, its rule, policy version, facts and reasons, the choice and how it was carried out.",
        parameters=[CLAIM_ID],
        responses={200: ClaimSerializer, **error_responses(401, 403, 404, 429)},
        examples=[OpenApiExample("A decided claim", value=CLAIM_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ClaimSerializer(_claim_for(request, pk), context={"request": request}).data)


class _ClaimActionView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesAllTickets]
    parser_classes = [JSONParser]
    serializer_class = ClaimSerializer


class ClaimChooseView(_ClaimActionView):
    @extend_schema(
        operation_id="claims_choose",
        tags=TAGS,
        summary="Record the customer's choice",
        description="One of the remedies the decision allows; anything else is a manager's goodwill remedy.",
        parameters=[CLAIM_ID],
        request=ChooseSerializer,
        responses={200: ClaimSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = _claim_for(request, pk)
        given = ChooseSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        claim = claims.claim_choose(claim=claim, remedy=given.validated_data["remedy"], by=request.user)
        return _answer(request, claim)


class ClaimGoodwillView(_ClaimActionView):
    permission_classes = [IsAuthenticated, ManagesQuality]

    @extend_schema(
        operation_id="claims_goodwill",
        tags=TAGS,
        summary="Grant a goodwill remedy",
        description="A remedy outside the allowed set, with a written reason. Managers and administrators only.",
        parameters=[CLAIM_ID],
        request=GoodwillSerializer,
        responses={200: ClaimSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = _claim_for(request, pk)
        given = GoodwillSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        claim = claims.claim_goodwill(claim=claim, remedy=data["remedy"], reason=data["reason"], by=request.user)
        return _answer(request, claim)


class ClaimExecuteView(_ClaimActionView):
    @extend_schema(
        operation_id="claims_execute",
        tags=TAGS,
        summary="Carry out the chosen remedy",
        description=(
            "A repair records its charge (nothing for a free one); a replacement registers the new unit "
            "(`new_serial`, and `new_model` for another model) and its periods start again; a return records the "
            "refund and marks the unit returned."
        ),
        parameters=[CLAIM_ID],
        request=ExecuteSerializer,
        responses={200: ClaimSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = _claim_for(request, pk)
        given = ExecuteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        claim = claims.claim_execute(
            claim=claim,
            by=request.user,
            charge=data.get("charge"),
            new_serial=data.get("new_serial", ""),
            new_model=data.get("new_model"),
            refund=data.get("refund"),
        )
        return _answer(request, claim)

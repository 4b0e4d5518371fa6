"""The API of leads, lead rules and a customer's offers consent (docs/sales.md#the-api).

Leads: sales staff, agents, managers and administrators; a dealer's staff see their dealer's
leads only (the scoped manager), so another dealer's lead is a 404, as a missing one. The moves
call sales/leads.py: a move the status does not allow, or contacting a customer who opted out,
is a 400 with the field's error, nothing written. Lead rules: every desk user reads them;
headquarters managers and administrators write them.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.parsers import JSONParser
from aftersales.api.permissions import customer_of
from aftersales.api.schema import error_responses
from aftersales.replicas.marks import replica_reads
from aftersales.roles import at_headquarters, is_desk_user, manages_quality, roles_of, works_in_sales
from customers.models import Customer
from customers.referral_choices import ReferralChannel
from sales import leads, selectors
from sales.api.serializers import (
    AssignInput,
    ContactInput,
    CustomerOffersConsentSerializer,
    LeadDetailSerializer,
    LeadRuleSerializer,
    LeadSerializer,
    LoseInput,
    OffersConsentInput,
    WinInput,
)
from sales.choices import LeadKind, LeadStatus
from sales.models import Lead, LeadRule
from sales.selectors import object_or_404

TAGS = ["leads"]
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the lead.")
RULE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the lead rule.")
CUSTOMER_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the customer.")
RULES_403 = "Reading needs a desk role; changing needs a headquarters manager or administrator."


class WorksLeads(BasePermission):
    message = _("Only sales staff, agents, managers and administrators may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return works_in_sales(request.user)


PERMISSIONS = [IsAuthenticated, WorksLeads]


class LeadFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=LeadStatus.choices)
    kind = filters.ChoiceFilter(choices=LeadKind.choices)
    owner = filters.CharFilter(field_name="owner__username", help_text="Username of the owner.")
    dealer = filters.CharFilter(field_name="owner_provider__code", help_text="Code of the dealer.")
    mine = filters.BooleanFilter(method="filter_mine", help_text="`true`: only the caller's own leads.")

    class Meta:
        model = Lead
        fields = ["status", "kind", "owner", "dealer", "mine"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(owner=self.request.user) if value else queryset


class LeadOrdered(NewestFirstCursorPagination):
    ordering = ("-created_at", "-id")
    order_description = "newest first"


def _detail(request: Request, pk: int) -> dict:
    lead = selectors.lead_for(request.user, pk)
    lead.history = list(selectors.lead_history(lead))
    return LeadDetailSerializer(lead).data


@replica_reads
class LeadList(generics.GenericAPIView):
    serializer_class = LeadSerializer
    permission_classes = PERMISSIONS
    filterset_class = LeadFilter
    pagination_class = LeadOrdered

    def get_queryset(self) -> QuerySet[Lead]:
        return selectors.lead_list(self.request.user)

    @extend_schema(
        operation_id="leads_list",
        tags=TAGS,
        summary="List leads found in service",
        description="Newest first. A dealer's staff see their dealer's leads only.",
        responses={200: LeadSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class LeadDetail(generics.GenericAPIView):
    serializer_class = LeadDetailSerializer
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="leads_retrieve",
        tags=TAGS,
        summary="Read a lead with its history",
        description="The lead, why it was found, the consent recorded then, and its steps.",
        parameters=[ID],
        responses={200: LeadDetailSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, pk))


def _move_view(name: str, given, summary: str, description: str):
    """A POST that makes one move of a lead and answers with the lead as it is now."""

    class MoveView(generics.GenericAPIView):
        serializer_class = LeadDetailSerializer
        permission_classes = PERMISSIONS
        parser_classes = [JSONParser]

        @extend_schema(
            operation_id=f"leads_{name}",
            tags=TAGS,
            summary=summary,
            description=description,
            parameters=[ID],
            request=given,
            responses={200: LeadDetailSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
        )
        def post(self, request: Request, pk: int) -> Response:
            lead = selectors.lead_for(request.user, pk)
            body = given(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
            if name == "contact":
                leads.lead_contact(lead=lead, note=data["note"], by=request.user)
            elif name == "win":
                leads.lead_win(lead=lead, value=data["value"], note=data["note"], by=request.user)
            elif name == "lose":
                leads.lead_lose(lead=lead, reason=data["reason"], by=request.user)
            else:
                leads.lead_assign(
                    lead=lead,
                    owner=data.get("owner", lead.owner),
                    dealer=data.get("dealer", lead.owner_provider),
                    by=request.user,
                )
            return Response(_detail(request, pk))

    MoveView.__name__ = f"Lead{name.title()}View"
    return MoveView


LeadContact = _move_view(
    "contact",
    ContactInput,
    "Record a contact about a lead",
    "A new lead becomes contacted; a contacted one gets another note. Refused (400, `status`) when the customer "
    "has opted out of offers.",
)
LeadWin = _move_view("win", WinInput, "Win a lead", "A contacted lead is won, with the value sold.")
LeadLose = _move_view("lose", LoseInput, "Lose a lead", "A new or contacted lead is lost, with the reason.")
LeadAssign = _move_view(
    "assign",
    AssignInput,
    "Give a lead to another owner or dealer",
    "An open lead goes to another owner who works leads for its dealer (or, without one, at headquarters). "
    "Only headquarters changes the dealer.",
)


# --- lead rules -----------------------------------------------------------------------------------


class RulesReadOrHeadquartersWrite(BasePermission):
    message = _("Only headquarters managers and administrators may change lead rules.")

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return is_desk_user(request.user) or works_in_sales(request.user)
        return manages_quality(request.user) and at_headquarters(request.user)


class CodeOrdered(NewestFirstCursorPagination):
    ordering = ("code", "id")
    order_description = "by code"


class _Rules(generics.GenericAPIView):
    serializer_class = LeadRuleSerializer
    permission_classes = [IsAuthenticated, RulesReadOrHeadquartersWrite]
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[LeadRule]:
        return LeadRule.objects.select_related("category", "owner")


@replica_reads
class LeadRuleList(_Rules):
    pagination_class = CodeOrdered

    @extend_schema(
        operation_id="lead_rules_list",
        tags=TAGS,
        summary="List lead rules",
        description="The rules that turn service events into leads, by code.",
        responses={200: LeadRuleSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="lead_rules_create",
        tags=TAGS,
        summary="Add a lead rule",
        description="Headquarters managers and administrators. A cost rule needs its share, a repeat rule its "
        "count and window.",
        request=LeadRuleSerializer,
        responses={201: LeadRuleSerializer, **error_responses(400, 401, 403, 415, 429, e403=RULES_403)},
    )
    def post(self, request: Request) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        rule = given.save()
        return Response(self.get_serializer(self.get_queryset().get(pk=rule.pk)).data, status=201)


class LeadRuleDetail(_Rules):
    @extend_schema(
        operation_id="lead_rules_retrieve",
        tags=TAGS,
        summary="Read a lead rule",
        description="One rule with its trigger, numbers, category and owner.",
        parameters=[RULE_ID],
        responses={200: LeadRuleSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(object_or_404(self.get_queryset(), pk)).data)

    @extend_schema(
        operation_id="lead_rules_partial_update",
        tags=TAGS,
        summary="Change some fields of a lead rule",
        description="Headquarters managers and administrators. Switch a rule off with `is_active: false`.",
        parameters=[RULE_ID],
        request=LeadRuleSerializer,
        responses={200: LeadRuleSerializer, **error_responses(400, 401, 403, 404, 415, 429, e403=RULES_403)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        rule = object_or_404(self.get_queryset(), pk)
        given = self.get_serializer(rule, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        given.save()
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


# --- a customer's offers consent ----------------------------------------------------------------


class OffersConsentView(generics.GenericAPIView):
    serializer_class = CustomerOffersConsentSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="customers_offers_consent",
        tags=["customers"],
        summary="Record a customer's answer about offers",
        description="Staff record what the customer said (on the phone, at the desk); a customer records their "
        "own (as `api`). Opting out closes the customer's open leads as lost, `opted out`; nobody contacts them "
        "about an offer again (docs/sales.md#consent-and-opting-out).",
        parameters=[CUSTOMER_ID],
        request=OffersConsentInput,
        responses={200: CustomerOffersConsentSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        staff = bool(roles_of(request.user))
        own = None if staff else customer_of(request.user)
        if not staff and own is None:
            raise PermissionDenied(_("Only staff and the customer themselves may record this."))
        rows = Customer.objects.all() if staff else Customer._base_manager.filter(pk=own.pk)
        customer = object_or_404(rows, pk)
        if staff and not (works_in_sales(request.user) or is_desk_user(request.user)):
            raise PermissionDenied(_("Only service and sales staff may record this."))
        body = OffersConsentInput(data=request.data)
        body.is_valid(raise_exception=True)
        source = body.validated_data["source"] if staff else ReferralChannel.API
        customer = leads.offers_consent_record(
            customer=customer, consent=body.validated_data["consent"], source=source, by=request.user
        )
        return Response(CustomerOffersConsentSerializer(customer).data)

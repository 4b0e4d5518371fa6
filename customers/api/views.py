"""The customer and product-unit endpoints (issue 7; docs/threat-model.md).

Agents, managers and administrators see and edit every customer and unit. A customer (a
portal account) sees only their own record and units, and registers units for themselves;
any other id is a 404, as if it did not exist. Technicians and department users have no
business with customer records: 403.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.permissions import customer_of
from aftersales.api.schema import error_responses
from aftersales.roles import is_desk_user, sees_all_tickets
from customers.api.filters import CustomerFilter, UnitFilter
from customers.api.serializers import (
    CustomerCreateSerializer,
    CustomerInputSerializer,
    CustomerSerializer,
    UnitInputSerializer,
    UnitSerializer,
)
from customers.models import Customer, ProductUnit
from customers.referral_choices import ReferralChannel
from customers.referrals import referral_record
from customers.selectors import active_models
from customers.services import customer_create, customer_update
from customers.units import unit_register

STAFF_ONLY = _("Only agents, managers and administrators may do this.")
UNKNOWN_CUSTOMER = _("Unknown customer.")
FOR_YOURSELF = _("You register products for yourself: leave this out.")
NOT_A_CUSTOMER = _("You have no customer record: this is for customers' own accounts.")
CUSTOMER_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the customer.")
UNIT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the product unit.")


class SeesAllOrIsCustomer(BasePermission):
    message = _("Only agents, managers, administrators and customers may use this endpoint.")

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        return sees_all_tickets(user) or (not is_desk_user(user) and customer_of(user) is not None)


def own_customer(user) -> Customer | None:
    """The caller's own customer record when they act as a customer; None for staff (who see all)."""
    return None if sees_all_tickets(user) else customer_of(user)


def require_staff(request: Request) -> None:
    if not sees_all_tickets(request.user):
        raise PermissionDenied(STAFF_ONLY)


class UnitCursorPagination(NewestFirstCursorPagination):
    """Latest registered first."""

    ordering = ("-registered_at", "-id")
    order_description = "latest registered first"


# --- customers ------------------------------------------------------------------------------


class CustomerScope:
    """Every customer for staff; only their own record for a customer."""

    permission_classes = [IsAuthenticated, SeesAllOrIsCustomer]
    serializer_class = CustomerSerializer

    def get_queryset(self):
        customer = own_customer(self.request.user)
        customers = Customer.objects.all()
        return customers.filter(pk=customer.pk) if customer is not None else customers


class CustomerListView(CustomerScope, generics.ListAPIView):
    filterset_class = CustomerFilter
    pagination_class = NewestFirstCursorPagination

    @extend_schema(
        operation_id="customers_list",
        tags=["customers"],
        summary="List customers",
        description="Newest first. Agents, managers and administrators see every customer; a customer sees "
        "only their own record.",
        responses={200: CustomerSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="customers_create",
        tags=["customers"],
        summary="Create a customer",
        description="The phone is the identity: it is normalised, and a number that already belongs to a "
        "customer is refused. A `referral_code` records who referred the new customer. Agents, managers and "
        "administrators only.",
        request=CustomerCreateSerializer,
        responses={201: CustomerSerializer, **error_responses(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        require_staff(request)
        data = CustomerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        referral_code = fields.pop("referral_code", "").strip()
        # One transaction: a refused referral code leaves no customer behind.
        with transaction.atomic():
            customer = customer_create(**fields, by=request.user)
            if referral_code:
                customer = referral_record(
                    customer=customer, code=referral_code, channel=ReferralChannel.API, by=request.user
                )
        location = reverse("api:customer-detail", args=[customer.pk])
        return Response(
            CustomerSerializer(customer).data, status=status.HTTP_201_CREATED, headers={"Location": location}
        )


class CustomerMeView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesAllOrIsCustomer]
    serializer_class = CustomerSerializer

    @extend_schema(
        operation_id="customers_me",
        tags=["customers"],
        summary="The caller's own customer record",
        description="For customers' own accounts; staff have no customer record (404).",
        responses={200: CustomerSerializer, **error_responses(401, 403, 404, 429, e404=str(NOT_A_CUSTOMER))},
    )
    def get(self, request: Request) -> Response:
        customer = own_customer(request.user)
        if customer is None:
            raise NotFound(NOT_A_CUSTOMER)
        return Response(CustomerSerializer(customer).data)


class CustomerDetailView(CustomerScope, generics.RetrieveAPIView):
    @extend_schema(
        operation_id="customers_retrieve",
        tags=["customers"],
        summary="One customer",
        parameters=[CUSTOMER_ID],
        responses={200: CustomerSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="customers_partial_update",
        tags=["customers"],
        summary="Correct a customer's details",
        description="Only the fields sent change. A new phone is normalised and may not belong to another "
        "customer; a portal account signs in with the new number. An email entered here is confirmed; "
        "`preferred_channel` is `email` only with a confirmed email. Agents, managers and administrators only.",
        parameters=[CUSTOMER_ID],
        request=CustomerInputSerializer(partial=True),
        responses={200: CustomerSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        customer = self.get_object()
        require_staff(request)
        data = CustomerInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        customer = customer_update(customer=customer, changes=dict(data.validated_data), by=request.user)
        return Response(CustomerSerializer(customer).data)


# --- product units --------------------------------------------------------------------------


class UnitScope:
    """Every unit for staff; only their own units for a customer. Warranty as of today."""

    permission_classes = [IsAuthenticated, SeesAllOrIsCustomer]
    serializer_class = UnitSerializer

    def get_queryset(self):
        customer = own_customer(self.request.user)
        units = ProductUnit.objects.select_related("model__category")
        return units.filter(owner=customer) if customer is not None else units

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "today": timezone.localdate()}


class UnitListView(UnitScope, generics.ListAPIView):
    filterset_class = UnitFilter
    pagination_class = UnitCursorPagination

    @extend_schema(
        operation_id="units_list",
        tags=["units"],
        summary="List product units, or look one up by serial",
        description="Latest registered first, each with its warranty period and whether it is in warranty "
        "today. `serial` finds a unit by its exact serial number in any letter case. A customer sees only "
        "their own units.",
        responses={200: UnitSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="units_create",
        tags=["units"],
        summary="Register a product unit",
        description="Derives the warranty period from the category's policy. Staff register for any customer "
        "(`owner`); a customer registers for themselves, and the fields marked staff only are refused. A "
        "serial is registered once per model; dates cannot lie in the future.",
        request=UnitInputSerializer,
        responses={201: UnitSerializer, **error_responses(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        staff = sees_all_tickets(request.user)
        data = UnitInputSerializer(data=request.data, context={"staff": staff})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        owner = self._owner(fields.pop("owner", None), staff)
        model = active_models().filter(code__iexact=fields.pop("model").strip()).first()
        unit = unit_register(owner=owner, model=model, **fields, by=request.user)
        location = reverse("api:unit-detail", args=[unit.pk])
        body = UnitSerializer(unit, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})

    def _owner(self, owner_id: int | None, staff: bool) -> Customer:
        if not staff:
            customer = customer_of(self.request.user)
            if owner_id is not None and owner_id != customer.pk:
                raise ValidationError({"owner": [FOR_YOURSELF]})
            return customer
        if owner_id is None:
            raise ValidationError({"owner": [serializers.Field.default_error_messages["required"]]})
        owner = Customer.objects.filter(pk=owner_id).first()
        if owner is None:
            raise ValidationError({"owner": [UNKNOWN_CUSTOMER]})
        return owner


class UnitDetailView(UnitScope, generics.RetrieveAPIView):
    @extend_schema(
        operation_id="units_retrieve",
        tags=["units"],
        summary="One product unit, with its warranty period",
        parameters=[UNIT_ID],
        responses={200: UnitSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

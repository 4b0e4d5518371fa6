"""The booking API: free slots, visits (book, move, cancel), technician profiles and dispatch
suggestions (docs/fieldwork.md).

Same rules as the desk: agents, managers and administrators book, move and cancel; technicians
read their own visits and their own slots; managers write technician profiles. An object the
caller may not see is a 404. Services' errors come back in the one error shape, field by field.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.api.pagination import NewestFirstCursorPagination
from aftersales.api.permissions import SeesAllTickets
from aftersales.api.schema import error_responses
from aftersales.roles import Role, is_desk_user, manages_quality, roles_of, sees_all_tickets
from fieldwork.api.booking_serializers import (
    DispatchSuggestionsSerializer,
    FreeSlotSerializer,
    SlotQuerySerializer,
    TechnicianProfileSerializer,
    VisitBookSerializer,
    VisitCancelSerializer,
    VisitMoveSerializer,
    VisitSerializer,
)
from fieldwork.booking import services
from fieldwork.booking.availability import free_slots
from fieldwork.booking.dispatch import suggest_technicians
from fieldwork.booking.profiles import technician_profile_save
from fieldwork.models import TechnicianProfile, Visit
from tickets import selectors as ticket_selectors

VISIT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the visit.")
PROFILE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the technician profile.")
REFERENCE = OpenApiParameter("reference", str, OpenApiParameter.PATH, description="Reference of the ticket.")
NO_TICKET = _("No ticket has this reference.")


class IsDeskUser(BasePermission):
    message = _("Only service staff may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return is_desk_user(request.user)


class InOrderOfTime(NewestFirstCursorPagination):
    ordering = ("start", "id")
    order_description = "in order of time"


def _only_own(user) -> bool:
    """A technician (without a desk role that sees every ticket) sees only their own visits and slots."""
    return not sees_all_tickets(user) and Role.TECHNICIAN in roles_of(user)


class SlotListView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, IsDeskUser]
    queryset = Visit.objects.none()
    serializer_class = FreeSlotSerializer
    pagination_class = None

    @extend_schema(
        operation_id="slots_list",
        tags=["field service"],
        summary="Search free visit slots",
        description=(
            "The free slots of a station's technicians (or of one) from `date_from` to `date_to`, in order of "
            "time: the technician's working hours (their calendar, else the station's; holidays closed, make-up "
            "working days open) cut into the station's slot length, with the places left. Slots already started "
            "and days beyond the station's bookable days are left out. A technician gets only their own slots."
        ),
        parameters=[SlotQuerySerializer],
        responses={200: FreeSlotSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        query = SlotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        technician = data.get("technician")
        if _only_own(request.user):
            technician = request.user
        found = free_slots(data["station"], date_from=data["date_from"], date_to=data["date_to"], technician=technician)
        return Response(FreeSlotSerializer(found, many=True).data)


def visits_for(user) -> QuerySet[Visit]:
    visits = Visit.objects.select_related("ticket", "technician", "station")
    if sees_all_tickets(user):
        return visits
    if not user.is_authenticated:
        return visits.none()
    return visits.filter(technician=user)


class VisitListView(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated, IsDeskUser]
    serializer_class = VisitSerializer
    pagination_class = InOrderOfTime

    def get_queryset(self) -> QuerySet[Visit]:
        visits = visits_for(self.request.user)
        params = self.request.query_params
        if params.get("ticket"):
            visits = visits.filter(ticket__reference=params["ticket"])
        if params.get("status"):
            visits = visits.filter(status=params["status"])
        return visits

    @extend_schema(
        operation_id="visits_list",
        tags=["field service"],
        summary="List visits",
        description="Visits in order of time; a technician sees only their own. Filter by `ticket` (reference) "
        "and `status`.",
        parameters=[
            OpenApiParameter("ticket", str, description="Reference of a ticket."),
            OpenApiParameter("status", str, description="booked, confirmed, checked_in, done or cancelled."),
        ],
        responses={200: VisitSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="visits_book",
        tags=["field service"],
        summary="Book a visit and dispatch",
        description=(
            "Books the technician at the station for the ticket in the slot starting at `start`, and gives the "
            "ticket to that station and technician with the visit as its appointment; the customer is told with "
            "their confirm-or-move link. Refused field by field: a full or started slot, a time that is not a "
            "slot start, a ticket with a visit to come, a slot after the arrival deadline without `late_reason`. "
            "Agents, managers and administrators."
        ),
        request=VisitBookSerializer,
        responses={201: VisitSerializer, **error_responses(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        if not sees_all_tickets(request.user):
            raise PermissionDenied(_("Only agents, managers and administrators book visits."))
        given = VisitBookSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        ticket = ticket_selectors.visible_tickets(request.user).filter(reference=data["ticket"]).first()
        if ticket is None:
            raise DjangoValidationError({"ticket": [NO_TICKET]})
        visit = services.visit_book(
            ticket=ticket,
            technician=data["technician"],
            station=data["station"],
            start=data["start"],
            by=request.user,
            late_reason=data["late_reason"],
        )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class VisitDetailView(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated, IsDeskUser]
    serializer_class = VisitSerializer

    def get_queryset(self) -> QuerySet[Visit]:
        return visits_for(self.request.user)

    @extend_schema(
        operation_id="visits_retrieve",
        tags=["field service"],
        summary="Read a visit",
        description="One visit; a technician reads only their own.",
        parameters=[VISIT_ID],
        responses={200: VisitSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class VisitMoveView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesAllTickets]
    parser_classes = [JSONParser]
    serializer_class = VisitSerializer

    @extend_schema(
        operation_id="visits_move",
        tags=["field service"],
        summary="Move a visit",
        description="Moves a visit to come to another free slot of the same technician; it waits for the "
        "customer's confirmation again, the customer gets a new link (the old one stops working).",
        parameters=[VISIT_ID],
        request=VisitMoveSerializer,
        responses={200: VisitSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        visit = get_object_or_404(visits_for(request.user), pk=pk)
        given = VisitMoveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        visit = services.visit_move(visit=visit, start=given.validated_data["start"], by=request.user)
        return Response(VisitSerializer(visit).data)


class VisitCancelView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesAllTickets]
    parser_classes = [JSONParser]
    serializer_class = VisitSerializer

    @extend_schema(
        operation_id="visits_cancel",
        tags=["field service"],
        summary="Cancel a visit",
        description="Cancels a visit to come, with a reason: its place is free again and its link stops working.",
        parameters=[VISIT_ID],
        request=VisitCancelSerializer,
        responses={200: VisitSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        visit = get_object_or_404(visits_for(request.user), pk=pk)
        given = VisitCancelSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        visit = services.visit_cancel(visit=visit, by=request.user, reason=given.validated_data["reason"])
        return Response(VisitSerializer(visit).data)


def _profiles() -> QuerySet[TechnicianProfile]:
    return TechnicianProfile.objects.select_related("user").prefetch_related("stations", "categories", "product_models")


class TechnicianListView(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated, IsDeskUser]
    serializer_class = TechnicianProfileSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[TechnicianProfile]:
        return _profiles()

    @extend_schema(
        operation_id="technicians_list",
        tags=["field service"],
        summary="List technician profiles",
        description="Every technician's stations, skills, visits per slot and calendar. Service staff.",
        responses={200: TechnicianProfileSerializer(many=True), **error_responses(401, 403, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="technicians_create",
        tags=["field service"],
        summary="Give a technician a profile",
        description="Managers and administrators.",
        request=TechnicianProfileSerializer,
        responses={201: TechnicianProfileSerializer, **error_responses(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        if not manages_quality(request.user):
            raise PermissionDenied(_("Only managers and administrators edit technicians."))
        given = TechnicianProfileSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        profile = technician_profile_save(profile=None, data=given.validated_data, by=request.user)
        return Response(TechnicianProfileSerializer(_profiles().get(pk=profile.pk)).data, status=201)


class TechnicianDetailView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, IsDeskUser]
    serializer_class = TechnicianProfileSerializer

    def get_queryset(self) -> QuerySet[TechnicianProfile]:
        return _profiles()

    @extend_schema(
        operation_id="technicians_retrieve",
        tags=["field service"],
        summary="Read a technician profile",
        description="One technician's stations, skills, visits per slot and calendar. Service staff.",
        parameters=[PROFILE_ID],
        responses={200: TechnicianProfileSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return Response(TechnicianProfileSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="technicians_update",
        tags=["field service"],
        summary="Change a technician profile",
        description="Stations, skills, visits per slot, calendar, whether they take visits. Managers and "
        "administrators.",
        parameters=[PROFILE_ID],
        request=TechnicianProfileSerializer,
        responses={200: TechnicianProfileSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    def patch(self, request: Request, *args, **kwargs) -> Response:
        if not manages_quality(request.user):
            raise PermissionDenied(_("Only managers and administrators edit technicians."))
        profile = self.get_object()
        given = TechnicianProfileSerializer(profile, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        technician_profile_save(profile=profile, data=given.validated_data, by=request.user)
        return Response(TechnicianProfileSerializer(_profiles().get(pk=profile.pk)).data)


class DispatchSuggestionView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SeesAllTickets]
    queryset = Visit.objects.none()
    serializer_class = DispatchSuggestionsSerializer
    pagination_class = None

    @extend_schema(
        operation_id="tickets_dispatch_suggestions",
        tags=["field service"],
        summary="Suggest technicians for a ticket",
        description=(
            "The five best technicians, ranked by: a station of theirs serves the customer's region; skill for "
            "the product; free places on the customer's preferred day; today's load. Each with its reasons and "
            "its free slots over three days. Agents, managers and administrators."
        ),
        parameters=[REFERENCE],
        responses={200: DispatchSuggestionsSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, reference: str) -> Response:
        ticket = get_object_or_404(ticket_selectors.visible_tickets(request.user), reference=reference)
        answer = {"reference": ticket.reference, "suggestions": suggest_technicians(ticket)}
        return Response(DispatchSuggestionsSerializer(answer).data)

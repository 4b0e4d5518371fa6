"""Reads for service reports: what a report shows about its visit, and the reports a person may
open (docs/service-report.md#who-can-open-it)."""

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from aftersales.roles import Role, roles_of, sees_all_tickets
from fieldwork.models import JobRecord, ServiceReport, Visit
from parts.models import PartUsage
from tickets.models import Ticket
from warranty.models import WarrantyClaim

REPORT_RELATED = ("ticket", "visit__technician")


def visit_for_report(pk: int) -> Visit:
    """The visit with everything its report shows joined in: ticket, customer, product, technician."""
    return Visit.objects.select_related(
        "ticket__customer",
        "ticket__unit__model__category",
        "ticket__fault_category",
        "technician",
        "station",
    ).get(pk=pk)


def job_of(visit: Visit) -> JobRecord | None:
    return JobRecord.objects.filter(visit=visit).first()


def parts_used_on(visit: Visit) -> list[PartUsage]:
    """The parts the visit's technician used on its ticket while on site: between check-in and
    check-out (parts used on another visit of the same ticket are on that visit's report)."""
    usages = PartUsage.objects.filter(ticket_id=visit.ticket_id, by_id=visit.technician_id)
    if visit.checked_in_at is not None:
        usages = usages.filter(created_at__gte=visit.checked_in_at)
    if visit.checked_out_at is not None:
        usages = usages.filter(created_at__lte=visit.checked_out_at)
    return list(usages.select_related("part").order_by("created_at", "id"))


def claims_for_report(ticket: Ticket) -> list[WarrantyClaim]:
    """The ticket's three-guarantees claims, newest decision first, with their policy and any
    replacement unit joined in."""
    return list(
        WarrantyClaim.objects.filter(ticket=ticket)
        .select_related("policy__category", "replacement_unit__model")
        .order_by("-decided_at", "-id")
    )


def reports_visible_to(user: AbstractBaseUser) -> QuerySet[ServiceReport]:
    """The reports ``user`` may open: agents, managers and administrators every one; a technician
    those of their own tickets and of their own visits; anyone else none. Another's report is then
    simply not there, so asking for it is a 404."""
    reports = ServiceReport.objects.select_related(*REPORT_RELATED)
    if sees_all_tickets(user):
        return reports
    if Role.TECHNICIAN in roles_of(user):
        return reports.filter(Q(ticket__assignee=user) | Q(visit__technician=user))
    return reports.none()


def reports_of(ticket: Ticket) -> list[ServiceReport]:
    """A ticket's reports, newest first, for its page (whoever sees the page sees the ticket)."""
    return list(ServiceReport.objects.filter(ticket=ticket).select_related("visit__technician"))


def report_for_token(token: uuid.UUID) -> ServiceReport | None:
    """The report a customer's link opens, or None for a key no report has."""
    return ServiceReport.objects.select_related("ticket").filter(token=token).first()

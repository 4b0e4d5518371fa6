"""The ticket vocabularies: statuses, kinds, channels, priorities, timeline event kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    CANCELLED = "cancelled", _("Cancelled")
    MERGED = "merged", _("Merged")


# Statuses in which the ticket still needs work from the service organisation.
OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.ACKNOWLEDGED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.ON_HOLD,
        Status.REOPENED,
    }
)
FINAL_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED, Status.MERGED})


class Kind(models.TextChoices):
    REPAIR = "repair", _("Repair")
    INSTALLATION = "installation", _("Installation")
    MAINTENANCE = "maintenance", _("Maintenance")
    CONSULTATION = "consultation", _("Consultation")
    COMPLAINT = "complaint", _("Complaint")


# Kinds whose work is done on site by a technician (the "service tickets" of the KPIs).
SERVICE_KINDS = frozenset({Kind.REPAIR, Kind.INSTALLATION, Kind.MAINTENANCE})
# Kinds a customer requests themselves, on the portal or through the API, in the order offered.
CUSTOMER_REQUEST_KINDS = (Kind.REPAIR, Kind.INSTALLATION, Kind.MAINTENANCE, Kind.COMPLAINT)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("Visit")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class EventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("timeline event", "Created")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Note")
    RESOLUTION = "resolution", _("Resolution recorded")
    SLA_BREACHED = "sla_breached", _("Deadline missed")
    ESCALATED = "escalated", _("Escalated")
    DUPLICATE = "duplicate", _("Possible duplicate")
    CLAIM = "claim", _("Warranty claim")
    ATTACHMENT = "attachment", _("File added")
    RATING = "rating", _("Rated")
    CALLBACK = "callback", _("Callback")
    PROVIDER_OFFERED = "provider_offered", _("Offered to a service provider")
    PROVIDER_ACCEPTED = "provider_accepted", _("Accepted by the service provider")
    PROVIDER_RETURNED = "provider_returned", _("Returned to headquarters")


class FaultGroup(models.TextChoices):
    PRODUCT = "product", _("Product fault")
    SERVICE = "service", _("Service complaint")
    REQUEST = "request", _("Request or question")


# The groups a complaint's class comes from: a service class (attitude, delay, no-show,
# overcharging, workmanship) counts in the complaint rate, a product fault as a product-quality
# complaint; a plain request is no complaint class.
COMPLAINT_CLASS_GROUPS = frozenset({FaultGroup.SERVICE, FaultGroup.PRODUCT})


class VisitSlot(models.TextChoices):
    MORNING = "morning", _("Morning (9:00–12:00)")
    AFTERNOON = "afternoon", _("Afternoon (13:00–17:00)")
    EVENING = "evening", _("Evening (18:00–21:00)")


# Local hours each slot covers (start, end).
SLOT_HOURS: dict[str, tuple[int, int]] = {
    VisitSlot.MORNING: (9, 12),
    VisitSlot.AFTERNOON: (13, 17),
    VisitSlot.EVENING: (18, 21),
}

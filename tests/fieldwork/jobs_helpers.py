"""Building a technician's visits, parts in stock and job inputs for the tests of the on-site job."""

import base64
import datetime as dt
import io
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from aftersales.roles import Role
from fieldwork.models import TechnicianProfile, Visit, VisitStatus
from parts.ledger import stock_move
from parts.models import MovementKind, Part
from tests import factories
from tickets.choices import Status

ZONE = timezone.get_default_timezone()


def technician(username: str = "tech-field"):
    user = factories.UserFactory(username=username, roles=[Role.TECHNICIAN])
    TechnicianProfile.objects.get_or_create(user=user)
    return user


def visit_for(
    tech,
    *,
    start: dt.datetime | None = None,
    station=None,
    status: str = VisitStatus.CONFIRMED,
    ticket=None,
    arrival_due: dt.datetime | None = None,
) -> Visit:
    """A visit of ``tech`` for a dispatched ticket assigned to them (booking's services are not used)."""
    start = start or timezone.now().astimezone(ZONE).replace(hour=9, minute=0, second=0, microsecond=0)
    station = station or factories.ServiceStationFactory()
    if ticket is None:
        customer = factories.CustomerFactory(address="12 Hong Kong Road, Qingdao")
        ticket = factories.TicketFactory(
            customer=customer,
            station=station,
            assignee=tech,
            status=Status.DISPATCHED,
            dispatched_at=start - dt.timedelta(hours=20),
            arrival_due=arrival_due or start + dt.timedelta(hours=2),
        )
    return Visit.objects.create(
        ticket=ticket, technician=tech, station=station, start=start, end=start + dt.timedelta(hours=2), status=status
    )


def part_in_stock(station, *, number: str = "BRD-100", quantity: int = 3, name: str = "Control board") -> Part:
    part, _created = Part.objects.get_or_create(
        number=number,
        defaults={"name": name, "name_zh": "控制板", "standard_cost": Decimal("80.00"), "price": Decimal("120.00")},
    )
    if quantity:
        stock_move(station=station, part=part, kind=MovementKind.RECEIPT, by=None, quantity=quantity, reason="test")
    return part


def png_bytes(width: int = 300, height: int = 120, *, drawn: bool = True) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if drawn:
        ImageDraw.Draw(image).line([(10, 60), (150, 20), (290, 100)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def data_url(content: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(content).decode()


def photo_upload(content: bytes | None = None, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else jpeg_bytes(), content_type="image/jpeg")


def key() -> str:
    return str(uuid.uuid4())

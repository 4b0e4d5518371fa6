"""Rows a service report is made from, written directly: a checked-out visit with its job record,
the customer's signature (a PNG drawn with Pillow), parts used on and off the visit, and the
PDF's text and images read back with pypdf."""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from pypdf import PdfReader

from fieldwork.models import ChargeKind, JobRecord, Visit, VisitStatus
from parts.models import Part, PartUsage
from tests.factories import (
    CustomerFactory,
    ProductModelFactory,
    ProductUnitFactory,
    ServiceStationFactory,
    TicketFactory,
    UserFactory,
)
from tickets.choices import Status

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Business time (Asia/Shanghai): on site from 09:15 to 10:40 on 2 March 2026.
CHECKED_IN = dt.datetime(2026, 3, 2, 9, 15, tzinfo=SHANGHAI)
CHECKED_OUT = dt.datetime(2026, 3, 2, 10, 40, tzinfo=SHANGHAI)
SIGNED_AT = dt.datetime(2026, 3, 2, 10, 38, tzinfo=SHANGHAI)


# What the customer and the technician typed, as typed (a report never translates it).
ENGLISH_TEXTS = {
    "name": "Li Na",
    "address": "18 Hong Kong Road, Shinan District, Qingdao",
    "description": "Stops mid-cycle with error E21.",
    "diagnosis": "Drain pump blocked; pump motor burnt out.",
    "work_done": "Replaced the drain pump and its hose; test wash ran clean.",
    "charge_reason": "Hose damaged by a coin: not covered.",
}
CHINESE_TEXTS = {
    "name": "李娜",
    "address": "青岛市市南区香港中路18号",
    "description": "洗衣中途停机，显示E21。",
    "diagnosis": "排水泵堵塞，泵电机烧毁。",
    "work_done": "更换排水泵及排水管，试机正常。",
    "charge_reason": "排水管被硬币损坏，不在保修范围。",
}


def signature_png(width: int = 300, height: int = 100) -> bytes:
    """A customer's signature as the phone sends it: dark strokes on a white PNG."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(10, 70), (60, 20), (110, 80), (170, 25), (280, 60)], fill="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Job:
    visit: Visit
    job: JobRecord
    usages: list[PartUsage]


def _used(ticket, station, part, *, by, quantity, at, under_warranty=True, batch="") -> PartUsage:
    usage = PartUsage.objects.create(
        ticket=ticket,
        station=station,
        part=part,
        quantity=quantity,
        under_warranty=under_warranty,
        unit_cost=part.standard_cost,
        unit_price=part.price,
        batch=batch,
        by=by,
    )
    # ``created_at`` is set on insert: move it to the moment the part was used.
    PartUsage.objects.filter(pk=usage.pk).update(created_at=at)
    usage.refresh_from_db()
    return usage


def checked_out_job(
    *,
    language: str = "en",
    technician=None,
    charge_kind: str = ChargeKind.PAID,
    charge: Decimal = Decimal("1234.5"),
    signed: bool = True,
    texts: dict | None = None,
) -> Job:
    """A repair visited and checked out: two parts used on site (one of them twice), one part the
    same technician used the day before, and one another technician used during the visit; the
    last two are not on this visit's report."""
    typed = ENGLISH_TEXTS | (texts or {})
    technician = technician or UserFactory(username="tech-report", first_name="Wei", last_name="Zhang")
    customer = CustomerFactory(name=typed["name"], address=typed["address"], preferred_language=language)
    model = ProductModelFactory(code="XQG100-HB", name="Drum washer 10 kg", name_zh="滚筒洗衣机10公斤")
    unit = ProductUnitFactory(owner=customer, model=model, serial="SN7788123", invoice_date=dt.date(2025, 11, 20))
    ticket = TicketFactory(
        reference="AS-2026-000321",
        customer=customer,
        unit=unit,
        description=typed["description"],
        fault_code="E21",
        status=Status.IN_PROGRESS,
        assignee=technician,
    )
    station = ServiceStationFactory(code="qd-south", name="Qingdao South", name_zh="青岛南站")
    visit = Visit.objects.create(
        ticket=ticket,
        technician=technician,
        station=station,
        start=CHECKED_IN.replace(hour=9, minute=0),
        end=CHECKED_IN.replace(hour=13, minute=0),
        status=VisitStatus.DONE,
        checked_in_at=CHECKED_IN,
        checked_out_at=CHECKED_OUT,
    )
    job = JobRecord(
        visit=visit,
        diagnosis=typed["diagnosis"],
        work_done=typed["work_done"],
        charge_kind=charge_kind,
        charge=charge,
        charge_reason=typed["charge_reason"],
        signed_by=typed["name"] if signed else "",
        signed_at=SIGNED_AT if signed else None,
    )
    if signed:
        job.signature.save("signature.png", ContentFile(signature_png()), save=False)
    job.save()
    pump = Part.objects.create(
        number="P-2041", name="Drain pump", name_zh="排水泵", standard_cost=Decimal("80"), price=Decimal("150")
    )
    hose = Part.objects.create(
        number="H-0007", name="Drain hose", name_zh="排水管", standard_cost=Decimal("9"), price=Decimal("25")
    )
    filter_ = Part.objects.create(number="F-0100", name="Lint filter", name_zh="线屑过滤器")
    other = UserFactory(username="tech-other")
    usages = [
        _used(
            ticket, station, pump, by=technician, quantity=1, at=CHECKED_IN + dt.timedelta(minutes=20), batch="B2603"
        ),
        _used(
            ticket,
            station,
            hose,
            by=technician,
            quantity=2,
            at=CHECKED_IN + dt.timedelta(minutes=40),
            under_warranty=False,
        ),
    ]
    _used(ticket, station, filter_, by=technician, quantity=1, at=CHECKED_IN - dt.timedelta(days=1))
    _used(ticket, station, filter_, by=other, quantity=3, at=CHECKED_IN + dt.timedelta(minutes=30))
    return Job(visit=visit, job=job, usages=usages)


def pdf_text(data: bytes) -> str:
    """Every page's text, pages joined by a blank line."""
    return "\n\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_lines(data: bytes) -> list[str]:
    return [line.strip() for line in pdf_text(data).splitlines() if line.strip()]


def pdf_image_count(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)

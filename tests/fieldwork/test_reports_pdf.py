"""The service report's PDF: what it says in English and in Chinese, read back from the PDF with
pypdf (fieldwork/reports/content.py, pdf.py, restarts.py)."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from fieldwork.models import ChargeKind
from fieldwork.reports.content import report_content
from fieldwork.reports.pdf import markup, render_report
from parts.models import PartUsage
from tests.factories import ProductUnitFactory, WarrantyClaimFactory
from tests.fieldwork.reports_helpers import (
    CHINESE_TEXTS,
    checked_out_job,
    pdf_image_count,
    pdf_lines,
    signature_png,
)
from warranty.models import ClaimStatus

SHOTS = Path("/tmp/shots")

ENGLISH_REPORT = [
    "AS-2026-000321 · page 1",
    "Aftersales Service",
    "Service report",
    "Repair record under the three guarantees",
    "Service",
    "Reference",
    "AS-2026-000321",
    "Service station",
    "Qingdao South",
    "Technician",
    "Wei Zhang",
    "Checked in",
    "2 Mar 2026 09:15",
    "Checked out",
    "2 Mar 2026 10:40",
    "Customer",
    "Name",
    "Li Na",
    "Address",
    "18 Hong Kong Road, Shinan District, Qingdao",
    "Product",
    "Model",
    "XQG100-HB Drum washer 10 kg",
    "Serial number",
    "SN7788123",
    "Purchase date",
    "20 Nov 2025",
    "Warranty",
    "In warranty until 20 Nov 2026",
    "Fault and work",
    "Fault reported",
    "Stops mid-cycle with error E21.",
    "Fault code",
    "E21",
    "Diagnosis",
    "Drain pump blocked; pump motor burnt out.",
    "Work done",
    "Replaced the drain pump and its hose; test wash ran clean.",
    "Parts used",
    *("Part number", "Part", "Quantity", "Batch", "Under warranty"),
    *("P-2041", "Drain pump", "1", "B2603", "Yes"),
    *("H-0007", "Drain hose", "2", "—", "No"),
    "Charge",
    "Charge",
    "¥1,234.50, paid by the customer",
    "Reason",
    "Hose damaged by a coin: not covered.",
    "Customer's signature",
    "Signed by",
    "Li Na",
    "Signed at",
    "2 Mar 2026 10:38",
    "Made by Aftersales Service when the visit ended. Keep it with your warranty card: it is your repair record "
    "under the three guarantees.",
]

CHINESE_REPORT = [
    "AS-2026-000321 · 第 1 页",
    "售后服务中心",
    "维修服务单",
    "三包维修记录（三包凭证）",
    "服务",
    *("工单号", "AS-2026-000321"),
    *("服务网点", "青岛南站"),
    *("维修技师", "Wei Zhang"),
    *("到达时间", "2026年3月2日 09:15"),
    *("离开时间", "2026年3月2日 10:40"),
    "客户",
    *("姓名", "李娜"),
    *("地址", "青岛市市南区香港中路18号"),
    "产品",
    *("型号", "XQG100-HB 滚筒洗衣机10公斤"),
    *("序列号", "SN7788123"),
    *("购买日期", "2025年11月20日"),
    *("保修", "保修期至 2026年11月20日"),
    "故障与维修",
    *("报修故障", "洗衣中途停机，显示E21。"),
    *("故障代码", "E21"),
    *("检测结果", "排水泵堵塞，泵电机烧毁。"),
    *("处理措施", "更换排水泵及排水管，试机正常。"),
    "使用配件",
    *("配件编号", "配件", "数量", "批次", "保内"),
    *("P-2041", "排水泵", "1", "B2603", "是"),
    *("H-0007", "排水管", "2", "—", "否"),
    "收费",
    *("收费", "¥1,234.50，由顾客支付"),
    *("原因", "排水管被硬币损坏，不在保修范围。"),
    "顾客签字",
    *("签字人", "李娜"),
    *("签字时间", "2026年3月2日 10:38"),
    "本单由售后服务中心在上门服务结束时生成。请与保修卡一并妥善保存，这是您的三包维修记录。",
]


def _pdf(job) -> bytes:
    return render_report(report_content(job.visit))


def _keep(name: str, data: bytes) -> None:
    """Leave the PDF where a person can open it after the run."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / name).write_bytes(data)


def _fonts(data: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(data)).pages[0]
    return {str(font["/BaseFont"]).lstrip("/") for font in page["/Resources"]["/Font"].values()}


@pytest.mark.django_db
def test_the_english_report_says_everything_on_one_signed_page():
    data = _pdf(checked_out_job(language="en"))
    _keep("report_en.pdf", data)

    assert data.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    # Exactly this, in this order: the part used the day before and the one another technician
    # used are not on this visit's report.
    assert pdf_lines(data) == ENGLISH_REPORT
    assert pdf_image_count(data) == 1
    assert _fonts(data) == {"Helvetica", "Helvetica-Bold"}
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata.title == "Service report AS-2026-000321"
    assert metadata.author == "Aftersales Service"


def _catalogue_has_the_report_texts() -> bool:
    with translation.override("zh-hans"):
        return gettext("Checked in") != "Checked in"


@pytest.mark.django_db
def test_the_chinese_report_says_everything_in_chinese():
    if not _catalogue_has_the_report_texts():
        pytest.skip("The Chinese catalogue does not have the service report's texts yet (make messages).")
    data = _pdf(checked_out_job(language="zh-hans", texts=CHINESE_TEXTS))
    _keep("report_zh.pdf", data)

    assert pdf_lines(data) == CHINESE_REPORT
    assert pdf_image_count(data) == 1
    # Chinese in the reader's own Chinese font (not embedded), the rest in Helvetica; every bold
    # label and heading is Chinese here.
    assert _fonts(data) == {"Helvetica", "STSong-Light"}


@pytest.mark.django_db
def test_a_chinese_customers_report_has_chinese_names_dates_amounts_and_labels():
    data = _pdf(checked_out_job(language="zh-hans", texts=CHINESE_TEXTS))
    _keep("report_zh.pdf", data)
    lines = pdf_lines(data)

    for label, value in [
        ("工单号", "AS-2026-000321"),
        ("服务网点", "青岛南站"),
        ("姓名", "李娜"),
        ("地址", "青岛市市南区香港中路18号"),
        ("型号", "XQG100-HB 滚筒洗衣机10公斤"),
        ("购买日期", "2025年11月20日"),
        ("保修", "保修期至 2026年11月20日"),
        ("检测结果" if _catalogue_has_the_report_texts() else "Diagnosis", "排水泵堵塞，泵电机烧毁。"),
        ("处理措施", "更换排水泵及排水管，试机正常。"),
        ("签字人" if _catalogue_has_the_report_texts() else "Signed by", "李娜"),
    ]:
        assert lines[lines.index(label) + 1] == value, label
    assert "2026年3月2日 09:15" in lines and "2026年3月2日 10:40" in lines
    assert ["P-2041", "排水泵", "1", "B2603", "是"] == lines[lines.index("P-2041") : lines.index("P-2041") + 5]
    assert ["H-0007", "排水管", "2", "—", "否"] == lines[lines.index("H-0007") : lines.index("H-0007") + 5]
    assert any(line.startswith("¥1,234.50") for line in lines)
    assert "顾客签字" in lines
    assert pdf_image_count(data) == 1
    assert "Li Na" not in lines and "Drain pump" not in lines


@pytest.mark.django_db
def test_chinese_typed_into_an_english_report_is_set_in_the_chinese_font():
    data = _pdf(checked_out_job(language="en", texts={"address": "青岛市市南区香港中路18号"}))
    lines = pdf_lines(data)

    assert lines[lines.index("Address") + 1] == "青岛市市南区香港中路18号"
    assert _fonts(data) == {"Helvetica", "Helvetica-Bold", "STSong-Light"}


@pytest.mark.django_db
def test_check_in_and_out_are_shown_in_the_business_time_zone(settings):
    settings.TIME_ZONE = "Europe/London"  # the same moments (Shanghai 09:15, 10:40, 10:38) read in London
    lines = pdf_lines(_pdf(checked_out_job(language="en")))

    assert lines[lines.index("Checked in") + 1] == "2 Mar 2026 01:15"
    assert lines[lines.index("Checked out") + 1] == "2 Mar 2026 02:40"
    assert lines[lines.index("Signed at") + 1] == "2 Mar 2026 02:38"


@pytest.mark.django_db
def test_a_covered_job_not_signed_says_so_and_shows_no_image():
    job = checked_out_job(
        language="en", charge_kind=ChargeKind.COVERED, charge=Decimal("0"), signed=False, texts={"charge_reason": ""}
    )
    data = _pdf(job)
    lines = pdf_lines(data)

    assert lines[lines.index("Charge", lines.index("Parts used")) :][:5] == [
        "Charge",
        "Charge",
        "Covered: no charge",
        "Reason",
        "—",
    ]
    assert lines[lines.index("Signed by") + 1] == "—"
    assert lines[lines.index("Signed at") + 1] == "—"
    assert pdf_image_count(data) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "stored",
    [
        b"<svg onload=alert(1)>",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # a PNG's first bytes, then nothing readable
        signature_png()[:60],  # cut short
    ],
    ids=["svg", "png-magic-only", "truncated"],
)
def test_a_signature_that_is_not_a_readable_png_is_left_out(stored):
    job = checked_out_job(language="en")
    job.job.signature.save("signature.png", ContentFile(stored), save=True)

    data = _pdf(job)

    assert pdf_image_count(data) == 0
    assert pdf_lines(data)[-5:-1] == ["Signed by", "Li Na", "Signed at", "2 Mar 2026 10:38"]


@pytest.mark.django_db
def test_a_huge_signature_is_drawn_from_a_smaller_copy():
    job = checked_out_job(language="en")
    job.job.signature.save("signature.png", ContentFile(signature_png(6000, 2000)), save=True)

    [image] = PdfReader(io.BytesIO(_pdf(job))).pages[0].images

    assert image.image.size == (1200, 400)


@pytest.mark.django_db
def test_the_claims_decision_is_on_the_report():
    job = checked_out_job(language="en")
    WarrantyClaimFactory(
        ticket=job.visit.ticket,
        free=False,
        remedies=["repair_paid"],
        rule="exclusion.misuse",
        reason_codes=[{"code": "exclusion.misuse", "params": {}}],
        chosen_remedy="repair_paid",
        status=ClaimStatus.CHOSEN,
    )
    lines = pdf_lines(_pdf(job))

    assert lines[lines.index("Three-guarantees decision") + 1] == "Paid. The customer's choice: Paid repair."
    why = " ".join(lines[lines.index("Why") + 1 : lines.index("Fault and work")])
    assert why == (
        "This fault was caused by misuse or improper storage, which the three guarantees do not cover. "
        "This repair is paid; other faults of the product are still covered."
    )


def _restarts(lines: list[str]) -> list[str]:
    start = lines.index("Warranty periods restarted")
    return lines[start + 1 : lines.index("Customer's signature")]


@pytest.mark.django_db
def test_a_main_component_fitted_under_the_chosen_remedy_restarts_its_period_from_the_visit():
    job = checked_out_job(language="en")
    job.usages[0].part.is_main_component = True
    job.usages[0].part.save()
    WarrantyClaimFactory(
        ticket=job.visit.ticket,
        remedies=["main_component"],
        chosen_remedy="main_component",
        status=ClaimStatus.CHOSEN,
        facts={"start_date": "2025-11-20", "claim_date": "2026-03-01", "component": "main:motor"},
    )

    assert _restarts(pdf_lines(_pdf(job))) == [
        *("Covers", "Starts again on", "New end date"),
        *("Main component: motor", "2 Mar 2026", "2 Mar 2029"),
    ]


@pytest.mark.django_db
def test_a_main_component_remedy_with_no_main_part_fitted_restarts_nothing_yet():
    job = checked_out_job(language="en")
    WarrantyClaimFactory(
        ticket=job.visit.ticket,
        remedies=["main_component"],
        chosen_remedy="main_component",
        status=ClaimStatus.CHOSEN,
        facts={"component": "main:motor"},
    )

    assert "Warranty periods restarted" not in pdf_lines(_pdf(job))


@pytest.mark.django_db
def test_a_replacement_carried_out_restarts_every_period_of_the_new_unit():
    job = checked_out_job(language="en")
    old = job.visit.ticket.unit
    new = ProductUnitFactory(owner=old.owner, model=old.model, serial="SN9900001", replacement_date=dt.date(2026, 3, 1))
    WarrantyClaimFactory(
        ticket=job.visit.ticket,
        remedies=["replace"],
        chosen_remedy="replace",
        status=ClaimStatus.EXECUTED,
        executed_at=dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC),
        replacement_unit=new,
    )

    assert _restarts(pdf_lines(_pdf(job))) == [
        *("Covers", "Starts again on", "New end date"),
        *("Whole product: the replacement unit SN9900001", "1 Mar 2026", "1 Mar 2027"),
        *("Main component: motor", "1 Mar 2026", "1 Mar 2029"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Li <b>Na</b> & co", "Li &lt;b&gt;Na&lt;/b&gt; &amp; co"),
        ("line one\r\nline two", "line one<br/>line two"),
        ("no\x00 null\u200b or bell\x07", "no null or bell"),
        ("¥12.00 · café", "¥12.00 · café"),
        ("地址：青岛 18号", '<font name="STSong-Light">地址：青岛</font> 18<font name="STSong-Light">号</font>'),
    ],
)
def test_typed_text_becomes_safe_markup_with_chinese_runs_in_the_chinese_font(text, expected):
    assert markup(text) == expected


@pytest.mark.django_db
def test_a_visit_with_nothing_recorded_about_an_unregistered_product_still_gets_a_report():
    job = checked_out_job(language="en")
    job.job.delete()
    ticket = job.visit.ticket
    ticket.unit = None
    ticket.save()
    lines = pdf_lines(_pdf(job))

    assert lines[lines.index("Product") : lines.index("Fault and work")] == ["Product", "Model", "—"]
    assert lines[lines.index("Diagnosis") + 1] == "—" and lines[lines.index("Work done") + 1] == "—"
    assert lines[lines.index("Charge", lines.index("Parts used")) + 2] == "Covered: no charge"
    assert lines[lines.index("Signed by") + 1] == "—"


@pytest.mark.django_db
def test_a_long_report_runs_onto_numbered_pages_and_loses_nothing():
    job = checked_out_job(
        language="zh-hans", texts={**CHINESE_TEXTS, "work_done": "更换排水泵及排水管，试机正常。" * 30}
    )
    usage = job.usages[0]
    used_at = usage.created_at
    for _ in range(40):
        usage.pk = None
        usage.save()
    PartUsage.objects.filter(part=usage.part).update(created_at=used_at)
    data = _pdf(job)
    lines = pdf_lines(data)

    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) >= 2
    assert [line for line in lines if line.startswith("AS-2026-000321 · ")] == [
        f"AS-2026-000321 · {label}" for label in _page_labels(len(pages))
    ]
    assert lines.count("P-2041") == 41
    assert "".join(lines).count("更换排水泵及排水管，试机正常。") == 30
    assert pdf_image_count(data) == 1


def _page_labels(count: int) -> list[str]:
    with translation.override("zh-hans"):
        return [gettext("%(reference)s · page %(page)s").split(" · ", 1)[1] % {"page": n} for n in range(1, count + 1)]

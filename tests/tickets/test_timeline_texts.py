"""tickets/timeline_texts.py and its readers: what the system writes on a timeline is a code with
values, and each reader sees it in their own language (issue: a Chinese customer's tracking page
showed "Visit agreed: …" in English because the text was frozen in the writer's language).

The registry is tested table-driven with no database: every code renders in English and in
Chinese with every placeholder filled. Then the writers (services store the code, the values and
an English note) and the readers (the portal in Chinese, the desk and the API in English, the API
in Chinese, the admin) on one and the same event; rows written before the codes keep their note.
"""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from aftersales.roles import Role
from followups.choices import CallbackResult, OfferOutcome
from notifications.sms.locmem import outbox as sms_outbox
from tests import factories
from tests.api.conftest import client_for, portal_customer
from tickets.choices import EventKind, Status
from tickets.models import AttachmentKind, Department, TicketEvent
from tickets.services import append_event, ticket_assign, ticket_transition
from tickets.timeline_texts import EMPTY, TEXTS, render, render_event_text
from warranty import three_guarantees as tg
from warranty.three_guarantees import Remedy

HAN = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)|%[sd]|\{\w*\}")

# A sample of the values every code is written with, as the writers store them.
SAMPLES: dict[str, dict[str, object]] = {
    "ticket.duplicate": {"reference": "AS-2026-000041"},
    "ticket.merged_in": {"reference": "AS-2026-000042"},
    "ticket.deadline_passed": {},
    "ticket.escalated": {"stage": "dispatch", "due": "2026-03-02T09:00:00+00:00", "to": "Wang Wei, Li Na"},
    "visit.agreed": {"start": "2026-03-05T09:00:00+08:00", "end": "2026-03-05T12:00:00+08:00"},
    "provider.offered": {"provider": "East Repairs", "provider_zh": "东区维修", "due": "2026-09-28T11:30:00+08:00"},
    "provider.offered_station": {
        "provider": "East Repairs",
        "provider_zh": "东区维修",
        "station": "East One",
        "station_zh": "东一",
        "due": "2026-09-28T11:30:00+08:00",
    },
    "provider.accepted": {"provider": "East Repairs", "provider_zh": "东区维修"},
    "provider.returned": {"provider": "East Repairs", "provider_zh": "东区维修", "reason": "Out of our area."},
    "provider.offer_expired": {
        "provider": "East Repairs",
        "provider_zh": "东区维修",
        "due": "2026-09-28T11:30:00+08:00",
        "to": "Min Guo",
    },
    "file.received": {"kind": AttachmentKind.PROOF_OF_PURCHASE},
    "visit.booked": {
        "start": "2026-03-05T09:00:00+08:00",
        "end": "2026-03-05T13:00:00+08:00",
        "technician": "Wang Lei",
        "station": "Qingdao Laoshan",
    },
    "visit.late": {"due": "2026-03-04T17:00:00+08:00", "reason": "Customer away until Thursday."},
    "visit.moved": {
        "previous": "2026-03-05T09:00:00+08:00",
        "start": "2026-03-06T13:00:00+08:00",
        "end": "2026-03-06T17:00:00+08:00",
    },
    "visit.moved_by_customer": {
        "previous": "2026-03-05T09:00:00+08:00",
        "start": "2026-03-06T13:00:00+08:00",
        "end": "2026-03-06T17:00:00+08:00",
    },
    "visit.confirmed": {"start": "2026-03-05T09:00:00+08:00", "end": "2026-03-05T13:00:00+08:00"},
    "visit.cancelled": {"start": "2026-03-05T09:00:00+08:00", "reason": "Fixed by phone."},
    "ticket.arrival_recorded": {"at": "2026-03-05T09:40:00+08:00"},
    "job.checked_in": {"at": "2026-03-05T09:40:00+08:00"},
    "job.recorded": {"diagnosis": "Drain pump blocked", "work": "Cleaned the pump", "kind": "paid", "charge": "80.00"},
    "job.photo_added": {"stage": "before"},
    "job.part_used": {"number": "BRD-100", "name": "Control board", "quantity": 1},
    "job.part_used_warranty": {"number": "BRD-100", "name": "Control board", "quantity": 1},
    "job.signed": {"name": "Wang Fang"},
    "job.checked_out": {"at": "2026-03-05T11:05:00+08:00"},
    "report.made": {"checked_out_at": "2026-03-05T03:05:00+00:00", "technician": "Wang Wei"},
    "portal.serial_of_another": {"model": "XQG80-P1", "serial": "P1-000777"},
    "portal.unit_details": {"model": "XQG80-P1", "serial": "P1-000778", "date": "2026-02-10"},
    "claim.decided": {
        "reasons": [
            {"code": "general.out_of_period", "params": {"period_end": "2026-01-31"}},
            {"code": "exclusion.misuse", "params": {}},
        ]
    },
    "claim.chosen": {"remedy": Remedy.REPAIR_FREE},
    "claim.goodwill": {"remedy": Remedy.REPLACE, "reason": "Loyal customer since 2010."},
    "claim.repaired": {"remedy": Remedy.REPAIR_PAID, "amount": "120.00"},
    "claim.replaced": {"serial": "P1-000999", "date": "2026-03-06"},
    "claim.returned": {"amount": "2399.00"},
    "callback.result": {"result": CallbackResult.NO_ANSWER},
    "callback.result_noted": {"result": CallbackResult.REACHED, "note": "Rang twice."},
    "callback.dissatisfied": {"score": 2, "comment": "Came late."},
    "callback.complaint_opened": {"reference": "AS-2026-000043"},
    "callback.offer_outcome": {"outcome": OfferOutcome.ACCEPTED, "detail": "SC-2026-000007"},
    "feedback.opened": {"code": "PWR-01", "department": Department.PRODUCTION},
    "feedback.acknowledged": {"code": "PWR-01", "department": Department.PRODUCTION},
    "feedback.answered": {
        "code": "PWR-01",
        "department": Department.PRODUCTION,
        "cause": "Solder joint.",
        "action": "New reflow profile.",
    },
    "parts.reserved": {"part": "WM-PUMP-01", "quantity": 2, "station": "Qingdao East"},
    "parts.released": {"part": "WM-PUMP-01", "quantity": 2, "station": "Qingdao East"},
    "parts.waiting": {"part": "WM-PUMP-01", "quantity": 1, "source": "central"},
    "parts.ordered": {"part": "WM-FAN-02", "quantity": 1, "source": "supplier"},
    "parts.received": {"part": "WM-PUMP-01", "quantity": 1, "station": "Qingdao East"},
    "parts.order_cancelled": {"part": "WM-PUMP-01", "quantity": 1},
    "parts.arrived": {},
    "parts.return_opened": {"part": "WM-PUMP-01", "rma": "RMA-20260302-0001", "due_by": "2026-03-17T10:00:00+08:00"},
    "parts.return_shipped": {"rma": "RMA-20260302-0001", "tracking": "SF1234567890"},
    "parts.return_received": {"rma": "RMA-20260302-0001"},
    "parts.return_inspected": {"rma": "RMA-20260302-0001", "finding": "confirmed"},
    "parts.return_overdue": {"rma": "RMA-20260302-0001", "due_by": "2026-03-17T10:00:00+08:00"},
}


def rendered(code: str, params: dict, language: str) -> str:
    with translation.override(language):
        return render(code, params)


# --- the registry (no database) -----------------------------------------------------------------


def test_every_registered_code_has_a_sample_here():
    assert set(SAMPLES) == set(TEXTS)


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_every_code_renders_in_english_and_in_chinese_with_every_placeholder_filled(code):
    params = SAMPLES[code]
    english, chinese = rendered(code, params, "en"), rendered(code, params, "zh-hans")

    for text in (english, chinese):
        assert PLACEHOLDER.search(text) is None, text
        assert EMPTY not in text, text  # every value was given, so none shows as missing
        # Values shown as given (references, serials, amounts, typed text) are in both languages.
        for name, value in params.items():
            if f"%({name})" in str(TEXTS[code].template) and name not in TEXTS[code].formatters:
                assert str(value) in text, (name, text)
    assert chinese != english
    assert HAN.search(chinese), chinese
    assert HAN.search(english) is None, english


@pytest.mark.parametrize("code", sorted(code for code, text in TEXTS.items() if isinstance(text.template, Promise)))
def test_every_template_has_its_chinese_translation(code):
    template = TEXTS[code].template
    with translation.override("en"):
        msgid = str(template)
    with translation.override("zh-hans"):
        assert str(template) != msgid


@pytest.mark.parametrize(
    ("code", "params", "english", "chinese"),
    [
        # Stored in UTC or in business time: rendered in business time (Asia/Shanghai).
        (
            "visit.agreed",
            {"start": "2026-03-05T01:00:00+00:00", "end": "2026-03-05T04:00:00+00:00"},
            "Visit agreed: 5 Mar 2026, 09:00–12:00.",
            "已约定上门时间：2026年3月5日 09:00–12:00。",
        ),
        # After 16:00 UTC it is already the next day in Shanghai.
        (
            "visit.agreed",
            {"start": "2026-03-04T22:00:00+00:00", "end": "2026-03-05T01:00:00+00:00"},
            "Visit agreed: 5 Mar 2026, 06:00–09:00.",
            "已约定上门时间：2026年3月5日 06:00–09:00。",
        ),
        # A missed stage by its label, its deadline in business time, the people told as given.
        (
            "ticket.escalated",
            {"stage": "dispatch", "due": "2026-03-02T09:00:00+00:00", "to": "Wang Wei"},
            "Deadline missed: Dispatch, due 2 Mar 2026 17:00. Escalated to Wang Wei.",
            "已超时：派工，截止时间2026年3月2日 17:00。已升级通知Wang Wei。",
        ),
        # Vocabulary through its labels in the reader's language.
        (
            "claim.chosen",
            {"remedy": Remedy.REPAIR_FREE},
            "The customer chose: Free repair.",
            "客户选择了：免费修理。",
        ),
        (
            "feedback.opened",
            {"code": "PWR-01", "department": Department.PRODUCTION},
            "Quality fault PWR-01 fed back to the Production department.",
            "质量故障 PWR-01 已反馈至生产部门。",
        ),
        # Typed text inside a system text stays as typed; a missing value shows as a dash.
        (
            "callback.dissatisfied",
            {"score": None, "comment": "Wants a manager to call."},
            "Customer dissatisfied on the callback (—/5): Wants a manager to call.",
            "客户在回访中表示不满意（—/5）：Wants a manager to call.",
        ),
        (
            "portal.unit_details",
            {"model": "XQG80-P1", "serial": "", "date": ""},
            "The customer gave model XQG80-P1, serial —, purchased —.",
            "客户填写的型号为 XQG80-P1，序列号为 —，购买日期为 —。",
        ),
        # A code no longer among the choices shows as the code.
        (
            "claim.chosen",
            {"remedy": "retired_remedy"},
            "The customer chose: retired_remedy.",
            "客户选择了：retired_remedy。",
        ),
    ],
)
def test_values_are_rendered_in_the_readers_language_and_the_business_time_zone(code, params, english, chinese):
    assert (rendered(code, params, "en"), rendered(code, params, "zh-hans")) == (english, chinese)


def test_the_warranty_reasons_are_rendered_from_their_codes_in_each_language():
    params = SAMPLES["claim.decided"]

    reasons = [tg.Reason("general.out_of_period", {"period_end": dt.date(2026, 1, 31)}), tg.Reason("exclusion.misuse")]
    with translation.override("en"):
        english = [tg.reason_text(reason) for reason in reasons]
    with translation.override("zh-hans"):
        chinese = [tg.reason_text(reason) for reason in reasons]

    assert english[0] == "The guarantee period of this product ended on 31 Jan 2026, so the repair is paid."
    # English sentences follow each other after a space, Chinese ones directly.
    assert rendered("claim.decided", params, "en") == " ".join(english)
    assert rendered("claim.decided", params, "zh-hans") == "".join(chinese)


def test_an_unknown_code_raises_when_rendered_directly():
    with pytest.raises(KeyError):
        render("no.such.code", {})


@pytest.mark.parametrize(
    ("code", "params"),
    [
        ("", {}),  # a typed note, or a row written before the codes
        ("no.such.code", {"reference": "AS-2026-000001"}),  # a code since retired
        ("claim.decided", {"reasons": "not a list of reasons"}),  # values that no longer fit the text
    ],
)
def test_an_event_without_a_known_code_shows_its_stored_note(code, params):
    event = TicketEvent(kind=EventKind.NOTE, note="Visit agreed: 2025-01-02, 09:00–12:00.", message_code=code)
    event.message_params = params

    with translation.override("zh-hans"):
        assert render_event_text(event) == "Visit agreed: 2025-01-02, 09:00–12:00."


# --- the writers ----------------------------------------------------------------------------------


@pytest.fixture
def chinese_customer_ticket(db):
    customer = factories.CustomerFactory(phone="+8613977776666", name="周敏", preferred_language="zh-hans", email="")
    return factories.TicketFactory(customer=customer, status=Status.ACKNOWLEDGED)


def test_a_system_text_is_stored_as_its_code_and_values_with_the_note_in_the_default_language(
    chinese_customer_ticket, agent
):
    with translation.override("zh-hans"):  # written by someone reading Chinese
        event = append_event(
            chinese_customer_ticket,
            EventKind.NOTE,
            agent,
            message=("claim.chosen", {"remedy": Remedy.REPAIR_FREE}),
            is_public=True,
        )

    stored = TicketEvent.objects.values("message_code", "message_params", "note").get(pk=event.pk)
    assert stored == {
        "message_code": "claim.chosen",
        "message_params": {"remedy": "repair_free"},
        "note": "The customer chose: Free repair.",
    }


def test_a_message_with_an_unknown_code_is_refused_and_nothing_is_written(chinese_customer_ticket, agent):
    with pytest.raises(ValueError, match="no.such.code"):
        append_event(chinese_customer_ticket, EventKind.NOTE, agent, message=("no.such.code", {}))

    assert not TicketEvent.objects.filter(ticket=chinese_customer_ticket).exists()


def test_a_typed_note_stays_as_typed_with_no_code(chinese_customer_ticket, agent):
    event = append_event(chinese_customer_ticket, EventKind.NOTE, agent, note="顾客下午在家。", is_public=True)

    assert TicketEvent.objects.values_list("note", "message_code", "message_params").get(pk=event.pk) == (
        "顾客下午在家。",
        "",
        {},
    )


def test_a_reopen_by_the_system_stores_its_reason_as_a_code(chinese_customer_ticket, agent):
    ticket = chinese_customer_ticket
    ticket.status = Status.RESOLVED
    ticket.save(update_fields=["status"])

    ticket_transition(
        ticket=ticket,
        move="reopen",
        by=agent,
        message=("callback.dissatisfied", {"score": 1, "comment": "Still leaking."}),
    )

    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.STATUS)
    assert (event.to_status, event.message_code, event.message_params, event.note) == (
        Status.REOPENED,
        "callback.dissatisfied",
        {"score": 1, "comment": "Still leaking."},
        "Customer dissatisfied on the callback (1/5): Still leaking.",
    )
    with translation.override("zh-hans"):
        assert render_event_text(event) == "客户在回访中表示不满意（1/5）：Still leaking."


def en_date(day: dt.date) -> str:
    """A date as English pages show it (aftersales/formats/en)."""
    return f"{day.day} {day:%b %Y}"


def zh_date(day: dt.date) -> str:
    """A date as Chinese pages show it (aftersales/formats/zh_Hans)."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- the readers: one event, each reader in their own language ----------------------------------


@pytest.fixture
def agreed_visit(chinese_customer_ticket, agent, technician):
    """The desk agrees a visit three days out, in the morning; an older row (written before the
    codes, in English) and an agent's typed public note are on the same timeline."""
    ticket = chinese_customer_ticket
    TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.NOTE, note="Visit agreed: 2025-12-01, 09:00–12:00.", is_public=True
    )
    day = timezone.localdate() + dt.timedelta(days=3)
    ticket_assign(ticket=ticket, station=None, assignee=technician, by=agent, appointment=(day, "morning"))
    append_event(ticket, EventKind.NOTE, agent, note="师傅会先打电话。", is_public=True)
    return ticket, day


def test_the_chinese_customer_reads_the_agreed_visit_in_chinese_on_the_tracking_page(
    client, agreed_visit, django_capture_on_commit_callbacks
):
    ticket, day = agreed_visit
    client.cookies["django_language"] = "zh-hans"
    client.post(reverse("portal:track"), {"reference": ticket.reference, "phone": "13977776666"})
    # The timeline is shown to whoever proves the phone with the code sent to it.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:track_code_send", args=[ticket.reference]))
    code = [message.params["code"] for message in sms_outbox if message.to == ticket.customer.phone][-1]
    client.post(reverse("portal:track_code_verify", args=[ticket.reference]), {"code": code})

    html = client.get(reverse("portal:track_detail", args=[ticket.reference])).content.decode()

    assert f"已约定上门时间：{zh_date(day)} 09:00–12:00。" in html
    assert "Visit agreed: 2025-12-01, 09:00–12:00." in html  # the old row, as it was
    assert "师傅会先打电话。" in html
    assert f"Visit agreed: {en_date(day)}" not in html


def test_the_english_agent_reads_the_same_event_in_english_on_the_desk(client, agreed_visit, agent):
    ticket, day = agreed_visit
    client.force_login(agent)

    html = client.get(reverse("desk:ticket", args=[ticket.reference]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"Visit agreed: {en_date(day)}, 09:00–12:00." in html
    assert "Visit agreed: 2025-12-01, 09:00–12:00." in html
    assert "已约定上门时间" not in html


def test_the_api_answers_the_timeline_in_the_requests_language(agreed_visit, agent):
    ticket, day = agreed_visit
    url = f"/api/tickets/{ticket.reference}/timeline/"
    user = get_user_model().objects.create(username=ticket.customer.phone)
    ticket.customer.user = user
    ticket.customer.save(update_fields=["user"])

    as_agent = client_for(agent).get(url, HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    as_customer = client_for(user).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]

    agreed = [row for row in as_agent if row["message_code"] == "visit.agreed"]
    assert [(row["note"], row["message_params"]) for row in agreed] == [
        (
            f"Visit agreed: {en_date(day)}, 09:00–12:00.",
            {"start": f"{day}T09:00:00+08:00", "end": f"{day}T12:00:00+08:00"},
        )
    ]
    assert [row["note"] for row in as_customer] == [
        "Visit agreed: 2025-12-01, 09:00–12:00.",
        f"已约定上门时间：{zh_date(day)} 09:00–12:00。",
        "师傅会先打电话。",
    ]


def test_a_portal_account_reads_the_timeline_in_chinese_through_the_api(db, agent):
    customer = portal_customer("+8613900001111", "王芳")
    ticket = factories.TicketFactory(customer=customer)
    append_event(
        ticket, EventKind.CLAIM, agent, message=("claim.chosen", {"remedy": Remedy.REPAIR_FREE}), is_public=True
    )

    response = client_for(customer.user).get(
        f"/api/tickets/{ticket.reference}/timeline/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    )

    assert [row["note"] for row in response.json()["results"]] == ["客户选择了：免费修理。"]


def test_the_admin_shows_the_event_in_the_readers_language(client, agreed_visit):
    ticket, day = agreed_visit
    admin_user = factories.UserFactory(roles=[Role.ADMIN], username="admin9")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    event = TicketEvent.objects.get(ticket=ticket, message_code="visit.agreed")

    html = client.get(
        reverse("admin:tickets_ticketevent_change", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert f"已约定上门时间：{zh_date(day)} 09:00–12:00。" in html

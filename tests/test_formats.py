"""One date format and one date-and-time format per language, whichever name a template or a
view asks for (aftersales/formats). No database."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from warranty.three_guarantees.texts import _format

DAY = dt.date(2026, 12, 7)
MOMENT = dt.datetime(2026, 12, 7, 14, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
EXPECTED = {
    "en": ("7 Dec 2026", "7 Dec 2026 14:30", "7 Dec"),
    "zh-hans": ("2026年12月7日", "2026年12月7日 14:30", "12月7日"),
}


@pytest.mark.parametrize("language", EXPECTED)
def test_every_named_format_gives_the_same_date_in_one_language(language):
    day, moment, month_day = EXPECTED[language]
    template = Template(
        '{{ d|date }}|{{ d|date:"DATE_FORMAT" }}|{{ d|date:"SHORT_DATE_FORMAT" }}|{{ d }}'
        '#{{ m|date:"DATETIME_FORMAT" }}|{{ m|date:"SHORT_DATETIME_FORMAT" }}|{{ m }}'
        '#{{ d|date:"MONTH_DAY_FORMAT" }}#{{ m|time:"TIME_FORMAT" }}'
    )
    with translation.override(language):
        shown = template.render(Context({"d": DAY, "m": MOMENT}))
        assert shown == f"{day}|{day}|{day}|{day}#{moment}|{moment}|{moment}#{month_day}#14:30"
        assert date_format(DAY, "DATE_FORMAT") == day


@pytest.mark.parametrize("language", EXPECTED)
def test_the_iso_date_filter_shows_stored_iso_text_in_the_same_format(language):
    template = Template("{% load dates %}{{ a|iso_date }}|{{ b|iso_date }}|{{ c|iso_date }}|{{ d|iso_date }}")
    with translation.override(language):
        shown = template.render(Context({"a": "2026-12-07", "b": DAY, "c": "", "d": "soon"}))
    assert shown == f"{EXPECTED[language][0]}|{EXPECTED[language][0]}||soon"


@pytest.mark.parametrize("language", EXPECTED)
def test_the_three_guarantees_texts_show_dates_and_money_like_every_page(language):
    with translation.override(language):
        assert _format("period_end", DAY) == EXPECTED[language][0]
        assert _format("refund", Decimal("3607.098")) == "¥3,607.10"

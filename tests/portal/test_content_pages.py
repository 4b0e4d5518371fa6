"""The portal's help answers and price list: content, language, filtering, query counts, and
the defaults the data migration loads."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import FaqEntry, PriceKind, PriceListItem, ProductCategory
from portal.content_views import price_sections

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def washer():
    return ProductCategory.objects.get(code="washing_machine")


@pytest.fixture
def fridge():
    return ProductCategory.objects.get(code="fridge")


@pytest.fixture
def no_defaults():
    """Start from an empty help page and price list, without the migration's rows."""
    FaqEntry.objects.all().delete()
    PriceListItem.objects.all().delete()


def _faq(question: str, **kwargs) -> FaqEntry:
    kwargs.setdefault("answer", f"Answer to {question}")
    return FaqEntry.objects.create(question=question, **kwargs)


def _price(name: str, price: str, **kwargs) -> PriceListItem:
    return PriceListItem.objects.create(name=name, price=Decimal(price), **kwargs)


# --- the data migration ---------------------------------------------------------------------


def test_default_help_answers_are_loaded_in_both_languages():
    entries = list(FaqEntry.objects.filter(is_published=True))
    assert len(entries) >= 5
    assert all(entry.question_zh and entry.answer_zh for entry in entries)
    questions = " ".join(entry.question for entry in entries)
    for topic in ("serial number", "three guarantees", "proof of purchase", "repair take", "follow my request"):
        assert topic in questions
    guarantees = FaqEntry.objects.get(question__contains="three guarantees")
    assert "7 days" in guarantees.answer and "day 15" in guarantees.answer and "warranty period" in guarantees.answer
    assert "7 日内" in guarantees.answer_zh


def test_default_price_list_has_service_charges_and_parts_per_category():
    callout = PriceListItem.objects.get(code="SVC-CALLOUT")
    assert callout.kind == PriceKind.SERVICE and callout.category is None
    assert callout.price == Decimal("50.00") and callout.unit_label == "per visit" and callout.name_zh
    assert PriceListItem.objects.get(code="SVC-LABOUR").unit_label == "per hour"
    parts = PriceListItem.objects.filter(kind=PriceKind.PART)
    assert {"washing_machine", "fridge", "air_conditioner", "mobile_phone", "car"} <= set(
        parts.values_list("category__code", flat=True)
    )
    assert not parts.filter(category__isnull=True).exists()
    assert not PriceListItem.objects.filter(name_zh="").exists()


# --- help -----------------------------------------------------------------------------------


def test_help_lists_published_answers_with_links_to_request_and_track(client, no_defaults):
    _faq("How do I descale?", answer="Run the cleaning programme.\nOnce a month.")
    _faq("Hidden draft?", is_published=False)
    response = client.get(reverse("portal:help"))
    assert response.status_code == 200
    assert response.context["nav"] == "help"
    assert "portal/help.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "<details" in body and "How do I descale?" in body
    assert "Run the cleaning programme.<br>Once a month." in body
    assert "Hidden draft?" not in body
    assert f'href="{reverse("portal:submit")}"' in body
    assert f'href="{reverse("portal:track")}"' in body


def test_help_speaks_the_visitors_language(client, no_defaults):
    _faq("Where is the filter?", question_zh="过滤网在哪里？", answer="At the bottom.", answer_zh="在底部。")
    _faq("English only?", answer="Yes.")
    body = client.get(reverse("portal:help"), **ZH).content.decode()
    assert "过滤网在哪里？" in body and "在底部。" in body
    assert "Where is the filter?" not in body
    # An answer nobody translated yet still shows, in English.
    assert "English only?" in body


def test_help_filters_by_category_and_keeps_general_answers(client, no_defaults, washer, fridge):
    _faq("General answer")
    _faq("Washer answer", category=washer)
    _faq("Fridge answer", category=fridge)
    response = client.get(reverse("portal:help"), {"category": "fridge"})
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["category"] == fridge
    assert "General answer" in body and "Fridge answer" in body
    assert "Washer answer" not in body
    assert '<option value="fridge" selected>' in body


@pytest.mark.parametrize("code", ["no-such-category", "x" * 500, "' OR 1=1 --"])
def test_help_with_an_unknown_category_shows_everything(client, no_defaults, washer, code):
    _faq("General answer")
    _faq("Washer answer", category=washer)
    response = client.get(reverse("portal:help"), {"category": code})
    assert response.status_code == 200
    assert response.context["category"] is None
    body = response.content.decode()
    assert "General answer" in body and "Washer answer" in body


def test_help_query_count_does_not_grow_with_answers(client, no_defaults, washer, django_assert_num_queries):
    _faq("One", category=washer)
    with django_assert_num_queries(2):
        client.get(reverse("portal:help"))
    for n in range(10):
        _faq(f"More {n}", category=washer if n % 2 else None)
    with django_assert_num_queries(2):
        response = client.get(reverse("portal:help"), {"category": "washing_machine"})
    assert len(response.context["entries"]) == 11


def test_help_refuses_post(client):
    assert client.post(reverse("portal:help")).status_code == 405


# --- prices ---------------------------------------------------------------------------------


def test_prices_are_grouped_by_kind_then_category(client, no_defaults, washer, fridge):
    _price("Door seal", "180", kind=PriceKind.PART, category=washer)
    _price("Compressor", "980", kind=PriceKind.PART, category=fridge, code="FR-COMP")
    _price("Call-out fee", "50", kind=PriceKind.SERVICE, unit_label="per visit")
    _price("Washer labour", "90", kind=PriceKind.SERVICE, category=washer)
    response = client.get(reverse("portal:prices"))
    assert response.status_code == 200
    assert response.context["nav"] == "prices"
    sections = response.context["sections"]
    assert [section.kind for section in sections] == [PriceKind.SERVICE, PriceKind.PART]
    assert [group.category for group in sections[0].groups] == [None, washer]
    # Categories by name: Refrigerator before Washing machine.
    assert [group.category for group in sections[1].groups] == [fridge, washer]
    body = response.content.decode()
    assert body.index("Service charges") < body.index("Genuine spare parts")
    assert "¥50.00" in body and "¥980.00" in body and "FR-COMP" in body and "per visit" in body


def test_prices_show_two_decimals_and_the_currency(client, no_defaults):
    _price("Compressor", "1280", kind=PriceKind.PART)
    _price("Capacitor", "45.5", kind=PriceKind.PART)
    body = client.get(reverse("portal:prices")).content.decode()
    assert "¥1,280.00" in body and "¥45.50" in body
    assert "CNY, 元" in body


def test_prices_speak_the_visitors_language(client, no_defaults):
    _price("Drain pump", "120", name_zh="排水泵", kind=PriceKind.PART, unit_label="each")
    body = client.get(reverse("portal:prices"), **ZH).content.decode()
    assert "排水泵" in body
    assert "Drain pump" not in body


def test_prices_filter_by_category_keeps_charges_for_every_product(client, no_defaults, washer, fridge):
    _price("Call-out fee", "50")
    _price("Door seal", "180", kind=PriceKind.PART, category=washer)
    _price("Door gasket", "150", kind=PriceKind.PART, category=fridge)
    _price("Retired part", "10", kind=PriceKind.PART, category=washer, is_published=False)
    response = client.get(reverse("portal:prices"), {"category": "washing_machine"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Call-out fee" in body and "Door seal" in body
    assert "Door gasket" not in body and "Retired part" not in body


def test_prices_with_an_unknown_category_show_everything(client):
    response = client.get(reverse("portal:prices"), {"category": "nope"})
    assert response.status_code == 200
    assert "WM-PUMP" in response.content.decode() and "FR-COMP" in response.content.decode()


def test_prices_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    # The migration's full price list, every category.
    assert PriceListItem.objects.count() > 20
    with django_assert_num_queries(2):
        client.get(reverse("portal:prices"))
    with django_assert_num_queries(2):
        client.get(reverse("portal:prices"), {"category": "car"}, **ZH)


def test_price_sections_put_general_rows_first_and_follow_positions(washer):
    items = [
        PriceListItem(name="B part", kind=PriceKind.PART, category=washer, price=Decimal("1"), position=2),
        PriceListItem(name="A part", kind=PriceKind.PART, category=washer, price=Decimal("1"), position=2),
        PriceListItem(name="Z first", kind=PriceKind.PART, category=washer, price=Decimal("1"), position=1),
        PriceListItem(name="Any product", kind=PriceKind.PART, category=None, price=Decimal("1"), position=9),
    ]
    sections = price_sections(items)
    assert len(sections) == 1
    general, per_washer = sections[0].groups
    assert general.category is None and [row.name for row in general.rows] == ["Any product"]
    assert [row.name for row in per_washer.rows] == ["Z first", "A part", "B part"]

"""On a phone, in Chinese: a customer the desk already knows creates a portal account by asking
for a code, reading it in the SMS, entering it, and lands on their account with their request."""

import pytest

from customers.models import Customer
from notifications.sms.locmem import outbox
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def test_sign_up_with_a_code_on_a_phone_in_chinese(browser, live_server):
    known = factories.CustomerFactory(phone="+8613566667777", name="王芳", email="")
    ticket = factories.TicketFactory(customer=known)
    context = browser.new_context(locale="zh-CN", **PHONE)
    context.set_default_timeout(15000)
    page = context.new_page()

    page.goto(f"{live_server.url}/account/signup/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.fill("input[name=phone]", "135 6666 7777")
    page.fill("input[name=name]", "王芳")
    page.click("button.send-code")
    page.wait_for_selector("#code-sent")
    # The code arrived by SMS (the test server's SMS outbox), in Chinese, to the phone typed.
    [sms] = [message for message in outbox if message.to == "+8613566667777"]
    assert sms.language == "zh-hans"
    code = sms.params["code"]
    assert code in sms.text
    # What was typed is still there.
    assert page.input_value("input[name=name]") == "王芳"
    screenshot(page, "portal-signup-code-sent-phone-zh")

    page.fill("input[name=code]", code)
    page.press("input[name=code]", "Enter")  # Enter creates the account; it does not ask for a new code
    page.wait_for_url(f"{live_server.url}/account/")
    assert ticket.reference in page.inner_text("#requests")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "portal-account-after-code-phone-zh")

    known.refresh_from_db()
    assert known.user is not None and known.account_verified_at is not None
    assert Customer.objects.filter(phone="+8613566667777").count() == 1
    assert len([message for message in outbox if message.to == "+8613566667777"]) == 1
    context.close()

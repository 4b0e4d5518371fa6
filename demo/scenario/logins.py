"""What the demo command prints for a newcomer after ``make run``: every entry point as a full
URL, who to sign in as, and where the SMS codes and messages appear."""

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.core.management.color import Style
from django.urls import reverse

from aftersales.organisation import organisation_name
from customers.models import Customer
from demo.data.people import USERS
from demo.data.providers import PROVIDER_USERS
from demo.scenario.setting import PASSWORD
from network.models import ServiceProvider

# What the run command prints for a newcomer to open: path, what it is (and who it is for).
ENTRY_POINTS = (
    ("/", "Customer portal"),
    ("/desk/", "Staff desk"),
    ("/dashboard/", "Quality dashboard"),
    ("/feedback/", "Feedback inbox"),
    ("/admin/", "Administration"),
    ("/api/docs/", "API documentation"),
)


def print_logins(out: OutputWrapper, style: Style, base_url: str) -> None:
    """Every entry point as a full URL on the chosen port, who to sign in as, and where the SMS
    codes and messages appear."""
    name = organisation_name("en")
    out.write("")
    out.write(style.SUCCESS(f"{name} is ready at {base_url}/"))
    out.write("")
    for path, what in ENTRY_POINTS:
        out.write(f"  {what:<20} {base_url}{path}")
    out.write("")
    out.write(f"Demo logins (password for every account: {PASSWORD})")
    for username, role, first, last in USERS:
        out.write(f"  {username:<12} {PASSWORD:<16} {role:<11} {first} {last}")
    providers = dict(ServiceProvider.objects.values_list("code", "name"))
    if providers:
        out.write("  Headquarters' staff above see everything; a service provider's staff see only its work:")
    for username, role, first, last, code in PROVIDER_USERS:
        if code in providers:
            out.write(f"  {username:<12} {PASSWORD:<16} {role:<11} {first} {last}, {providers[code]}")
    portal = Customer.objects.filter(user__isnull=False).order_by("pk").first()
    if portal is not None:
        out.write(f"  {portal.phone:<12} {PASSWORD:<16} {'customer':<11} {portal.name} (portal account)")
        out.write(
            f"  The demo customer signs in to the portal ({base_url}{reverse('portal:login')}) with the phone "
            f"{portal.phone}; tracking a request needs its reference and that phone."
        )
    out.write("")
    out.write(messages_line())


def messages_line() -> str:
    """Where the messages go: with the console backends, one line each in this console."""
    email_backend = settings.EMAIL_BACKEND
    sms_backend = getattr(settings, "SMS_BACKEND", "")
    if "console" in email_backend.lower() and (not sms_backend or "console" in sms_backend.lower()):
        return (
            "Messages: nothing is really sent. Every SMS (sign-in and verification codes included) and every "
            "email appears in this console, one line each, as the server and the worker run."
        )
    return f"Messages are sent for real: EMAIL_BACKEND={email_backend}" + (
        f", SMS_BACKEND={sms_backend}" if sms_backend else ""
    )

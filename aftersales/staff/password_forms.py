"""Staff password reset by email: who may use it, and the email it sends (docs/threat-model.md).

Django's reset flow (``django.contrib.auth.views``), narrowed to staff: only an active member of
staff (a role, the admin flag or a superuser) with an email address and a usable password gets
a link; a portal customer's account never does (customers reset theirs by SMS code on the
portal). The page answers the same whether or not the address belongs to anyone. The link is
built on ``SITE_URL``, never on the request's Host header, so a forged Host cannot send a
member of staff a link to someone else's server that would leak their token. The email is
written in the language of the page the request was made from (the staff member's), and sent
with Django's mail directly, as staff messages are not customer notifications.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.urls import reverse

from aftersales.organisation import organisation_name
from aftersales.roles import Role


def staff_accounts() -> QuerySet[AbstractBaseUser]:
    """Active users who work for the organisation: anyone with a staff role, the admin flag or
    superuser rights. A portal customer's account has none of these."""
    staff = Q(is_superuser=True) | Q(is_staff=True) | Q(groups__name__in=Role.values)
    return get_user_model()._default_manager.filter(staff, is_active=True).distinct()


def site_domain() -> str:
    """The public host (and port) of ``SITE_URL``: what the reset email names as the site."""
    return urlsplit(settings.SITE_URL).netloc


def site_uses_https() -> bool:
    return urlsplit(settings.SITE_URL).scheme == "https"


class StaffPasswordResetForm(PasswordResetForm):
    """The staff member's email address; a reset link goes to it only when it is a staff
    account's (Django's own rules besides: active, usable password)."""

    def get_users(self, email: str):
        staff_ids = set(staff_accounts().filter(email__iexact=email).values_list("pk", flat=True))
        if not staff_ids:
            return iter(())
        return (user for user in super().get_users(email) if user.pk in staff_ids)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        path = reverse("desk:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        context = {
            **context,
            "reset_url": settings.SITE_URL.rstrip("/") + path,
            "organisation": organisation_name(),
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name=html_email_template_name,
        )

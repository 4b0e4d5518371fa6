"""The one-time codes sent by SMS to prove a phone: what each is for, and the stored row
(customers/phone_codes.py holds the rules). Imported by customers/models.py, so Django finds them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.phones import display_phone


class CodePurpose(models.TextChoices):
    """What a one-time code sent by SMS is for. A code proves the phone for its purpose only, and
    the message tells the customer what it is for (so a code for a password reset is not given
    away as a "sign-in code")."""

    SIGNUP = "signup", _("Create an account")
    SIGN_IN = "sign_in", _("Sign in")
    RESET = "reset", _("Reset the password")
    TRACK = "track", _("See a request")


class PhoneCode(models.Model):
    """A one-time code sent by SMS to prove a phone (customers/phone_codes.py holds the rules).

    The code itself is never stored: only a keyed hash with a salt of its own, so the table
    alone (a backup, a leaked dump) tells nothing about the codes in flight."""

    phone = models.CharField(_("mobile phone"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=10, choices=CodePurpose.choices)
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    failed_tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    sent_from_ip = models.GenericIPAddressField(_("asked from address"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["phone", "purpose", "created_at"], name="phonecode_phone_purpose"),
            models.Index(fields=["sent_from_ip", "created_at"], name="phonecode_ip_created"),
        ]

    def __str__(self) -> str:
        return f"{display_phone(self.phone)} · {self.get_purpose_display()}"

"""Service providers and their staff (docs/network.md)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import ProviderScoped
from customers.models import LocalizedNameMixin


class ServiceProvider(LocalizedNameMixin):
    """An authorised service company: it owns stations, employs staff and technicians, keeps
    parts and is paid for the warranty work it does."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    contact_name = models.CharField(_("contact"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    accept_hours = models.PositiveSmallIntegerField(
        _("hours to accept a job"),
        default=4,
        # From one business hour to a month of business days.
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Business hours the provider has to accept a dispatched job before it returns to headquarters."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # A provider's staff see their own provider only.
    objects = ProviderScoped("pk")

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["code"]


class ProviderMember(models.Model):
    """A staff user who works for a provider. Staff with none work for headquarters."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="provider_membership",
    )
    provider = models.ForeignKey(
        ServiceProvider, verbose_name=_("service provider"), on_delete=models.PROTECT, related_name="members"
    )
    since = models.DateTimeField(_("since"), auto_now_add=True)

    objects = ProviderScoped("provider")

    class Meta:
        verbose_name = _("provider staff member")
        verbose_name_plural = _("provider staff members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.provider.code}"

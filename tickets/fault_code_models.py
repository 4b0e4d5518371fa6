"""Technicians' fault codes and the departments quality faults are fed back to (no-leak 4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import LocalizedNameMixin


class Department(models.TextChoices):
    """The departments quality faults are fed back to (no-leak 4)."""

    DESIGN = "design", _("Design")
    PRODUCTION = "production", _("Production")
    OPERATIONS = "operations", _("Operations")


class FaultCode(LocalizedNameMixin):
    """A technician's fault code. A code routed to a department is a quality fault: resolving a
    repair with it opens a feedback item for that department (docs/lifecycle.md#no-leak-4-every-result-is-fed-back)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    component = models.CharField(_("component"), max_length=80, blank=True)
    department = models.CharField(
        _("feedback to"),
        max_length=20,
        choices=Department.choices,
        blank=True,
        help_text=_("Leave empty for faults that say nothing about the product's design or production."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("fault code")
        verbose_name_plural = _("fault codes")
        ordering = ["code"]

    @property
    def is_quality_fault(self) -> bool:
        return bool(self.department)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales from service")

    def ready(self) -> None:
        # Registered once at start-up (tickets/hooks.py): a resolved service job is checked
        # against the lead rules. tickets never imports this app.
        from sales import finding
        from tickets import hooks

        hooks.register_on_resolved(finding.on_resolved)

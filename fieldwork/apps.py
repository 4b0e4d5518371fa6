from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "fieldwork"
    verbose_name = _("Field service")

    def ready(self) -> None:
        # What field service adds to a ticket (its page, its timeline texts), through the
        # registry tickets defines (tickets/hooks.py): tickets never imports this app. Each part
        # of the app registers its own.
        from fieldwork.booking import hooks as booking_hooks
        from fieldwork.jobs import hooks as job_hooks
        from fieldwork.reports import hooks as report_hooks

        booking_hooks.register()
        job_hooks.register()
        report_hooks.register()

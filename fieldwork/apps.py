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
        # The technicians' stations order the desk's technician pickers (aftersales/table_memo.py).
        from aftersales import table_memo
        from fieldwork.models import TechnicianProfile

        table_memo.register(TechnicianProfile)
        table_memo.register_m2m(TechnicianProfile.stations, TechnicianProfile)

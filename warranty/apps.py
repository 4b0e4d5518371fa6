from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarrantyConfig(AppConfig):
    name = "warranty"
    verbose_name = _("Three guarantees")

    def ready(self) -> None:
        # What warranty adds to a ticket, through the registry tickets defines (tickets/hooks.py):
        # tickets never imports this app.
        from tickets import hooks
        from warranty import ticket_hooks, timeline_texts

        hooks.register_ticket_page_context(ticket_hooks.ticket_page_context)
        from tickets import page_rows
        from warranty.models import WarrantyClaim

        page_rows.register("claims", WarrantyClaim)
        hooks.register_timeline_texts(timeline_texts.TEXTS)

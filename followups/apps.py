from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-ups")

    def ready(self) -> None:
        # What follow-ups add to a ticket's life, through the registry tickets defines
        # (tickets/hooks.py): tickets never imports this app.
        from followups import ticket_hooks, timeline_texts
        from tickets import hooks

        hooks.register_on_resolved(ticket_hooks.on_resolved)
        hooks.register_on_reopened(ticket_hooks.on_reopened)
        hooks.register_move_guard("verify", ticket_hooks.callback_not_settled)
        hooks.register_resolved_message_context(ticket_hooks.resolved_message_context)
        hooks.register_ticket_page_context(ticket_hooks.ticket_page_context)
        from followups.models import CallbackVisit, SatisfactionRating
        from tickets import page_rows

        page_rows.register("callbacks", CallbackVisit)
        page_rows.register("ratings", SatisfactionRating)
        hooks.register_timeline_texts(timeline_texts.TEXTS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    name = "settlements"
    verbose_name = _("Warranty settlement")

    def ready(self) -> None:
        # Registered once at start-up (tickets/hooks.py): a verified warranty job's settlement line.
        from settlements import checks, lines, statements
        from tickets import hooks

        hooks.register_on_verified(lines.on_verified)
        # A statement is checked once more as it is submitted: a callback done or an old part
        # received since its lines were made clears their flags.
        statements.before_submit.append(checks.refresh_flags)

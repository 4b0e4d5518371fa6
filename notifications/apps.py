from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Messages")

    def ready(self) -> None:
        # Registers the check that a vendor SMS backend has its keys, signature and templates.
        from notifications.sms import checks  # noqa: F401

        # Which webhook events anyone listens to is cached; follow the changes that alter it.
        from notifications.webhooks import listened

        listened.connect_signals()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    name = "parts"
    verbose_name = _("Spare parts")

    def ready(self) -> None:
        # What parts adds to a ticket (its page, its timeline texts) and to a part's use on a
        # job, registered once at start-up (parts/hooks.py).
        from parts import hooks

        hooks.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The API's own app: its token admin and the migration that moved tokens to their hashed store."""

    name = "aftersales.api"
    label = "aftersales_api"
    verbose_name = _("API access")

    def ready(self) -> None:
        # The OpenAPI description of the token scheme registers itself on import.
        from aftersales.api import authentication  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Service contracts")

    def ready(self) -> None:
        from contracts.models import ServiceContract
        from tickets import page_rows

        # The ticket page's entitlement card reads the unit's contracts only when it has any.
        page_rows.register("unit_contracts", ServiceContract, "unit", of="unit")

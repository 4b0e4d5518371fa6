from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from aftersales import table_memo
        from network.models import ProviderMember, ServiceProvider
        from tickets.models import FaultCategory, FaultCode, ServiceStation

        # The small tables the desk's pages take from each process's memory (aftersales/table_memo.py):
        # stations, providers, fault categories and staff, and who is a technician of which provider.
        user = get_user_model()
        table_memo.register(ServiceStation, ServiceProvider, FaultCategory, FaultCode, user, ProviderMember)
        table_memo.register_m2m(user.groups, user)
        from tickets import page_rows
        from tickets.models import Attachment
        from tickets.sla.models import SlaTarget

        page_rows.register("attachments", Attachment)

        table_memo.register(SlaTarget)

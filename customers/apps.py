from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers and products")

    def ready(self) -> None:
        # Role groups and their admin permissions exist on every migrated database;
        # permissions themselves are only created after migrations, hence post_migrate.
        from aftersales.setup import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self, dispatch_uid="aftersales.sync_role_groups")

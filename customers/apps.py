from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers and products")

    def ready(self) -> None:
        from aftersales.logins import register_login_resolver
        from aftersales.setup import sync_role_groups
        from customers.accounts import customer_login_name

        # Role groups and their admin permissions exist on every migrated database;
        # permissions themselves are only created after migrations, hence post_migrate, and
        # app by app (tickets' and field service's after customers'), hence after every app's
        # (adding a permission a group has is a no-op).
        post_migrate.connect(sync_role_groups, dispatch_uid="aftersales.sync_role_groups")
        # A customer signs in with their phone in any format, or their portal account's email.
        register_login_resolver(customer_login_name)
        # The statutory holidays, product categories and policy versions every warranty evaluation
        # reads (aftersales/table_memo.py).
        from aftersales import table_memo
        from customers.calendar_models import BusinessCalendar, NationalCalendarDay
        from customers.models import ProductCategory, WarrantyPolicy

        table_memo.register(NationalCalendarDay, BusinessCalendar, ProductCategory, WarrantyPolicy)

"""The admin app, with headquarters' site (aftersales/admin_site.py) as its default site."""

from django.contrib.admin.apps import AdminConfig


class HeadquartersAdminConfig(AdminConfig):
    default_site = "aftersales.admin_site.HeadquartersAdminSite"

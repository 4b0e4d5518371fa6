"""The admin site, for headquarters only (docs/network.md#who-sees-what).

The admin edits the network's settings and every provider's records side by side: a provider's
staff are refused it whatever their roles or staff flag, as a user without staff status is, and
sign in at the desk instead.
"""

from django.contrib.admin import AdminSite

from aftersales.roles import provider_of


class HeadquartersAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and provider_of(request.user) is None

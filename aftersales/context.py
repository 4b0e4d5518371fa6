from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static

from aftersales.organisation import organisation_name
from aftersales.roles import provider_of, roles_of


def roles(request: HttpRequest) -> dict:
    """The signed-in user's roles (also as ``user_roles_key``), and the service provider they work for (None: headquarters),
    read in one query with the roles."""
    user = getattr(request, "user", None)
    user_roles = roles_of(user) if user is not None else frozenset()
    return {
        "user_roles": user_roles,
        # The roles in one stable text, for what is rendered once per set of roles (the desk's menu).
        "user_roles_key": ",".join(sorted(user_roles)),
        "user_provider": provider_of(user) if user_roles else None,
    }


def organisation(request: HttpRequest) -> dict:
    """The organisation's name (in the language the page is rendered in) and its logo's URL,
    on every page: the header, the title, the admin's header."""
    return {
        "organisation_name": organisation_name(),
        "organisation_logo": static(settings.ORGANISATION_LOGO),
    }

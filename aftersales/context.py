from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static

from aftersales.organisation import organisation_name
from aftersales.roles import roles_of


def roles(request: HttpRequest) -> dict:
    user_roles = roles_of(request.user) if hasattr(request, "user") else frozenset()
    return {"user_roles": user_roles}


def organisation(request: HttpRequest) -> dict:
    """The organisation's name (in the language the page is rendered in) and its logo's URL,
    on every page: the header, the title, the admin's header."""
    return {
        "organisation_name": organisation_name(),
        "organisation_logo": static(settings.ORGANISATION_LOGO),
    }

from django.http import HttpRequest

from aftersales.roles import roles_of


def roles(request: HttpRequest) -> dict:
    user_roles = roles_of(request.user) if hasattr(request, "user") else frozenset()
    return {"user_roles": user_roles}

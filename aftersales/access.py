"""Who may open the staff desk: signed-in users with a desk role (DESIGN.md section 8)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from aftersales.roles import is_desk_user, sees_all_tickets


def _require(check: Callable) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


desk_required = _require(is_desk_user)
# Pages about any ticket or customer: agents, managers and admins, not technicians.
all_tickets_required = _require(sees_all_tickets)

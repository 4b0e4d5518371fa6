"""Who may open the staff pages: signed-in users with the right role (docs/threat-model.md)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from aftersales.roles import (
    answers_feedback,
    is_desk_user,
    manages_network_quality,
    manages_quality,
    roles_of,
    sees_all_tickets,
    works_in_sales,
)


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
# Pages about one's own account (the API token): anyone who signs in at the desk, whatever their
# role, department users included. A portal customer's login holds no role and is refused.
any_role_required = _require(lambda user: bool(roles_of(user)))
# Pages about any ticket or customer: agents, managers and admins, not technicians.
all_tickets_required = _require(sees_all_tickets)
# The quality dashboard, thresholds, alerts and recalls: managers and admins.
manager_required = _require(manages_quality)
# Recall campaigns, which look at the whole network: headquarters' managers and admins.
network_manager_required = _require(manages_network_quality)
# The feedback inbox: department users, and managers and admins who follow it up.
feedback_required = _require(answers_feedback)
# Contracts, leads and the referral report: sales staff, agents, managers and admins.
sales_required = _require(works_in_sales)

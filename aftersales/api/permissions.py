"""Who may call what: the same role rules as the pages (docs/architecture.md#who-uses-it).

Staff roles come from aftersales.roles; a customer is a signed-in user linked to a Customer
(a portal account). Object-level rules live in each view's ``get_queryset``: a queryset that
only holds what the caller may see makes another customer's or technician's object a 404,
so an id never tells whether it exists.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from aftersales.roles import answers_feedback, at_headquarters, is_desk_user, manages_quality, sees_all_tickets


def customer_of(user):
    """The Customer a portal account belongs to, or None (staff, or no link)."""
    if not user.is_authenticated:
        return None
    try:
        return user.customer
    except Exception:  # RelatedObjectDoesNotExist: a user with no customer record
        return None


class SeesAllTickets(BasePermission):
    """Agents, managers, administrators: every ticket and customer."""

    message = _("Only agents, managers and administrators may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return sees_all_tickets(request.user)


class IsDeskUserOrCustomer(BasePermission):
    """Service staff, or a customer with a portal account (who sees only their own data)."""

    message = _("Sign in as service staff or as a customer with a portal account.")

    def has_permission(self, request, view) -> bool:
        return is_desk_user(request.user) or customer_of(request.user) is not None


class ManagesQuality(BasePermission):
    message = _("Only managers and administrators may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return manages_quality(request.user)


class AtHeadquarters(BasePermission):
    """Headquarters staff: endpoints about the whole network (webhooks), refused to a provider's
    staff (docs/network.md#who-sees-what). Listed after the role's permission, whose message the
    other roles keep."""

    message = _("Only headquarters staff may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return at_headquarters(request.user)


class AnswersFeedback(BasePermission):
    message = _("Only department users, managers and administrators may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return answers_feedback(request.user)

"""API tokens in the admin: who has one and since when, never a key.

Replaces knox's own admin, which lists digests and lets two tokens be made for one user.
Adding a token for a user issues a new one through the same service as the API (replacing the
one they had) and shows its key once, in the confirmation message; deleting one revokes it, through
the same service too (aftersales/api/token_store.py).
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from knox.models import AuthToken

from aftersales.api.token_store import token_issue, tokens_revoke

admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]
    ordering = ["-created"]

    def get_fields(self, request: HttpRequest, obj: AuthToken | None = None) -> list[str]:
        return ["user"] if obj is None else ["user", "created"]

    def get_readonly_fields(self, request: HttpRequest, obj: AuthToken | None = None) -> list[str]:
        return [] if obj is None else ["user", "created"]

    def has_change_permission(self, request: HttpRequest, obj: AuthToken | None = None) -> bool:
        return False  # a key cannot be edited: issue a new token instead

    def save_model(self, request: HttpRequest, obj: AuthToken, form, change: bool) -> None:
        issued = token_issue(user=obj.user)
        # The admin goes on with the row just written (its confirmation, its log entry).
        for field in ("digest", "token_key", "created", "expiry"):
            setattr(obj, field, getattr(issued.token, field))
        obj._state.adding = False
        self.message_user(
            request,
            _("API key of %(user)s (shown only now; any earlier key of theirs is revoked): %(key)s")
            % {"user": obj.user.get_username(), "key": issued.key},
            messages.WARNING,
        )

    def delete_model(self, request: HttpRequest, obj: AuthToken) -> None:
        tokens_revoke(tokens=AuthToken.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AuthToken]) -> None:
        tokens_revoke(tokens=queryset)

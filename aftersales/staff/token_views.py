"""The desk's "API access" page: a signed-in member of staff manages their own API token.

The same token as ``/api/auth/token/`` (aftersales/api/tokens.py), which integrations send as
``Authorization: Token <key>``. The page says whether the user has one and since when, and never
shows an existing key (only its hash is stored: aftersales/api/token_store.py): a new key is shown once, in the answer to the POST that created it (not
in the session or the URL, and with ``Cache-Control: no-store``). As on the API, a key is shown
only in answer to the user's password: creating or replacing one asks for it again, so a
session someone else took over cannot mint a key that outlives it; a wrong password counts
towards the sign-in lock-out (django-axes). Revoking needs no password. Every other action ends
with a redirect back to the page. Administrators manage anyone's token in the admin.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from knox.models import AuthToken

from aftersales.access import any_role_required
from aftersales.api.token_store import token_create_if_none, token_issue, token_of, token_revoke

TEMPLATE = "desk/api_token.html"


class PasswordForm(forms.Form):
    """The signed-in user's own password, asked again before a new key is shown."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Enter your password to get a new key.")},
    )

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # authenticate() as a sign-in does, so django-axes counts a wrong password; a locked-out
        # username and address get its page instead (its middleware).
        user = authenticate(self.request, username=self.request.user.get_username(), password=password)
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError(_("That is not your password: nothing was changed."), code="invalid")
        return password


def _render(
    request: HttpRequest,
    token: AuthToken | None,
    *,
    form: PasswordForm | None = None,
    new_key: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "nav": "api_token",
        "token": token,
        "form": form or PasswordForm(request=request),
        "new_key": new_key,
        "error": error,
    }
    return render(request, TEMPLATE, context, status=status)


@never_cache
@any_role_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "GET":
        return _render(request, token_of(user))

    action = request.POST.get("action", "")
    if action in ("create", "replace"):
        form = PasswordForm(request.POST, request=request)
        if not form.is_valid():
            return _render(request, token_of(user), form=form, status=400)
    if action == "create":
        issued = token_create_if_none(user=user)
        if issued is None:
            # Never shown again: the user replaces it to get a key they can see.
            messages.error(
                request, _("You already have a token, and its key is not shown again. Replace it to get a new key.")
            )
            return redirect("desk:api_token")
        return _render(request, issued.token, new_key=issued.key)
    if action == "replace":
        issued = token_issue(user=user)
        return _render(request, issued.token, new_key=issued.key)
    if action == "revoke":
        if token_revoke(user=user):
            messages.success(request, _("Your token is revoked. Integrations that use it are refused from now on."))
        else:
            messages.info(request, _("You have no token: there was nothing to revoke."))
        return redirect("desk:api_token")
    return _render(request, token_of(user), error=_("Unknown action: nothing was changed."), status=400)

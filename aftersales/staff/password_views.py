"""The desk's "Forgot your password?" pages: Django's password reset views, for staff only.

``password_reset`` asks for the email address and always goes on to the same "check your
email" page, whether or not the address is a staff account's (aftersales/staff/password_forms.py
decides who gets a link). It is limited per address (``STAFF_PASSWORD_RESET_ADDRESS_RATE``: the
form is shown again with a 429) and per email address typed (``STAFF_PASSWORD_RESET_EMAIL_RATE``:
the answer stays the same, but no further email is sent, so nobody can flood a colleague's
mailbox). The confirm page accepts links of staff accounts only.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from aftersales.staff.password_forms import StaffPasswordResetForm, site_domain, site_uses_https, staff_accounts


def _typed_email(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the email address posted, as the account lookup compares it."""
    return request.POST.get("email", "").strip().casefold()[:254] or "no-email"


class StaffPasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    template_name = "desk/password_reset_form.html"
    subject_template_name = "emails/desk/password_reset.subject.txt"
    email_template_name = "emails/desk/password_reset.txt"
    success_url = reverse_lazy("desk:password_reset_done")

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_ratelimited(
            request,
            group="staff-password-reset-address",
            key="ip",
            rate=settings.STAFF_PASSWORD_RESET_ADDRESS_RATE,
            method="POST",
            increment=True,
        ):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("Too many password reset requests from here. Please try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: StaffPasswordResetForm) -> HttpResponse:
        email_limited = is_ratelimited(
            self.request,
            group="staff-password-reset-email",
            key=_typed_email,
            rate=settings.STAFF_PASSWORD_RESET_EMAIL_RATE,
            method="POST",
            increment=True,
        )
        if not email_limited:
            # The link's host comes from SITE_URL, never from the request's Host header.
            form.save(
                domain_override=site_domain(),
                use_https=site_uses_https(),
                subject_template_name=self.subject_template_name,
                email_template_name=self.email_template_name,
                from_email=self.from_email,
                request=self.request,
                token_generator=self.token_generator,
            )
        return HttpResponseRedirect(self.get_success_url())


class StaffPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "desk/password_reset_done.html"


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "desk/password_reset_confirm.html"
    success_url = reverse_lazy("desk:password_reset_complete")

    def get_user(self, uidb64: str) -> AbstractBaseUser | None:
        user = super().get_user(uidb64)
        if user is None or not staff_accounts().filter(pk=user.pk).exists():
            return None
        return user


class StaffPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "desk/password_reset_complete.html"

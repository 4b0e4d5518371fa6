"""The signed-in user of each request, for staff from the process's memo of users.

Every request of a signed-in user read its ``auth_user`` row again. Staff — users with a role —
are read from the memo of small tables instead (aftersales/table_memo.py), valid while no user,
group membership or provider membership has changed anywhere: a password change, a deactivation
or a new role is seen by the next request, as before. Customers' portal accounts are read from
the database each time, so thousands of them never crowd the staff out of the memo.

Passwords are still checked by Django's model backend alone; a sign-in it accepted is then
served by :class:`StaffMemoBackend` (:func:`serve_from_memo`, on ``user_logged_in``), and a
session signed in before keeps Django's backend until its next sign-in.
"""

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend

from aftersales import table_memo
from aftersales.roles import note_roles, roles_and_provider_by_id

# Backends that read a session's user as Django's model backend does (django-axes' extends it).
MODEL_BACKENDS = frozenset({"django.contrib.auth.backends.ModelBackend", "axes.backends.AxesStandaloneBackend"})
MEMO_BACKEND = "aftersales.auth_backends.StaffMemoBackend"


class StaffMemoBackend(ModelBackend):
    """Django's model backend for a session's user, from the memo for staff; it checks no
    password (Django's backend, before it in ``AUTHENTICATION_BACKENDS``, does)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None

    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        roles, provider = roles_and_provider_by_id(pk)
        if not roles:
            return super().get_user(pk)
        user = table_memo.rows(get_user_model(), [pk]).get(pk)
        if user is None or not self.user_can_authenticate(user):
            return None
        # Read together a moment ago: the request asks for them again at once.
        note_roles(user, roles, provider)
        return user


def serve_from_memo(sender, request, user, **kwargs) -> None:
    """A sign-in Django's model backend accepted is served from the memo from now on."""
    session = getattr(request, "session", None)
    if session is not None and session.get(BACKEND_SESSION_KEY) in MODEL_BACKENDS:
        session[BACKEND_SESSION_KEY] = MEMO_BACKEND

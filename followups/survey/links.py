"""The emailed after-service survey link: signed, expiring, single use (issue 5 point 6).

The link carries the callback visit's id, signed with the site's secret key (so it cannot be
guessed or altered) and the time it was made (so it expires). It is single use because the
answer settles the visit: a visit that is no longer due has its answer, whether it came
through the survey or an agent's call (docs/lifecycle.md#callbacks-close-the-case).
"""

import datetime as dt

from django.core import signing
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from followups.choices import CallbackResult, CallbackStatus, SurveyChannel
from followups.models import CallbackVisit

SALT = "aftersales.survey"
# The channels a link goes out on; a link made before links named theirs was emailed.
LINK_CHANNELS = (SurveyChannel.SMS, SurveyChannel.EMAIL)
# Long enough for a customer back from a trip; short enough that old emails stop working.
MAX_AGE = dt.timedelta(days=14)


class SurveyUnavailable(Exception):
    """The survey behind a link cannot be answered; ``message`` says why, to the customer."""

    message: Promise = _("This survey is closed. Thank you for your time.")

    def __str__(self) -> str:
        return str(self.message)


class SurveyLinkInvalid(SurveyUnavailable):
    message = _("This survey link is not valid. Please open it again from the email, with nothing missing.")


class SurveyLinkExpired(SurveyUnavailable):
    message = _("This survey link has expired. If something is still wrong, please track your request or call us.")


class SurveyAlreadyAnswered(SurveyUnavailable):
    message = _("This survey has already been answered. Thank you!")


class SurveyAnsweredOnPhone(SurveyAlreadyAnswered):
    """The customer gave their rating to an agent on the phone: they are not asked again."""

    message = _(
        "You already gave us your rating on the phone, so there is nothing more to fill in. Thank you for your time!"
    )


def survey_token(visit: CallbackVisit, channel: str = SurveyChannel.EMAIL) -> str:
    """The signed, timestamped token of ``visit``'s survey link sent by ``channel`` (SMS or
    email), which chooses the CSI program the link asks (docs/csi.md#programs)."""
    return signing.dumps({"visit": visit.pk, "channel": str(channel)}, salt=SALT)


def channel_for_token(token: str) -> str:
    """The channel a valid token's link was sent by; call after :func:`visit_for_token` accepted it."""
    payload = signing.loads(token, salt=SALT)
    channel = payload.get("channel") if isinstance(payload, dict) else None
    return channel if channel in LINK_CHANNELS else SurveyChannel.EMAIL


def visit_for_token(token: str, *, max_age: dt.timedelta = MAX_AGE) -> CallbackVisit:
    """The callback visit a survey token is for, with its ticket, customer and product loaded,
    when it may still be answered. Raises SurveyLinkInvalid (altered, cut or made for something
    else), SurveyLinkExpired (older than ``max_age``), SurveyAlreadyAnswered (the visit is done)
    or SurveyUnavailable (the visit was settled otherwise: customer unreachable, cancelled).
    A visit settled by an agent's call that reached the customer raises SurveyAnsweredOnPhone:
    the customer rated on the phone, and is thanked rather than told of a survey "already
    answered" they never saw."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise SurveyLinkExpired from exc
    except signing.BadSignature as exc:
        raise SurveyLinkInvalid from exc
    visit_id = payload.get("visit") if isinstance(payload, dict) else None
    if not isinstance(visit_id, int):
        raise SurveyLinkInvalid
    visit = (
        CallbackVisit.objects.select_related("ticket", "customer", "unit__model")
        .filter(pk=visit_id, ticket__isnull=False)
        .first()
    )
    if visit is None:
        raise SurveyLinkInvalid
    if visit.status == CallbackStatus.DONE:
        if visit.attempts.filter(result=CallbackResult.REACHED, by__isnull=False).exists():
            raise SurveyAnsweredOnPhone
        raise SurveyAlreadyAnswered
    if visit.status != CallbackStatus.DUE:
        raise SurveyUnavailable
    return visit

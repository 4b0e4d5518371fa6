"""The after-service survey customers answer through the link in the resolved email.

No account is needed: the signed link is the key (followups/survey/links.py). The answer is
recorded exactly like an agent's call that reached the customer, so a low rating or a
complaint reopens the case and opens a complaint (docs/lifecycle.md#callbacks-close-the-case). A link
that is wrong, expired or used gets a friendly page and nothing about the request.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from aftersales.errors import add_errors_to_form
from customers.referrals import invites_referrals
from followups.callbacks.services import record_attempt
from followups.choices import CallbackResult, RatingSource
from followups.csi.programs import program_for
from followups.csi.survey_views import program_survey
from followups.models import CallbackVisit
from followups.survey.forms import DETAIL_SCORE_FIELDS, SurveyForm
from followups.survey.links import (
    SurveyAnsweredOnPhone,
    SurveyLinkInvalid,
    SurveyUnavailable,
    channel_for_token,
    visit_for_token,
)

TOO_MANY = _("Too many attempts. Please wait a while and try again.")
# Generous for a household sharing one address; tight for anyone trying links in bulk.
SURVEY_POST_RATE = "20/h"


def _unavailable(request: HttpRequest, reason: SurveyUnavailable) -> HttpResponse:
    status = 404 if isinstance(reason, SurveyLinkInvalid) else 410
    context = {"message": reason.message, "answered_on_phone": isinstance(reason, SurveyAnsweredOnPhone)}
    return render(request, "followups/survey_unavailable.html", context, status=status)


def _form_page(request: HttpRequest, visit: CallbackVisit, form: SurveyForm, status: int = 200) -> HttpResponse:
    unit = visit.unit or visit.ticket.unit
    context = {
        "visit": visit,
        "ticket": visit.ticket,
        "product": unit.model.display_name if unit else "",
        "form": form,
        "detail_fields": [form[name] for name in DETAIL_SCORE_FIELDS],
    }
    return render(request, "followups/survey.html", context, status=status)


def _taken(request: HttpRequest, token: str) -> HttpResponse | None:
    """The page of a link whose visit was settled since it was opened; None while it is still due."""
    try:
        visit_for_token(token)
    except SurveyUnavailable as reason:
        return _unavailable(request, reason)
    return None


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group="survey-ip", key="ip", rate=SURVEY_POST_RATE, method="POST", block=False)
def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        visit = visit_for_token(token)
    except SurveyUnavailable as reason:
        return _unavailable(request, reason)
    channel = channel_for_token(token)
    program = program_for(visit.ticket.kind, channel)
    if program is not None:
        # A CSI program for this ticket's kind and the link's channel asks its own questions.
        return program_survey(
            request, visit, program, channel=channel, too_many=TOO_MANY, on_taken=lambda: _taken(request, token)
        )
    if request.method != "POST":
        return _form_page(request, visit, SurveyForm())
    form = SurveyForm(request.POST)
    if getattr(request, "limited", False):
        form.add_error(None, TOO_MANY)
        return _form_page(request, visit, form, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit = record_attempt(
                visit=visit,
                result=CallbackResult.REACHED,
                by=None,
                scores=form.scores(),
                comment=data["comment"],
                raised_complaint=data["raised_complaint"],
                source=RatingSource.SURVEY,
                customer=visit.customer,
            )
        except ValidationError as exc:
            # Answered a moment ago (a second tab, or an agent's call): say so, not a form error.
            try:
                visit_for_token(token)
            except SurveyUnavailable as reason:
                return _unavailable(request, reason)
            add_errors_to_form(form, exc)
        else:
            # A satisfied customer is shown their referral code to give friends; a low rating never.
            invite = invites_referrals(score=visit.score_overall, raised_complaint=visit.raised_complaint)
            context = {
                "visit": visit,
                "ticket": visit.ticket,
                "referral_code": visit.customer.referral_code if invite else "",
            }
            return render(request, "followups/survey_thanks.html", context)
    return _form_page(request, visit, form, status=400)

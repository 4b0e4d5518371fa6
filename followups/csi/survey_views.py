"""The survey link's page when a CSI program applies: the program's questions, in the customer's
language, phone-sized (docs/csi.md#recording). Called by followups.survey.views.survey once the
link was checked (signed, not expired, visit still due); the answer goes through the one write
path of program answers, which settles the visit as the fixed survey does."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from aftersales.errors import add_errors_to_form
from followups.csi.forms import ProgramSurveyForm
from followups.csi.services import survey_response_record
from followups.csi_models import SurveyProgram
from followups.models import CallbackVisit


def _page(request: HttpRequest, visit: CallbackVisit, program: SurveyProgram, form, status: int = 200):
    unit = visit.unit or visit.ticket.unit
    context = {
        "visit": visit,
        "ticket": visit.ticket,
        "program": program,
        "product": unit.model.display_name if unit else "",
        "form": form,
    }
    return render(request, "followups/csi/survey.html", context, status=status)


def program_survey(
    request: HttpRequest,
    visit: CallbackVisit,
    program: SurveyProgram,
    *,
    channel: str,
    too_many: str,
    on_taken,
) -> HttpResponse:
    """GET: the questions; POST: record them. ``on_taken`` answers a visit settled a moment ago
    (another tab, an agent's call) with the page the link gives now."""
    language = visit.customer.preferred_language
    with translation.override(language):
        form = ProgramSurveyForm(
            request.POST if request.method == "POST" else None, questions=program.ordered_questions, language=language
        )
        if request.method != "POST":
            return _page(request, visit, program, form)
        if getattr(request, "limited", False):
            form.add_error(None, too_many)
            return _page(request, visit, program, form, status=429)
        if form.is_valid():
            try:
                survey_response_record(
                    visit=visit,
                    program=program,
                    channel=channel,
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                    raised_complaint=form.cleaned_data["raised_complaint"],
                    customer=visit.customer,
                )
            except ValidationError as exc:
                taken = on_taken()
                if taken is not None:
                    return taken
                add_errors_to_form(form, exc)
            else:
                return render(request, "followups/survey_thanks.html", {"visit": visit, "ticket": visit.ticket})
        return _page(request, visit, program, form, status=400)

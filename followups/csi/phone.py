"""The CSI program as the agent's script on the phone callback (docs/csi.md#recording): when a
program applies to the ticket's kind on the phone, the call page asks its questions instead of
the four fixed scores, and a reached call records them through the program's write path with
``channel=phone`` and the agent as ``answered_by``."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

from aftersales.errors import add_errors_to_form
from followups.choices import CallbackStatus, SurveyChannel
from followups.csi.forms import ProgramAnswersForm
from followups.csi.programs import program_for
from followups.csi.services import survey_response_record
from followups.models import CallbackVisit

PREFIX = "csi"


def phone_script(visit: CallbackVisit, data=None) -> ProgramAnswersForm | None:
    """The program's questions for a call still to make about a ticket, in the agent's language;
    None when no program applies (the four fixed scores are asked)."""
    if visit.ticket is None or visit.status != CallbackStatus.DUE:
        return None
    program = program_for(visit.ticket.kind, SurveyChannel.PHONE)
    if program is None:
        return None
    form = ProgramAnswersForm(
        data, questions=program.ordered_questions, language=translation.get_language(), prefix=PREFIX
    )
    form.program = program
    return form


def scripted_call(
    request: HttpRequest,
    visit: CallbackVisit,
    form,
    script: ProgramAnswersForm,
    *,
    render_call: Callable[..., HttpResponse],
    outcome: Callable[[CallbackVisit, str, str | None], str],
) -> HttpResponse:
    """A reached call whose answers follow the program: the call form (comment, complaint and
    its class, note) and the script's answers are both checked, then recorded together."""
    form_valid, script_valid = form.is_valid(), script.is_valid()
    if form_valid and script_valid:
        data = form.cleaned_data
        status_before = visit.ticket.status
        try:
            response = survey_response_record(
                visit=visit,
                program=script.program,
                channel=SurveyChannel.PHONE,
                answers=script.answers(),
                comment=data["comment"],
                raised_complaint=data["raised_complaint"],
                by=request.user,
                note=data["note"],
                complaint_class=form.complaint_class_chosen(),
            )
        except ValidationError as exc:
            for key, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                # An answer's error on its question; the call's (result, complaint) on the call form.
                target = script if key in script.fields else form
                add_errors_to_form(target, ValidationError({key: errors}) if key else ValidationError(errors))
        else:
            messages.success(request, outcome(response.visit, data["result"], status_before))
            return redirect("followups:queue")
    return render_call(request, visit, form, status=400, script=script)

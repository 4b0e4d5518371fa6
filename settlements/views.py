"""The desk's statements: the list at ``/desk/settlement/``, a statement's page with its totals,
its lines fifty at a time (with their flags and, for headquarters, a decision form each), the
moves its status allows and its history; and its CSV and XLSX exports
(docs/settlement-statements.md).

Managers and administrators only: headquarters' see every provider's statements, a provider's
its own (the models' scoped managers); another provider's statement is a 404, as a missing one.
The services in settlements/statements.py decide and write; their errors come back on the
form's fields, on the page re-rendered with a 400.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.access import manager_required
from aftersales.replicas.marks import replica_reads
from settlements import checks, exports, selectors, statements, workflow
from settlements.choices import FlagCode
from settlements.forms import (
    LineDecisionForm,
    LineFilterForm,
    PayForm,
    ReturnForm,
    StatementFilterForm,
    VersionForm,
)
from settlements.models import SettlementLine, Statement
from settlements.workflow import Move

FLAG_LABELS = dict(FlagCode.choices)
MOVE_FORMS = {Move.RETURN: ReturnForm, Move.PAY: PayForm}
SERVICES = {
    Move.SUBMIT: statements.statement_submit,
    Move.START_REVIEW: statements.statement_start_review,
    Move.RETURN: statements.statement_return,
    Move.APPROVE: statements.statement_approve,
    Move.PAY: statements.statement_mark_paid,
}
DONE = {
    Move.SUBMIT: gettext_lazy("The statement was submitted to headquarters."),
    Move.START_REVIEW: gettext_lazy("The review has started."),
    Move.RETURN: gettext_lazy("The statement was returned to the provider."),
    Move.APPROVE: gettext_lazy("The statement was approved."),
    Move.PAY: gettext_lazy("The payment was recorded."),
}


@replica_reads
@manager_required
@require_GET
def statement_list(request: HttpRequest) -> HttpResponse:
    filters = StatementFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    provider = chosen.get("provider")
    rows = selectors.statement_list(
        month=chosen.get("month"), status=chosen.get("status") or "", provider=provider.pk if provider else None
    )
    return render(
        request,
        "settlements/statement_list.html",
        {
            "nav": "settlement",
            "filters": filters,
            "statements": rows[:200],
            "headquarters": statements.is_headquarters_manager(request.user),
        },
    )


def _move_forms(statement: Statement, side, bound: dict | None = None) -> list[dict]:
    """The moves the user may make now, each with its form (the bound one after an error)."""
    found = []
    for step in workflow.moves_for(statement.status, side):
        form = (bound or {}).get(step.move) or MOVE_FORMS.get(step.move, VersionForm)(
            initial={"version": statement.version}, prefix=step.move
        )
        found.append({"step": step, "form": form})
    return found


def _page(request: HttpRequest, statement: Statement, *, bound_moves=None, bound_line=None, status=200):
    side = statements.side_of(request.user, statement)
    line_filters = LineFilterForm(request.GET)
    chosen = line_filters.cleaned_data if line_filters.is_valid() else {}
    flagged = {"yes": True, "no": False}.get(chosen.get("flagged") or "")
    rows = selectors.statement_lines(statement, flagged=flagged, decision=chosen.get("decision") or "")
    page = selectors.line_page(rows, chosen.get("page") or 1)
    deciding = side == workflow.Side.HEADQUARTERS and statement.status == workflow.DECIDING
    for line in page.lines:
        line.flag_list = [
            {
                "code": flag.get("code", ""),
                "label": FLAG_LABELS.get(flag.get("code"), flag.get("code", "")),
                "detail": checks.describe(flag),
            }
            for flag in line.flags or []
        ]
        line.pays = workflow.line_payable(
            decision=line.decision, claimed=line.claimed, approved_amount=line.approved_amount
        )
        if deciding:
            if bound_line is not None and bound_line.prefix == f"line-{line.pk}":
                line.form = bound_line
            else:
                line.form = LineDecisionForm(
                    prefix=f"line-{line.pk}",
                    initial={
                        "version": statement.version,
                        "decision": line.decision if line.decision != "pending" else "approved",
                        "amount": line.approved_amount,
                        "reason": line.decision_reason,
                    },
                )
    history = list(selectors.statement_history(statement))
    for event in history:
        event.label = statements.ACTION_LABELS.get(event.action, event.action)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "settlements/statement.html",
        {
            "nav": "settlement",
            "statement": statement,
            "totals": selectors.statement_totals(statement),
            "page": page,
            "line_filters": line_filters,
            "query": query.urlencode(),
            "here": request.GET.urlencode(),
            "moves": _move_forms(statement, side, bound_moves),
            "deciding": deciding,
            "history": history,
        },
        status=status,
    )


@manager_required
@require_GET
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.statement_for(request.user, pk))


def _field_errors(form, exc: ValidationError) -> None:
    """A service's errors onto the form's fields (those it has no field for, onto the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@manager_required
@require_POST
def statement_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    statement = selectors.statement_for(request.user, pk)
    try:
        move = Move(move)
    except ValueError as exc:
        raise Http404(move) from exc
    form = MOVE_FORMS.get(move, VersionForm)(request.POST, prefix=move)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            SERVICES[move](statement=statement, by=request.user, expected_version=version, **data)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, DONE[move])
            return redirect("settlements:statement", pk=statement.pk)
    statement.refresh_from_db()
    return _page(request, statement, bound_moves={move: form}, status=400)


def _back(request: HttpRequest, statement: Statement) -> HttpResponse:
    """Back to the statement's page as it was filtered and paged (the form posts to a URL with
    the page's query string, so an error re-renders the same page too)."""
    query = request.GET.urlencode()
    url = reverse("settlements:statement", args=[statement.pk])
    return redirect(url + (f"?{query}" if query else ""))


@manager_required
@require_POST
def line_decide(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    statement = selectors.statement_for(request.user, pk)
    line = SettlementLine.objects.filter(pk=line_pk, statement=statement).first()
    if line is None:
        raise Http404(line_pk)
    form = LineDecisionForm(request.POST, prefix=f"line-{line.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            statements.line_decide(
                line=line,
                decision=data["decision"],
                # The page keeps the amount field filled in; it counts only for an adjustment.
                amount=data["amount"] if data["decision"] == "adjusted" else None,
                reason=data["reason"],
                expected_version=data["version"],
                by=request.user,
            )
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("Line %(ticket)s decided.") % {"ticket": line.ticket.reference})
            return _back(request, statement)
    statement.refresh_from_db()
    return _page(request, statement, bound_line=form, status=400)


@replica_reads
@manager_required
@require_GET
def statement_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404(fmt)
    return exports.response(selectors.statement_for(request.user, pk), fmt)

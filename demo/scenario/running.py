"""The demo's plans run through the services, each step dated at its moment: logging, the
lifecycle's moves, the resolution and the after-service callback; then the departments'
answers to the quality feedback the repairs opened."""

import datetime as dt
import random
from collections.abc import Callable

from customers.models import Language
from customers.selectors import policy_in_force
from customers.warranty_periods import add_months
from demo.data.texts import FEEDBACK_ANSWERS, NOTES, RESOLUTIONS, WORK
from demo.scenario.network import dispatch_to_provider
from demo.scenario.plans import LEAD, Plan, say
from demo.scenario.setting import DemoWorld
from followups.callbacks.services import record_attempt
from followups.choices import CallbackKind, CallbackResult, CallbackStatus, QuestionKind, SurveyChannel
from followups.csi.programs import program_for
from followups.csi.services import survey_response_record
from followups.feedback.services import feedback_acknowledge, feedback_answer, may_work_on
from followups.models import FeedbackItem, FeedbackStatus
from tickets.choices import Channel, FaultGroup, Kind, Status
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_assign, ticket_create, ticket_record_resolution, ticket_transition

# Where the departments are with their feedback items, in turn, oldest item first: for items
# whose 7 days to acknowledge are over (an open one is overdue), and for the recent ones.
FEEDBACK_PLAN = {
    True: (
        FeedbackStatus.ANSWERED,
        FeedbackStatus.ANSWERED,
        FeedbackStatus.OPEN,
        FeedbackStatus.ANSWERED,
        FeedbackStatus.ACKNOWLEDGED,
        FeedbackStatus.ANSWERED,
    ),
    False: (FeedbackStatus.OPEN, FeedbackStatus.ACKNOWLEDGED, FeedbackStatus.ANSWERED, FeedbackStatus.OPEN),
}


def run_plan(world: DemoWorld, plan: Plan) -> None:
    """Log the plan's ticket and take every step, each at its moment."""

    def log() -> None:
        plan.ticket = ticket_create(
            customer=plan.customer,
            kind=plan.kind,
            channel=plan.channel,
            description=plan.description,
            unit=plan.unit,
            fault_category=plan.fault,
            priority=plan.priority,
            # A web request comes from the customer; every other channel is logged by an agent.
            by=None if plan.channel == Channel.WEB else plan.agent,
            now=plan.created,
        )

    stamped(plan.created, log)
    for name, when in plan.steps:
        stamped(when, lambda name=name, when=when: _step(world, plan, name, when))
    last = plan.steps[-1][1] if plan.steps else plan.created
    Ticket.objects.filter(pk=plan.ticket.pk).update(updated_at=last)


def stamped(when: dt.datetime, action: Callable[[], object]) -> None:
    """Run ``action`` and date the timeline events it appended at ``when``."""
    mark = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    action()
    TicketEvent.objects.filter(pk__gt=mark).update(created_at=when)


def _step(world: DemoWorld, plan: Plan, name: str, when: dt.datetime) -> None:
    rng, ticket = world.rng, plan.ticket
    if name == "assign":
        # A provider's station: the provider's own technician does the job.
        if plan.station.provider_id in world.provider_technicians:
            plan.technician = world.provider_technicians[plan.station.provider_id]
            ticket = dispatch_to_provider(ticket, plan.station, when)
        plan.ticket = ticket_assign(ticket=ticket, station=plan.station, assignee=plan.technician, by=plan.agent)
    elif name == "resolution":
        by = plan.technician if ticket.assignee_id else plan.agent
        plan.ticket = ticket_record_resolution(ticket=ticket, by=by, **_resolution(world, plan, when))
    elif name in ("resolve", "hold", "resume"):
        by = plan.technician if ticket.assignee_id and ticket.status != Status.ACKNOWLEDGED else plan.agent
        note = say(plan, rng.choice(NOTES["hold"])) if name == "hold" else ""
        plan.ticket = ticket_transition(ticket=ticket, move=name, by=by, note=note, now=when)
    elif name in ("cancel", "reopen"):
        note = say(plan, rng.choice(NOTES[name]))
        by = world.users["manager"] if name == "reopen" and rng.random() < 0.3 else plan.agent
        plan.ticket = ticket_transition(ticket=ticket, move=name, by=by, note=note, now=when)
    elif name == "merge":
        original = plan.duplicate_of.ticket
        note = say(plan, NOTES["merge"][0]).format(reference=original.reference)
        plan.ticket = ticket_transition(
            ticket=ticket, move="merge", by=plan.agent, merge_into=original, note=note, now=when
        )
    elif name == "verify":
        # The after-service callback comes first (no-leak 3): a satisfied customer.
        for visit in ticket.callbacks.filter(kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE):
            score = rng.choice((4, 5, 5))
            script = program_for(ticket.kind, SurveyChannel.PHONE)
            if script is not None:
                # The survey's questions are the agent's script: each contact point answered.
                survey_response_record(
                    visit=visit,
                    program=script,
                    channel=SurveyChannel.PHONE,
                    # A random source of its own: the story's draws stay what they were.
                    answers=_survey_answers(random.Random(visit.pk), script, score),
                    by=plan.agent,
                    at=when,
                )
                continue
            record_attempt(
                visit=visit,
                result=CallbackResult.REACHED,
                by=plan.agent,
                scores={"score_overall": score, "score_attitude": score, "score_quality": score},
                at=when,
            )
        note = say(plan, rng.choice(NOTES["verify"]))
        plan.ticket = ticket_transition(ticket=ticket, move="verify", by=plan.agent, note=note, now=when)
    else:
        by = plan.technician if name == "start" else plan.agent
        plan.ticket = ticket_transition(ticket=ticket, move=name, by=by, now=when)


def _survey_answers(rng, program, overall: int) -> dict[int, object]:
    """A satisfied customer's answers, now and then a point lower on one contact point."""
    answers: dict[int, object] = {}
    for question in program.ordered_questions:
        if question.kind == QuestionKind.SCALE:
            answers[question.pk] = (
                overall if question.contact_point == "overall" else rng.choice((overall, overall, 3, 4, 5))
            )
        elif question.kind == QuestionKind.CHOICE:
            answers[question.pk] = rng.choice([option["value"] for option in question.options])
    return answers


def _resolution(world: DemoWorld, plan: Plan, when: dt.datetime) -> dict:
    """What the technician records: for a product fault the fault code, component and cause, free
    inside the unit's warranty or a main component's own period."""
    rng = world.rng
    if plan.kind == Kind.REPAIR or (plan.kind == Kind.COMPLAINT and plan.fault.group == FaultGroup.PRODUCT):
        code, component, cause, work, parts, fee = rng.choice(RESOLUTIONS[plan.fault.code])
        in_warranty = plan.unit.warranty_end is not None and plan.unit.warranty_end >= when.date()
        main = component in (plan.unit.model.main_components or [])
        start = plan.unit.warranty_start
        policy = policy_in_force(plan.unit.model.category_id, start)
        main_end = add_months(start, policy.main_component_months) if start and policy else None
        # Free inside the whole-unit period, or for a main component inside its own period.
        free = in_warranty or (main and main_end is not None and main_end >= when.date())
        return {
            "work_done": say(plan, work),
            "fault_code": code,
            "fault_component": component,
            "root_cause": say(plan, cause),
            "parts_used": say(plan, parts),
            "charge": "0" if free else str(fee),
        }
    key = plan.fault.code if plan.kind == Kind.COMPLAINT else plan.kind
    return {"work_done": say(plan, rng.choice(WORK[key])), "charge": "0"}


def answer_feedback(world: DemoWorld) -> tuple[int, int]:
    """The departments' side of no-leak 4: the repairs resolved with a quality fault code
    opened feedback items on the way; most are acknowledged or answered, some are still
    open, a few of them past their 7 days. Returns (items, overdue items)."""
    rng, now = world.rng, world.now
    quality, manager = world.users["quality"], world.users["manager"]
    latest = now - LEAD
    turns = {True: 0, False: 0}
    for item in FeedbackItem.objects.select_related("ticket__customer").order_by("created_at", "pk"):
        by = quality if may_work_on(quality, item.department) else manager
        past_due = item.acknowledge_due < now
        plan = FEEDBACK_PLAN[past_due]
        status = plan[turns[past_due] % len(plan)]
        turns[past_due] += 1
        acknowledged = min(item.created_at + dt.timedelta(minutes=rng.randint(90, 5 * 1440)), latest)
        if status == FeedbackStatus.OPEN or acknowledged <= item.created_at:
            continue
        stamped(acknowledged, lambda i=item, w=acknowledged, b=by: feedback_acknowledge(item=i, by=b, now=w))
        answered = min(acknowledged + dt.timedelta(minutes=rng.randint(240, 8 * 1440)), latest)
        if status == FeedbackStatus.ACKNOWLEDGED or answered <= acknowledged:
            continue
        english = item.ticket.customer.preferred_language == Language.ENGLISH
        cause, action = (text[0 if english else 1] for text in rng.choice(FEEDBACK_ANSWERS[item.department]))
        stamped(
            answered,
            lambda i=item, w=answered, b=by, c=cause, a=action: feedback_answer(
                item=i, by=b, cause=c, corrective_action=a, now=w
            ),
        )
    open_items = FeedbackItem.objects.filter(status=FeedbackStatus.OPEN)
    return FeedbackItem.objects.count(), open_items.filter(acknowledge_due__lt=now).count()

"""The Celery beat schedule: every periodic task of the product, declared once, each with why it
runs when it does.

Wired as ``CELERY_BEAT_SCHEDULE`` (aftersales/settings/storage.py). Beat runs django-celery-beat's
``DatabaseScheduler``, which at start writes each entry into its table by name: an entry whose
row exists is updated to what is declared here (task, schedule, arguments), a missing one is
created. The names are those the entries were first stored under (by data migrations of the
tickets, notifications and followups apps), so their rows are updated, never duplicated. An entry
switched off in the admin stays off; any other change made there lasts until beat starts again:
change the schedule here. tests/test_beat_schedule.py checks that every task that needs no
argument has an entry, and that every entry runs a registered task.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django_celery_beat.tzcrontab import TzAwareCrontab


def beat_schedule(time_zone: str) -> dict[str, dict]:
    """The schedule, its daily times in the business time zone ``time_zone`` (``TIME_ZONE``)."""
    business_time = ZoneInfo(time_zone)

    def at(hour: str, minute: str) -> TzAwareCrontab:
        # In business time: the night is quiet, and the calls are in the morning's queue.
        return TzAwareCrontab(minute=minute, hour=hour, tz=business_time)

    return {
        # --- sweeps: what a broker or a worker that was down left undone --------------------------
        # No-leak 2: a missed deadline is flagged within minutes, not when someone looks.
        "Flag missed SLA deadlines": {
            "task": "tickets.sla_sweep_task",
            "schedule": dt.timedelta(minutes=5),
        },
        # No-leak 2 for the service network: a job a provider has not accepted in its business
        # hours goes back to headquarters, escalated, within minutes of its deadline.
        "Return provider offers not accepted in time": {
            "task": "tickets.expire_provider_offers_task",
            "schedule": dt.timedelta(minutes=5),
        },
        # A message queued while the broker, the mail server or the SMS vendor was down stays in
        # the outbox; this sends it within a minute or two of them being back.
        "Send waiting messages": {
            "task": "notifications.outbox_sweep_task",
            "schedule": dt.timedelta(minutes=1),
        },
        # A delivery written while the broker was down, or whose retry was lost with a worker,
        # stays pending; this sends it within minutes of things being back (docs/architecture.md#celery-tasks-and-the-beat-schedule).
        "Send waiting webhook deliveries": {
            "task": "tickets.webhook_sweep_task",
            "schedule": dt.timedelta(minutes=2),
        },
        # A recall's tickets are opened by a task queued when it starts; if the broker was down
        # then, or a worker died, this picks the campaign up again within minutes.
        "Open the tickets of recalls left unfinished": {
            "task": "followups.recall_sweep_task",
            "schedule": dt.timedelta(minutes=10),
        },
        # --- follow-up calls, daily ------------------------------------------------------------
        # Every unit in use is called two weeks before its maintenance is due, at its model's
        # interval (docs/lifecycle.md#callbacks-close-the-case). Daily, so every maintenance date passes through the window.
        "Schedule maintenance callbacks": {
            "task": "followups.maintenance_callbacks_task",
            "schedule": at("2", "0"),
        },
        # Every customer is offered an extended warranty in the last 30 days of their warranty.
        # A quarter of an hour later, so the two runs do not compete for the database.
        "Schedule warranty-expiry callbacks": {
            "task": "followups.warranty_expiry_callbacks_task",
            "schedule": at("2", "15"),
        },
        # A maintenance plan's included visit is booked two weeks ahead, by date or (cars) as soon
        # as a reading passes its distance; after the maintenance run, whose units it leaves out.
        "Schedule maintenance-plan visit callbacks": {
            "task": "followups.plan_visit_callbacks_task",
            "schedule": at("2", "20"),
        },
        # A contract's renewal is offered in its last 30 days, to customers who take offers.
        "Schedule contract renewal callbacks": {
            "task": "followups.contract_renewal_callbacks_task",
            "schedule": at("2", "25"),
        },
        # --- quality figures -------------------------------------------------------------------
        # Today and yesterday, every hour: the dashboard is never more than an hour behind.
        "Refresh today's quality rates": {
            "task": "followups.quality_snapshot_task",
            "schedule": at("*", "5"),
            "kwargs": {"days": 2},
        },
        # The recent days whose callback, feedback and first-time-fix windows are still closing.
        # 0 days means QUALITY_RECOMPUTE_DAYS.
        "Recompute the quality rates of recent days": {
            "task": "followups.quality_snapshot_task",
            "schedule": at("1", "30"),
            "kwargs": {"days": 0},
        },
        # Once a day: a batch's failure rate moves over weeks, not hours, and the managers find the
        # alert in the morning. After the nightly jobs, so they do not compete.
        "Check production batches for early warnings": {
            "task": "followups.batch_warning_task",
            "schedule": at("2", "45"),
        },
        # --- spare parts ------------------------------------------------------------------------
        # A part replaced under warranty must go back to the maker by its due date; a return not
        # shipped is flagged and its station alerted once. Daily, in the morning's queue: the
        # due dates are days, and the station ships during its working day.
        "Flag overdue old-part returns": {
            "task": "parts.flag_overdue_returns_task",
            "schedule": at("7", "30"),
        },
        # --- sales from service -----------------------------------------------------------------
        # Units past their design life and consumables due by time or distance become leads
        # without waiting for a service visit (docs/sales.md#the-rules). Daily, before the
        # sales staff's morning; after the follow-up runs so they do not compete.
        "Find leads from units and consumables": {
            "task": "sales.lead_sweep_task",
            "schedule": at("3", "45"),
        },
        # --- retention --------------------------------------------------------------------------
        # Finished messages and webhook deliveries past OUTBOX_RETENTION_DAYS / WEBHOOK_RETENTION_DAYS
        # go, in small batches (docs/deployment.md#21-table-growth-and-retention); the timelines stay.
        # Nightly in business time, when few messages are written, and after the last night job
        # (leads at 03:45) so its deletes do not compete with their reads; done before the morning.
        "Prune finished messages and webhook deliveries": {
            "task": "notifications.prune_history_task",
            "schedule": at("4", "30"),
        },
        # --- warranty settlement ----------------------------------------------------------------
        # Daily, at night: the month's claims missing a line are made and every draft statement's
        # checks run again (a callback done, an old part received), so a provider's draft is never
        # more than a day behind when it is submitted.
        "Build this month's settlement statements": {
            "task": "settlements.build_statements_task",
            "schedule": at("3", "15"),
        },
    }

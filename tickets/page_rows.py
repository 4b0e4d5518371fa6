"""Which of a ticket's related tables hold any of its rows, asked in one query for its page.

Most tickets have no claim, part, field visit, service report, callback, rating or file, yet each
card of the ticket page used to ask its table, a query each. The apps register the tables their
cards read (:func:`register`, from ``AppConfig.ready()``, by model: tickets never imports them);
tables of the ticket's unit (its service contracts) are registered ``of="unit"``. The ticket page
asks them all at once (:func:`note_present`), and a card skips its query where the
answer is no (:func:`may_have`). A ticket nobody asked about (a task, a service, another page)
reads every table as before, so nothing depends on the question having been asked.

The answer is as fresh as the page: it is asked in the request that shows it, never kept.
"""

from django.db import connections, models, router

from tickets.models import Ticket

# name -> (model, column holding the ticket's or its unit's id, "ticket" or "unit")
TABLES: dict[str, tuple[type[models.Model], str, str]] = {}
OWNERS = ("ticket", "unit")
PRESENT = "_related_rows_present"


def register(name: str, model: type[models.Model], field: str = "ticket", *, of: str = "ticket") -> None:
    """``model``'s rows whose ``field`` is the ticket (``of="unit"``: the ticket's unit) show on
    its page under ``name``."""
    if of not in OWNERS:
        raise ValueError(f"of: one of {', '.join(OWNERS)}")
    entry = (model, model._meta.get_field(field).column, of)
    if TABLES.get(name, entry) != entry:
        raise ValueError(f"{name} is registered for another table")
    TABLES[name] = entry


def note_present(ticket: Ticket) -> None:
    """Ask, in one query, which registered tables hold rows of ``ticket``, and note it on it."""
    if not TABLES:
        setattr(ticket, PRESENT, frozenset())
        return
    connection = connections[router.db_for_read(Ticket, instance=ticket)]
    quote = connection.ops.quote_name
    names = list(TABLES)
    checks = ", ".join(
        f"EXISTS (SELECT 1 FROM {quote(TABLES[name][0]._meta.db_table)} WHERE {quote(TABLES[name][1])} = %s)"
        for name in names
    )
    # A ticket without a unit: "= NULL" holds for no row.
    owner_ids = {"ticket": ticket.pk, "unit": ticket.unit_id}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {checks}", [owner_ids[TABLES[name][2]] for name in names])
        answers = cursor.fetchone()
    setattr(ticket, PRESENT, frozenset(name for name, present in zip(names, answers, strict=True) if present))


def may_have(ticket: Ticket, name: str) -> bool:
    """False only when the page asked and ``ticket`` has no row under ``name``."""
    present = getattr(ticket, PRESENT, None)
    return present is None or name in present

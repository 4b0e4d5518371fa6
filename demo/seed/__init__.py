"""``manage.py seed``: large volumes of realistic rows, fast, for benchmarks and load tests.

Unlike ``demo`` this bypasses the services and writes rows in bulk, so it keeps their
invariants itself: phones are unique and in E.164 form by construction, serials are unique per
model, warranty dates come from the category policy (customers.warranty_periods), SLA deadlines from
tickets.sla.clocks, every ticket's timestamps fit its status, a merged duplicate points at the ticket
it was merged into, every repair resolved with a quality fault code has its feedback item for
the code's department, and references continue the year's TicketSequence, which is advanced
before any ticket is written, so tickets logged at the desk meanwhile or afterwards never
collide. It runs on top of existing data (the demo's catalogue, stations and staff are reused)
and creates a minimal catalogue when there is none.

Every row is built as a tuple, with the ids other rows refer to taken from the tables' own
sequences beforehand, and then written by one of two writers (demo/seed/writers.py): ``COPY`` on
PostgreSQL, ``bulk_create`` elsewhere or with ``--writer insert``. Both store the same rows.
Each step (customers; units; tickets with their "created" events and feedback items; callbacks
with their attempts and ratings) is one transaction. On PostgreSQL the steps commit
asynchronously, a step that writes at least ``--rebuild-indexes-at`` rows (and at least half as
many as its main table holds) drops its tables' secondary indexes and builds them again at the
end, and the planner statistics of every table filled are refreshed (ANALYZE) before the
command ends.
"""

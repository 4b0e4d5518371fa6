"""``manage.py demo``: a small data set that shows the product at work.

Everything goes through the services, so every ticket has a real timeline: it is logged with
``ticket_create`` at a moment in the last 60 days and then moved through the lifecycle with
``ticket_assign``, ``ticket_record_resolution`` and ``ticket_transition``. Only the automatic
timestamps (a timeline event's ``created_at``, a ticket's ``updated_at``, when a customer or a
unit was registered) are set back afterwards, so each reads at the moment it happened. Random
choices come from a fixed seed: two fresh databases get the same data.

The story in order (demo/scenario/load.py): the setting (catalogue, stations, staff), the
customers and their products, the tickets planned and run through the services, the
departments' answers to their feedback, the batch warning and its recall, the quality
snapshots; then the logins are printed.
"""

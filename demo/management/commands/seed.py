"""``manage.py seed``: large volumes of realistic rows, fast, for benchmarks and load tests
(demo/seed/)."""

import argparse

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.seed.load import seed
from demo.seed.run import REBUILD_INDEXES_AT


class Command(BaseCommand):
    help = "Generate large volumes of customers, units and tickets with bulk writes (benchmarks, load tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=0, help="customers to create")
        parser.add_argument("--units", type=int, default=0, help="product units to create")
        parser.add_argument("--tickets", type=int, default=0, help="tickets to create")
        parser.add_argument(
            "--events",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="write each ticket's 'created' timeline event (default: yes)",
        )
        parser.add_argument(
            "--callbacks",
            type=int,
            default=0,
            help="after-service callbacks (with attempts and ratings) to create for completed service tickets",
        )
        parser.add_argument("--batch", type=int, default=5000, help="rows per INSERT, and per batch of generated rows")
        parser.add_argument("--days", type=int, default=730, help="spread tickets over this many past days")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument(
            "--writer",
            choices=("auto", "copy", "insert"),
            default="auto",
            help="write with COPY (PostgreSQL only) or bulk INSERTs; auto: COPY on PostgreSQL (default)",
        )
        parser.add_argument(
            "--rebuild-indexes-at",
            type=int,
            default=REBUILD_INDEXES_AT,
            metavar="ROWS",
            help="PostgreSQL: a step writing at least this many rows, and at least half as many as its table"
            " holds, drops the tables' secondary indexes and builds them again at the end, and checks their"
            f" foreign keys once instead of row by row (default {REBUILD_INDEXES_AT:,})",
        )

    def handle(self, *args, **options) -> None:
        if (
            min(options["customers"], options["units"], options["tickets"], options["callbacks"]) < 0
            or options["batch"] < 1
        ):
            raise CommandError("Counts cannot be negative and --batch must be positive.")
        if options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        seed(
            customers=options["customers"],
            units=options["units"],
            tickets=options["tickets"],
            events=options["events"],
            callbacks=options["callbacks"],
            batch=options["batch"],
            days=options["days"],
            seed=options["seed"],
            writer=options["writer"],
            rebuild_indexes_at=options["rebuild_indexes_at"],
            out=self.stdout,
            style=self.style,
        )

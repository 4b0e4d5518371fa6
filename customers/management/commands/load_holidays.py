"""Load China's statutory holidays and make-up working days (调休上班) into the national calendar.

The days come from the installed chinese-calendar package, which follows the State Council's
yearly notices. Without ``--year`` every year the package knows is loaded; running it again only
adds what is missing and corrects days whose kind changed, and days an administrator added are
kept. When a notice comes out before a new package, add the year in the admin instead.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from customers.calendar_services import national_days_load, package_years


class Command(BaseCommand):
    help = "Load the statutory holidays and make-up working days of one or more years from chinese-calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="A year to load (repeat for several); every year the package knows when left out.",
        )

    def handle(self, *args, years: list[int] | None = None, **options) -> None:
        try:
            loaded = national_days_load(years=years or package_years())
        except ValueError as error:
            raise CommandError(str(error)) from error
        for year in loaded:
            self.stdout.write(
                f"{year.year}: {year.created} added, {year.corrected} corrected, {year.unchanged} already right"
                + (f", {year.kept} not in the package kept" if year.kept else "")
            )

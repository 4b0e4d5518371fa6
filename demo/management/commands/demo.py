"""``manage.py demo``: a small data set that shows the product at work (demo/scenario/).

Running the command again on a database that has the demo users only prints the logins (and adds
the field-service demo and the service network where they are missing).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.scenario.field import field_demo_loaded, load_field_demo
from demo.scenario.load import load_demo
from demo.scenario.logins import print_logins
from demo.scenario.network import load_network_demo, network_demo_loaded
from demo.scenario.setting import demo_loaded


class Command(BaseCommand):
    help = "Load demo data (catalogue, stations, staff, customers, units, tickets). Safe to run twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--base-url",
            default=None,
            help="Where the product will be served, for the printed links (default: SITE_URL, which follows PORT).",
        )

    def handle(self, *args, **options) -> None:
        base_url = (options["base_url"] or settings.SITE_URL).rstrip("/")
        if not demo_loaded():
            load_demo(self.stdout, self.style)
        elif field_demo_loaded() and network_demo_loaded():
            self.stdout.write("Demo data is already loaded; nothing was added.")
        else:
            # A database loaded before field service existed gets its technicians, parts and day;
            # one loaded before the service network, its providers and their dispatched tickets.
            load_field_demo(self.stdout)
            load_network_demo(self.stdout)
        print_logins(self.stdout, self.style, base_url)

"""The demo's story in order: the setting, the customers, the tickets run through the services,
the departments' answers, the batch warning and its recall, the quality snapshots, then field
service: technicians, slots, parts and stock, and the technician's day; the service network's
providers, with the tickets dispatched to them and the rates they are paid by; and the revenue
side: contracts sold, offers made on calls, leads found and worked, and the CSI survey's answers."""

from django.core.management.base import OutputWrapper
from django.core.management.color import Style
from django.db import transaction

from customers.accounts import customer_account_link
from customers.models import ProductUnit
from demo.scenario.customers import add_customers
from demo.scenario.field import load_field_demo
from demo.scenario.network import add_network, network_summary, provider_technicians
from demo.scenario.plans import plan_tickets
from demo.scenario.recall import batch_warning_and_recall
from demo.scenario.running import answer_feedback, run_plan
from demo.scenario.sales import add_sales_catalogue, sell_and_work_leads
from demo.scenario.setting import PASSWORD, DemoWorld, add_catalogue, add_staff, add_stations
from demo.scenario.settlement import add_rates, settle_last_month
from quality.snapshots import check_rate_alerts, refresh_recent


@transaction.atomic
def load_demo(out: OutputWrapper, style: Style) -> None:
    """Load the whole demo data set, in one transaction."""
    world = DemoWorld.starting_now(out, style)
    _people_and_tickets(world)
    batch_warning_and_recall(world)
    world.out.write(sell_and_work_leads(world))
    _quality_snapshots(world)
    load_field_demo(world.out, world.now)
    settled = settle_last_month(world.today)
    world.out.write(f"Settlement: last month's statements {settled}.")


def _people_and_tickets(world: DemoWorld) -> None:
    add_catalogue(world)
    add_stations(world)
    add_staff(world)
    providers = add_network(world.stations)
    world.provider_technicians = provider_technicians()
    world.out.write(network_summary(providers))
    # The rates come before the story: a verified warranty job is priced as it is verified.
    rates = add_rates(world.today)
    world.out.write(f"Settlement: {rates} labour rates and travel allowances.")
    add_customers(world)
    # The contracts on sale, the lead rules and the repair survey come before the story: a
    # repair finds its leads as it is resolved, and its after-service call follows the survey.
    add_sales_catalogue(world)
    # One customer signs in to the portal (and obtains an API token) with their phone.
    customer_account_link(customer=world.customers[0], password=PASSWORD)
    plans = plan_tickets(world)
    for plan in sorted(plans, key=lambda p: p.created):
        run_plan(world, plan)
    feedback_items, overdue = answer_feedback(world)
    world.out.write(
        world.style.SUCCESS(
            f"Loaded {len(world.categories)} categories, {sum(map(len, world.models.values()))} models, "
            f"{len(world.stations)} stations, {len(world.customers)} customers, "
            f"{ProductUnit.objects.filter(owner__in=world.customers).count()} units, {len(plans)} tickets, "
            f"{feedback_items} quality feedback items ({overdue} overdue)."
        )
    )


def _quality_snapshots(world: DemoWorld) -> None:
    """The snapshots of the last 90 days, as the nightly job would have left them, so the
    dashboard shows its trends at once; then the rate alerts they raise (quality/snapshots.py)."""
    rows = refresh_recent(90, now=world.now)
    raised, _cleared = check_rate_alerts(now=world.now)
    world.out.write(f"Computed {rows} quality snapshot rows for the last 90 days; {raised} rate alerts raised.")

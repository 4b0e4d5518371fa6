"""List the portal accounts linked without proof of the phone, for staff to review.

Before codes by SMS existed, a portal account could be linked to a known customer with a
request's reference or a registered serial as "proof", which anyone who knew the customer's
phone could create themselves. Those links (a portal account and no ``account_verified_at``)
are not trusted: their passwords open nothing until the phone's owner signs in with a code,
which proves the account and takes it off this list. Staff check the rest: the admin's
customer list filters them too ("Account proven by code: No").
"""

from django.core.management.base import BaseCommand, CommandParser

from customers.models import Customer


class Command(BaseCommand):
    help = "List customers with a portal account that was never proven with a code sent to their phone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", action="store_true", help="Print only how many there are.")

    def handle(self, *args, count: bool = False, **options) -> None:
        customers = (
            Customer.objects.filter(user__isnull=False, account_verified_at__isnull=True)
            .select_related("user")
            .order_by("user__date_joined", "pk")
        )
        if count:
            self.stdout.write(str(customers.count()))
            return
        total = 0
        for customer in customers.iterator():
            total += 1
            user = customer.user
            self.stdout.write(
                "\t".join(
                    [
                        str(customer.pk),
                        customer.phone,
                        customer.name,
                        user.email or "-",
                        user.date_joined.isoformat(timespec="minutes"),
                        user.last_login.isoformat(timespec="minutes") if user.last_login else "-",
                    ]
                )
            )
        self.stderr.write(f"{total} portal account(s) linked without proof of the phone.")

"""factory_boy factories for every model the tests build."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from customers.models import Customer, ProductCategory, ProductModel, ProductUnit, WarrantyPolicy
from customers.units import compute_unit_warranty
from network.models import ProviderMember, ServiceProvider
from tickets.choices import Channel, FaultGroup, Kind, Priority, Status
from tickets.models import FaultCategory, ServiceStation, Ticket

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=role)[0])

    @factory.post_generation
    def provider(self, create, extracted, **kwargs):
        """``UserFactory(provider=p)``: a member of service provider ``p``'s staff."""
        if extracted is not None:
            ProviderMember.objects.update_or_create(user=self, defaults={"provider": extracted})


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    email = factory.LazyAttribute(lambda o: f"customer{o.phone[-6:]}@example.com")
    address = factory.Faker("street_address")
    region = "Qingdao"


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory
        django_get_or_create = ("code",)

    # The statutory catalogue ships with the migrations: these codes come with their policy.
    code = "washing_machine"
    name = "Washing machine"
    name_zh = "洗衣机"


class WarrantyPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WarrantyPolicy

    category = factory.SubFactory(ProductCategoryFactory)
    version = factory.LazyAttribute(lambda o: o.category.policies.count() + 1)
    effective_from = dt.date(1995, 8, 25)
    whole_unit_months = 12
    main_component_months = 36
    depreciation_rate_per_day = Decimal("0.001")


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel
        django_get_or_create = ("code",)

    category = factory.SubFactory(ProductCategoryFactory)
    code = factory.Sequence(lambda n: f"XQG{n:03d}")
    name = "Drum washer"
    name_zh = "滚筒洗衣机"
    main_components = ["motor", "control board"]
    maintenance_interval_days = 365


class ProductUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductUnit

    owner = factory.SubFactory(CustomerFactory)
    model = factory.SubFactory(ProductModelFactory)
    serial = factory.Sequence(lambda n: f"SN{n:08d}")
    batch = "B2026-01"
    invoice_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    has_invoice = True
    price = Decimal("3999.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        unit = model_class(*args, **kwargs)
        compute_unit_warranty(unit)
        unit.save()
        return unit


class ServiceProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProvider
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"provider-{n}")
    name = factory.Sequence(lambda n: f"Service provider {n}")
    name_zh = factory.Sequence(lambda n: f"服务商{n}")


class ServiceStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceStation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"station-{n}")
    name = factory.Sequence(lambda n: f"Service station {n}")
    region = "Qingdao"


class FaultCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaultCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"fault-{n}")
    name = factory.Sequence(lambda n: f"Fault {n}")
    group = FaultGroup.PRODUCT


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket row as a given status would have it. Use the services to test the lifecycle itself."""

    class Meta:
        model = Ticket

    reference = factory.Sequence(lambda n: f"AS-2026-{n + 900000:06d}")
    kind = Kind.REPAIR
    channel = Channel.PHONE
    customer = factory.SubFactory(CustomerFactory)
    unit = factory.SubFactory(ProductUnitFactory, owner=factory.SelfAttribute("..customer"))
    description = "Does not spin."
    priority = Priority.NORMAL
    status = Status.NEW


class WarrantyClaimFactory(factory.django.DjangoModelFactory):
    """A stored claim as the services would leave it after evaluation; set ``status`` and the
    choice or execution fields for a later step. Use the claim services to test the steps."""

    class Meta:
        model = "warranty.WarrantyClaim"

    ticket = factory.SubFactory(TicketFactory)
    unit = factory.SelfAttribute("ticket.unit")
    policy = factory.LazyAttribute(lambda o: o.unit.model.category.policies.order_by("version").first())
    facts = factory.LazyAttribute(
        lambda o: {
            "start_date": o.unit.warranty_start,
            "claim_date": o.unit.warranty_start,
            "fault_kind": "performance",
            "component": "whole",
        }
    )
    rule = "general.repair_in_period"
    remedies = factory.LazyFunction(lambda: ["repair_free"])
    free = True
    decided_by = factory.SubFactory(UserFactory)


class FaultCodeFactory(factory.django.DjangoModelFactory):
    """A quality fault code routed to production; set ``department=""`` for a fault that is not
    about the product."""

    class Meta:
        model = "tickets.FaultCode"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"QF-{n:03d}")
    name = factory.Sequence(lambda n: f"Quality fault {n}")
    name_zh = "质量故障"
    component = "control board"
    department = "production"


class DepartmentMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "followups.DepartmentMembership"
        django_get_or_create = ("user", "department")

    user = factory.SubFactory(UserFactory)
    department = "production"


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    """An open feedback item as followups.feedback.services opens it for a resolved repair; set ``status``
    and the acknowledgement or answer fields for a later step."""

    class Meta:
        model = "followups.FeedbackItem"

    ticket = factory.SubFactory(
        TicketFactory,
        status=Status.RESOLVED,
        fault_code=factory.SelfAttribute("..fault_code"),
        fault_component=factory.SelfAttribute("..component"),
        root_cause=factory.SelfAttribute("..root_cause"),
        work_done="Replaced the control board.",
    )
    department = "production"
    fault_code = factory.Sequence(lambda n: f"QF-{n:03d}")
    component = "control board"
    root_cause = "Solder joint cracked."
    model = factory.LazyAttribute(lambda o: o.ticket.unit.model if o.ticket.unit_id else None)
    batch = factory.LazyAttribute(lambda o: o.ticket.unit.batch if o.ticket.unit_id else "")
    created_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))
    acknowledge_due = factory.LazyAttribute(lambda o: o.created_at + dt.timedelta(days=7))


class CallbackVisitFactory(factory.django.DjangoModelFactory):
    """A callback still to make, as followups.callbacks.services.schedule creates it, about a resolved ticket."""

    class Meta:
        model = "followups.CallbackVisit"

    kind = "after_service"
    ticket = factory.SubFactory(TicketFactory, status=Status.RESOLVED)
    customer = factory.SelfAttribute("ticket.customer")
    unit = factory.SelfAttribute("ticket.unit")
    due_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=72))
    dedupe_key = factory.Sequence(lambda n: f"test-callback:{n}")


class QualityAlertFactory(factory.django.DjangoModelFactory):
    """An open rate alert for the whole organisation; set ``kind="batch"`` with a model and batch."""

    class Meta:
        model = "quality.QualityAlert"

    kind = "rate"
    kpi = "complaint_rate"
    dimension = "all"
    value = factory.Sequence(lambda n: f"value-{n}")
    label = "Whole organisation"
    numerator = 12
    denominator = 100
    rate = Decimal("0.120000")
    threshold = Decimal("0.100000")
    window_start = dt.date(2026, 3, 1)
    window_end = dt.date(2026, 3, 30)


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    """A live subscription of a manager to every event, with a known secret."""

    class Meta:
        model = "notifications.WebhookSubscription"

    owner = factory.SubFactory(UserFactory, roles=["manager"])
    url = "https://receiver.example.com/hooks"
    events = factory.LazyFunction(
        lambda: [
            "ticket.created",
            "ticket.status_changed",
            "ticket.assigned",
            "claim.decided",
            "claim.executed",
            "callback.completed",
            "alert.raised",
            "alert.cleared",
        ]
    )
    secret = factory.Sequence(lambda n: f"test-secret-{n}")

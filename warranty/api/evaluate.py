"""The warranty evaluation API: ``POST /api/warranty/evaluate/`` (docs/three-guarantees.md#the-evaluation-api).

The computation is public: the customer portal and dealer systems ask what the three
guarantees give a product category, and nothing personal is involved. Naming a registered
``unit`` reads that unit's records (dates, proof, price, repair history), so only desk users
who see every ticket may do it; for anyone else a unit is as unknown as an id that does not
exist, so the answer never tells whether it does.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.api.schema import error_responses
from aftersales.roles import sees_all_tickets
from customers.models import ProductUnit, WarrantyPolicy
from tickets.models import FaultCategory
from warranty import evaluation
from warranty import three_guarantees as tg
from warranty.three_guarantees.facts import MAIN_PART_PREFIX, MAJOR_ASSEMBLIES

# Bounds that keep every date the engine works out inside the calendar: a period of a few
# years after the latest start date, extended by the most repair and waiting days, still fits.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)
MAX_DAYS = 36_500
MAX_COUNT = 10_000
MAX_KM = 10_000_000
MAX_HOURS = 1_000_000
MAX_REPAIRS_LISTED = 1_000
MAX_ID = 2**63 - 1

# The car faults the 2021 rules name, and "main_part:<assembly>" for a main part of a major assembly.
CAR_FAULTS = [
    *tg.CarFault.values,
    *(f"{MAIN_PART_PREFIX}{assembly}" for assembly in tg.CarFault.values if assembly in MAJOR_ASSEMBLIES),
]
COMPONENT_PATTERN = r"^(whole|(main|accessory):.+)$"

UNKNOWN_CATEGORY = _("Unknown product category.")
UNKNOWN_UNIT = _("Unknown product unit.")
UNKNOWN_FAULT_CATEGORY = _("Unknown fault category.")
CATEGORY_OR_UNIT = _("Give exactly one of a product category or a registered unit.")
NO_START_DATE = _("No date shows when this product's guarantee started: enter it.")
NO_POLICY = _("No warranty policy is set up for this product's category.")
REQUIRED = serializers.Field.default_error_messages["required"]

# Sending null for these is the same as leaving them out: the unit's records or the default stand.
NULL_MEANS_ABSENT = ("category", "unit", "fault_category", "start_date", "claim_date")
# What the request names rather than states about the claim.
LOOKUP_FIELDS = ("category", "unit", "fault_category")


def _date(**kwargs) -> serializers.DateField:
    return serializers.DateField(
        validators=[
            MinValueValidator(EARLIEST_DATE, message=_("Give a date from 1900-01-01 on.")),
            MaxValueValidator(LATEST_DATE, message=_("Give a date up to 2999-12-31.")),
        ],
        **kwargs,
    )


def _count(help_text: str, maximum: int = MAX_COUNT) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, min_value=0, max_value=maximum, help_text=help_text)


class ProofSerializer(serializers.Serializer):
    invoice = serializers.BooleanField(required=False, help_text="An invoice dates the purchase. Default false.")
    card = serializers.BooleanField(required=False, help_text="A filled-in warranty card. Default false.")
    other_proof = serializers.BooleanField(
        required=False, help_text="Other proof that dates the purchase (an order, a payment record). Default false."
    )
    documents_match = serializers.BooleanField(
        required=False, help_text="The documents match the unit (serial, IMEI) and are not altered. Default true."
    )
    imei_date = _date(
        required=False,
        allow_null=True,
        help_text="A phone's manufacture date from its IMEI. A phone with no invoice, card or other proof is dated "
        "by it: its period starts 90 days later (free repair only) and any start_date is ignored. It dates no other "
        "product and no phone with proof of purchase.",
    )


class OpenRepairSerializer(serializers.Serializer):
    days_open = serializers.IntegerField(
        min_value=0, max_value=MAX_DAYS, help_text="Days since the unit was handed in for this repair."
    )
    cause = serializers.ChoiceField(choices=tg.RepairCause.choices, help_text="Why the repair is not finished.")


class WarrantyFactsSerializer(serializers.Serializer):
    """The facts of one claim. Give `category` or `unit`, not both."""

    category = serializers.CharField(
        required=False, allow_null=True, max_length=40, help_text="Policy code of the product category."
    )
    unit = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="Id of a registered unit: its dates, proof, price and repair history fill the facts not given. "
        "Needs an agent, manager or administrator.",
    )
    fault_category = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=40,
        help_text="Fault category code: with unit, the unit's finished repairs of this fault are the prior repairs.",
    )
    start_date = _date(
        required=False,
        allow_null=True,
        help_text="Start of the guarantee (invoice, installation or delivery date); with unit, the unit's recorded "
        "start by default. Required, except for a phone with no invoice, card or other proof and a proof.imei_date: "
        "its period starts 90 days after the IMEI date, and a start_date given is ignored (a reason says so).",
    )
    claim_date = _date(required=False, allow_null=True, help_text="Default: today in the business time zone.")
    fault_kind = serializers.ChoiceField(choices=tg.FaultKind.choices, required=False, help_text="Default performance.")
    component = serializers.RegexField(
        COMPONENT_PATTERN,
        required=False,
        max_length=100,
        error_messages={"invalid": _('Give "whole", "main:<name>" or "accessory:<name>".')},
        help_text='"whole" (default), "main:<name>" or "accessory:<name>" as the policy names them.',
    )
    prior_repairs = _count("Repairs of this same performance fault so far. Default 0.")
    repair_days = _count("Days the unit spent in repair since its period started. Default 0.", MAX_DAYS)
    waiting_days = _count("Days the unit waited for parts since its period started. Default 0.", MAX_DAYS)
    proof = ProofSerializer(
        required=False,
        help_text="Proof of purchase. Default: none, and with none only a phone with an IMEI date is covered.",
    )
    stock_available = serializers.BooleanField(
        required=False, help_text="A unit of the same model is in stock. Default true."
    )
    open_repair = OpenRepairSerializer(
        required=False, allow_null=True, help_text="The repair of this fault still in progress, if any."
    )
    price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="Invoice price; refunds and the car usage fee need it.",
    )
    km = _count("Cars: distance driven. Default 0.", MAX_KM)
    same_issue_repairs = _count("Cars: repairs of this same problem so far. Default 0.")
    repair_hours = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_HOURS),
        required=False,
        max_length=MAX_REPAIRS_LISTED,
        help_text="Cars: the hours of each repair so far (24 h are a day, a started day counts whole).",
    )
    safety_fault = serializers.BooleanField(required=False, help_text="Cars: a serious safety fault. Default false.")
    assembly_replacements = _count("Cars: times the same assembly or main part was replaced. Default 0.")
    car_fault = serializers.ChoiceField(
        choices=CAR_FAULTS, required=False, allow_null=True, help_text="Cars: the fault the 2021 rules name."
    )
    misuse_found_by_technician = serializers.BooleanField(
        required=False, help_text="A technician recorded misuse or unauthorised repair. Default false."
    )
    whole_unit_replaced_on = _date(
        required=False, allow_null=True, help_text="The whole unit was replaced on this date: its periods restart."
    )
    component_replaced_on = _date(
        required=False,
        allow_null=True,
        help_text="The claimed main component was replaced on this date: its period restarts.",
    )

    def validate(self, attrs: dict) -> dict:
        attrs = {key: value for key, value in attrs.items() if not (key in NULL_MEANS_ABSENT and value is None)}
        if ("category" in attrs) == ("unit" in attrs):
            raise ValidationError({"category": [CATEGORY_OR_UNIT], "unit": [CATEGORY_OR_UNIT]})
        return attrs


class PolicyVersionSerializer(serializers.Serializer):
    """The version of the category's three-guarantees policy the decision was made under."""

    code = serializers.CharField(help_text="Product category code.")
    version = serializers.IntegerField(help_text="Version of the category's policy the decision was made under.")


class WarrantyDecisionSerializer(serializers.Serializer):
    remedies = serializers.ListField(
        child=serializers.ChoiceField(choices=tg.Remedy.choices), help_text="The remedies the customer may choose from."
    )
    free = serializers.BooleanField(help_text="Whether the remedies are free of charge.")
    rule = serializers.ChoiceField(
        choices=[rule.code for rule in tg.RULES], help_text="Stable code of the rule that decided."
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why, in plain words, in the request's language (Accept-Language)."
    )
    period_end = serializers.DateField(
        allow_null=True, help_text="Last day of free repair for the claimed part; null when nothing dates the purchase."
    )
    refund_amount = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        required=False,
        help_text="Present when a return is offered and the price is known.",
    )
    usage_fee = serializers.DecimalField(
        max_digits=20, decimal_places=2, required=False, help_text="Cars: present when the usage fee applies."
    )
    loaner = serializers.BooleanField(help_text="Cars: a loaner car is owed.")
    policy = PolicyVersionSerializer(help_text="The policy version the decision was made under.")


# --- From the request to the engine's facts ---------------------------------------------------
def _visible_unit(unit_id: int, user: AbstractBaseUser | AnonymousUser) -> ProductUnit:
    """The unit, for a user who sees every ticket; anyone else gets the answer a missing id gets."""
    unit = ProductUnit.objects.select_related("model").filter(pk=unit_id).first() if sees_all_tickets(user) else None
    if unit is None:
        raise ValidationError({"unit": [UNKNOWN_UNIT]})
    return unit


def _fault_category(code: str | None) -> FaultCategory | None:
    if code is None:
        return None
    fault_category = FaultCategory.objects.filter(code=code).first()
    if fault_category is None:
        raise ValidationError({"fault_category": [UNKNOWN_FAULT_CATEGORY]})
    return fault_category


def _unit_facts(unit: ProductUnit, given: dict, fault_category: FaultCategory | None, policy: WarrantyPolicy) -> dict:
    """The unit's recorded facts, with the request's own facts over them (proof field by field)."""
    recorded = evaluation.prefill_for_unit(
        unit, claim_date=given["claim_date"], policy=policy, fault_category=fault_category
    )
    return evaluation.merge_facts(recorded, given)


def _claim_facts(data: dict, user: AbstractBaseUser | AnonymousUser) -> tuple[dict, WarrantyPolicy]:
    """The facts in the engine's request shape and the policy that governs them.

    Raises DRF's ``ValidationError`` with field errors for a category, unit or fault category
    that is unknown (to this user) and for a claim nothing dates: no start date, and for a phone
    with no proof of purchase no IMEI manufacture date either. The policy version is the one in
    force on the day the claim's periods count from (under the IMEI rule: manufacture + 90 days).
    """
    given = {key: value for key, value in data.items() if key not in LOOKUP_FIELDS}
    given["claim_date"] = data.get("claim_date") or timezone.localdate()
    if "unit" in data:
        unit = _visible_unit(data["unit"], user)
        policy = evaluation.policy_for_unit(unit)
        if policy is None:
            raise ValidationError({"unit": [NO_POLICY]})
        facts = _unit_facts(unit, given, _fault_category(data.get("fault_category")), policy)
        start = evaluation.guarantee_start(facts, policy.family)
        if start is None:
            raise ValidationError(evaluation.undated_errors(facts, policy.family, str(NO_START_DATE)))
        if start != facts["start_date"]:
            # The IMEI rule dates the phone: the policy version in force on that day governs.
            policy = evaluation.policy_for_unit(unit, start) or policy
        return facts, policy
    _fault_category(data.get("fault_category"))
    policy = evaluation.policy_for_category(data["category"], given.get("start_date"))
    if policy is None:
        errors = {"category": [UNKNOWN_CATEGORY]}
        if "start_date" not in given:
            errors["start_date"] = [str(REQUIRED)]
        raise ValidationError(errors)
    start = evaluation.guarantee_start(given, policy.family)
    if start is None:
        raise ValidationError(evaluation.undated_errors(given, policy.family, str(REQUIRED)))
    if start != given.get("start_date"):
        # The IMEI rule dates the phone: the policy version in force on that day governs.
        policy = evaluation.policy_for_category(data["category"], start) or policy
    return given, policy


def _nested_errors(exc: tg.FactsError) -> dict:
    """The engine's dotted field (``open_repair.days_open``) as DRF nests errors."""
    *parents, leaf = exc.field.split(".")
    errors: dict = {leaf: [str(exc.message)]}
    for parent in reversed(parents):
        errors = {parent: errors}
    return errors


def _decision_answer(decision: tg.Decision, policy: WarrantyPolicy) -> dict:
    """The decision as the API answers it. The reason codes stay internal: ``rule`` is the stable code."""
    data = evaluation.decision_data(decision)
    del data["reason_codes"]
    return {**data, "policy": {"code": policy.category.code, "version": policy.version}}


EXAMPLE_REQUEST = {
    "category": "washing_machine",
    "start_date": "2025-03-03",
    "claim_date": "2025-03-08",
    "fault_kind": "performance",
    "proof": {"invoice": True},
    "price": "2999.00",
}
EXAMPLE_ANSWER = {
    "remedies": ["return_full", "replace", "repair_free"],
    "free": True,
    "rule": "general.return_7d",
    "reasons": [
        "You bought this product 5 days ago. Within 7 days a performance fault entitles you to a return with a "
        "full refund, a replacement or a free repair — your choice."
    ],
    "period_end": "2026-03-03",
    "refund_amount": "2999.00",
    "loaner": False,
    "policy": {"code": "washing_machine", "version": 1},
}


class WarrantyEvaluateView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="warranty_evaluate",
        tags=["warranty"],
        summary="Evaluate a three-guarantees claim",
        description=(
            "Computes the remedies the three guarantees (三包) give one claim: the allowed remedies, whether they "
            "are free, the deciding rule, the reasons in plain words and the period end. Stores nothing. "
            "Anonymous calls are allowed with `category`; `unit` needs an agent, manager or administrator "
            "(for anyone else it is an unknown unit). A phone with no proof of purchase at all is dated from its "
            "IMEI manufacture date (`proof.imei_date`): its period starts 90 days later, free repair only, and a "
            "`start_date` given with it is ignored. A claim nothing dates gets `400`: `start_date` for any product, "
            "and for a phone with no proof also `proof.imei_date`."
        ),
        request=WarrantyFactsSerializer,
        responses={
            200: WarrantyDecisionSerializer,
            **error_responses(
                400,
                401,
                403,
                415,
                429,
                e401="The token is not valid or its user is inactive (anonymous calls need no credentials).",
                e403="The CSRF check failed on a session-authenticated call.",
            ),
        },
        examples=[
            OpenApiExample("Washing machine, 5 days after purchase", value=EXAMPLE_REQUEST, request_only=True),
            OpenApiExample("Washing machine, 5 days after purchase", value=EXAMPLE_ANSWER, response_only=True),
        ],
    )
    def post(self, request: Request) -> Response:
        facts_in = WarrantyFactsSerializer(data=request.data)
        facts_in.is_valid(raise_exception=True)
        facts, policy = _claim_facts(facts_in.validated_data, request.user)
        try:
            decision = evaluation.evaluate(facts, policy)
        except tg.FactsError as exc:
            raise ValidationError(_nested_errors(exc)) from exc
        return Response(WarrantyDecisionSerializer(_decision_answer(decision, policy)).data)

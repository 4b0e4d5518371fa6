"""Desk forms for three-guarantees claims. They parse input into the facts shape of
warranty/evaluation.py; the claim services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import PolicyFamily, ProductModel, WarrantyPolicy
from tickets.forms import NotFutureDateField
from warranty import three_guarantees as tg


def component_choices(policy: WarrantyPolicy) -> list[tuple[str, str]]:
    choices = [("whole", str(_("Whole product")))]
    choices += [
        (f"main:{name}", str(_("Main component: %(name)s") % {"name": tg.component_label(name)}))
        for name, _months in policy.main_components
    ]
    choices += [
        (f"accessory:{name}", str(_("Accessory: %(name)s") % {"name": tg.component_label(name)}))
        for name, _months in policy.accessories
    ]
    return choices


class ClaimFactsForm(forms.Form):
    """The facts of a claim, prefilled from the unit and its history; any change to a
    prefilled fact needs a reason."""

    claim_date = NotFutureDateField(label=_("Claim date"))
    fault_kind = forms.ChoiceField(label=_("Fault"), choices=tg.FaultKind.choices, initial=tg.FaultKind.PERFORMANCE)
    component = forms.ChoiceField(label=_("Part concerned"))
    misuse_found_by_technician = forms.BooleanField(
        label=_("A technician recorded misuse or unauthorised repair"), required=False
    )
    start_date = NotFutureDateField(label=_("Guarantee starts on"), required=False)
    prior_repairs = forms.IntegerField(label=_("Earlier repairs of this fault"), min_value=0, max_value=1000)
    repair_days = forms.IntegerField(label=_("Days spent in repair so far"), min_value=0, max_value=100_000)
    # Counted from the ticket's parts orders (warranty/evaluation.py ``waiting_facts``): shown, not
    # typed; the claim service takes the count, whatever is posted.
    waiting_days = forms.IntegerField(
        label=_("Days spent waiting for parts"), min_value=0, max_value=100_000, required=False, disabled=True
    )
    proof_invoice = forms.BooleanField(label=_("Invoice"), required=False)
    proof_card = forms.BooleanField(label=_("Warranty card"), required=False)
    proof_other = forms.BooleanField(label=_("Other proof of purchase"), required=False)
    documents_match = forms.BooleanField(label=_("Documents match the unit"), required=False, initial=True)
    imei_date = NotFutureDateField(label=_("Manufacture date (IMEI)"), required=False)
    price = forms.DecimalField(label=_("Invoice price"), min_value=0, max_digits=10, decimal_places=2, required=False)
    stock_available = forms.BooleanField(label=_("A unit of the same model is in stock"), required=False, initial=True)
    open_repair_days = forms.IntegerField(
        label=_("Current repair open for (days)"), min_value=0, max_value=100_000, required=False
    )
    open_repair_cause = forms.ChoiceField(
        label=_("Why it is not finished"), choices=[("", "—"), *tg.RepairCause.choices], required=False
    )
    # Cars (2021 rules)
    km = forms.IntegerField(label=_("Odometer (km)"), min_value=0, max_value=10_000_000, required=False)
    same_issue_repairs = forms.IntegerField(
        label=_("Repairs of this same problem"), min_value=0, max_value=1000, required=False
    )
    repair_hours = forms.CharField(
        label=_("Hours of each repair so far"), required=False, help_text=_("Separated by commas, e.g. 30, 100")
    )
    safety_fault = forms.BooleanField(label=_("Serious safety fault"), required=False)
    assembly_replacements = forms.IntegerField(
        label=_("Replacements of the same assembly or main part"), min_value=0, max_value=1000, required=False
    )
    car_fault = forms.ChoiceField(label=_("Car fault"), choices=[("", "—"), *tg.CarFault.choices], required=False)
    correction_reason = forms.CharField(
        label=_("Why the facts from the records were changed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, policy: WarrantyPolicy, waiting_help: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        if waiting_help:
            self.fields["waiting_days"].help_text = waiting_help
        self.is_car = policy.family == PolicyFamily.CAR
        self.fields["component"].choices = component_choices(policy)
        if not self.is_car:
            for name in (
                "km",
                "same_issue_repairs",
                "repair_hours",
                "safety_fault",
                "assembly_replacements",
                "car_fault",
            ):
                del self.fields[name]

    @staticmethod
    def initial_from(prefilled: dict, claim_date) -> dict:
        proof = prefilled.get("proof") or {}
        open_repair = prefilled.get("open_repair") or {}
        return {
            "open_repair_days": open_repair.get("days_open"),
            "open_repair_cause": open_repair.get("cause", ""),
            "claim_date": claim_date,
            "start_date": prefilled.get("start_date"),
            "prior_repairs": prefilled.get("prior_repairs", 0),
            "repair_days": prefilled.get("repair_days", 0),
            "waiting_days": prefilled.get("waiting_days", 0),
            "proof_invoice": proof.get("invoice", False),
            "proof_card": proof.get("card", False),
            "proof_other": proof.get("other_proof", False),
            "documents_match": proof.get("documents_match", True),
            "imei_date": proof.get("imei_date"),
            "price": prefilled.get("price"),
            "same_issue_repairs": prefilled.get("same_issue_repairs", 0),
        }

    def clean_repair_hours(self):
        raw = self.cleaned_data.get("repair_hours") or ""
        try:
            hours = [int(part) for part in raw.replace("，", ",").split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Give whole hours separated by commas, e.g. 30, 100.")) from exc
        if any(value < 0 or value > 100_000 for value in hours):
            raise forms.ValidationError(_("Each repair's hours must be between 0 and 100000."))
        return hours

    def clean(self):
        data = super().clean()
        if data.get("open_repair_days") is not None and not data.get("open_repair_cause"):
            self.add_error("open_repair_cause", _("Say why the repair is not finished."))
        return data

    def facts(self) -> dict:
        """The entered facts in the shape of warranty/evaluation.py (the API request shape)."""
        data = self.cleaned_data
        facts = {
            "start_date": data["start_date"],
            "fault_kind": data["fault_kind"],
            "component": data["component"],
            "misuse_found_by_technician": data["misuse_found_by_technician"],
            "prior_repairs": data["prior_repairs"],
            "repair_days": data["repair_days"],
            "waiting_days": data.get("waiting_days") or 0,
            "proof": {
                "invoice": data["proof_invoice"],
                "card": data["proof_card"],
                "other_proof": data["proof_other"],
                "documents_match": data["documents_match"],
                "imei_date": data["imei_date"],
            },
            "price": data["price"],
            "stock_available": data["stock_available"],
            "open_repair": (
                {"days_open": data["open_repair_days"], "cause": data["open_repair_cause"]}
                if data.get("open_repair_days") is not None
                else None
            ),
        }
        if self.is_car:
            facts.update(
                {
                    "km": data.get("km") or 0,
                    "same_issue_repairs": data.get("same_issue_repairs") or 0,
                    "repair_hours": data.get("repair_hours") or [],
                    "safety_fault": data.get("safety_fault", False),
                    "assembly_replacements": data.get("assembly_replacements") or 0,
                    "car_fault": data.get("car_fault") or None,
                }
            )
        return facts


class RemedyChoiceForm(forms.Form):
    remedy = forms.ChoiceField(label=_("The customer's choice"), widget=forms.RadioSelect)

    def __init__(self, *args, remedies: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remedy"].choices = [(code, tg.Remedy(code).label) for code in remedies]


class GoodwillRemedyForm(forms.Form):
    remedy = forms.ChoiceField(label=_("Remedy granted"), choices=tg.Remedy.choices)
    reason = forms.CharField(
        label=_("Why (goodwill)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write why this goodwill remedy is granted.")},
    )


class RemedyExecutionForm(forms.Form):
    charge = forms.DecimalField(label=_("Repair charge"), min_value=0, max_digits=10, decimal_places=2, required=False)
    new_serial = forms.CharField(label=_("Serial number of the replacement"), max_length=64, required=False)
    new_model = forms.ModelChoiceField(
        label=_("Model of the replacement"), queryset=ProductModel.objects.none(), required=False
    )
    refund = forms.DecimalField(
        label=_("Amount refunded"), min_value=0, max_digits=10, decimal_places=2, required=False
    )

    def __init__(self, *args, category_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_model"].queryset = ProductModel.objects.filter(category_id=category_id, is_active=True)

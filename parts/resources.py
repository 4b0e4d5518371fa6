"""Importing and exporting the parts catalogue as CSV or XLSX (django-import-export, in the
admin; docs/parts.md#the-catalogue).

One row per part, matched by part number: a known number updates the part, a new one adds it.
Columns: ``number``, ``name``, ``name_zh``, ``fits`` (model codes separated by commas or
semicolons), ``is_main_component`` (yes/no, 1/0, true/false, 是/否), ``standard_cost``,
``price``, ``warranty_days``, ``is_active``. A row with an unknown model code, a bad number or
a negative amount is refused with its row number and field; the other rows are not imported
until the file is clean (the admin shows every row's errors before anything is saved).
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from customers.models import ProductModel
from parts.models import Part

SEPARATORS = re.compile(r"[,;，；]")


class ModelCodesWidget(widgets.ManyToManyWidget):
    """Model codes separated by commas or semicolons (Chinese ones too); an unknown code is an
    error naming it, not a silently dropped fit."""

    def __init__(self) -> None:
        super().__init__(ProductModel, separator=", ", field="code")

    def clean(self, value, row=None, **kwargs):
        codes = [code.strip() for code in SEPARATORS.split(str(value or "")) if code.strip()]
        if not codes:
            return ProductModel.objects.none()
        found = ProductModel.objects.filter(code__in=codes)
        unknown = sorted(set(codes) - set(found.values_list("code", flat=True)))
        if unknown:
            raise ValueError(_("Unknown model code: %(codes)s.") % {"codes": ", ".join(unknown)})
        return found


class YesNoWidget(widgets.BooleanWidget):
    """Yes or no, in the words a spreadsheet holds; anything else is an error, not a silent no."""

    TRUE = {"1", "true", "yes", "y", "是", "x"}
    FALSE = {"0", "false", "no", "n", "否", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text.endswith(".0"):  # spreadsheets give 1.0 for 1
            text = text[:-2]
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Enter yes or no."))

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class AmountWidget(widgets.DecimalWidget):
    """An amount to the cent; text that is no number is that field's error."""

    def clean(self, value, row=None, **kwargs):
        try:
            amount = super().clean(value, row=row, **kwargs)
        except (InvalidOperation, ArithmeticError, TypeError) as exc:
            raise ValueError(_("Enter a number.")) from exc
        return amount.quantize(Decimal("0.01")) if amount is not None else None


class PartResource(resources.ModelResource):
    fits = fields.Field(attribute="fits", column_name="fits", widget=ModelCodesWidget())
    standard_cost = fields.Field(attribute="standard_cost", column_name="standard_cost", widget=AmountWidget())
    price = fields.Field(attribute="price", column_name="price", widget=AmountWidget())
    is_main_component = fields.Field(
        attribute="is_main_component", column_name="is_main_component", widget=YesNoWidget(), default=False
    )
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=YesNoWidget(), default=True)

    class Meta:
        model = Part
        import_id_fields = ["number"]
        fields = [
            "number",
            "name",
            "name_zh",
            "fits",
            "is_main_component",
            "standard_cost",
            "price",
            "warranty_days",
            "is_active",
        ]
        export_order = fields
        # Model validation per row (negative costs, missing names, too-long numbers) gives that
        # row's field errors instead of a database error.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def import_instance(self, instance, row, **kwargs) -> None:
        """Every field's error at once, the models it fits included (which import-export would
        otherwise only read after saving the part, as an error of the whole row)."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors.update(exc.error_dict)
        if "fits" in row:
            try:
                self.fields["fits"].clean(row)
            except ValueError as exc:
                errors["fits"] = [ValidationError(str(exc), code="invalid")]
        if errors:
            raise ValidationError(errors)

    def before_import_row(self, row, **kwargs) -> None:
        """Part numbers are matched as written, without stray spaces."""
        if row.get("number") is not None:
            row["number"] = str(row["number"]).strip()

"""TODO docstring"""

from django import forms
from django.contrib import admin

from aftersales.versioned_admin import VersionedAdmin
from customers.models import WarrantyPolicy
from customers.services import policy_publish
from warranty.evaluation import engine_policy
from warranty.models import WarrantyClaim


class WarrantyPolicyForm(forms.ModelForm):
    class Meta:
        model = WarrantyPolicy
        fields = [
            "category",
            "effective_from",
            "family",
            "whole_unit_months",
            "main_component_months",
            "main_components",
            "accessories",
            "depreciation_rate_per_day",
            "count_start_day",
            "return_days",
            "replace_days",
            "repairer_limit_days",
            "no_parts_limit_days",
            "brand_extra_remedies",
            "validity_months",
            "validity_km",
            "repair_period_months",
            "repair_period_km",
            "car_usage_rate",
            "note",
        ]

    def clean(self):
        data = super().clean()
        try:
            candidate = WarrantyPolicy(
                **{k: v for k, v in data.items() if k in {f.name for f in WarrantyPolicy._meta.fields}}
            )
            candidate.category = data.get("category")
            if candidate.category is not None:
                engine_policy(candidate)
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(VersionedAdmin):
    """Policies are versioned: a saved version is never changed (claims name the version they
    were decided under). "New version" opens a copy to edit; it gets the next number."""

    form = WarrantyPolicyForm
    list_display = [
        "category",
        "version",
        "effective_from",
        "family",
        "whole_unit_months",
        "main_component_months",
        "note",
    ]
    list_filter = ["family", "category"]
    search_fields = ["category__code", "category__name", "note"]
    list_select_related = ["category"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        source = self.version_source(request)
        if source is not None:
            for field in WarrantyPolicy._meta.fields:
                if field.name not in ("id", "version", "created_at", "created_by"):
                    initial[field.name] = getattr(source, field.attname)
            initial["note"] = ""
        return initial

    def save_model(self, request, obj, form, change) -> None:
        policy_publish(policy=obj, by=request.user)


@admin.register(WarrantyClaim)
class WarrantyClaimAdmin(admin.ModelAdmin):
    """Read-only: claims are decided and carried out in the desk, where each step is on the timeline."""

    list_display = ["ticket", "unit", "rule", "free", "status", "chosen_remedy", "is_goodwill", "decided_at"]
    list_filter = ["status", "free", "is_goodwill", "rule"]
    search_fields = ["ticket__reference", "unit__serial", "rule"]
    list_select_related = ["ticket", "unit__model"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

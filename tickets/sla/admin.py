"""The admin of SLA targets: versioned like the warranty policies (a version in force is never
edited; "New version" opens a copy to change, published as the next version)."""

from django import forms
from django.contrib import admin
from django.utils import timezone

from aftersales.versioned_admin import VersionedAdmin
from tickets.sla.models import SlaTarget
from tickets.sla.targets import target_errors, target_publish

EDITABLE = [
    "kind",
    "priority",
    "region",
    "station",
    "response_hours",
    "response_same_day",
    "dispatch_hours",
    "arrival_hours",
    "completion_hours",
    "effective_from",
    "note",
]


class SlaTargetForm(forms.ModelForm):
    class Meta:
        model = SlaTarget
        fields = EDITABLE

    def clean(self):
        data = super().clean()
        candidate = SlaTarget(**{name: data.get(name) for name in EDITABLE if name != "region"})
        candidate.region = data.get("region") or ""
        for field, message in target_errors(candidate, timezone.now()).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


@admin.register(SlaTarget)
class SlaTargetAdmin(VersionedAdmin):
    """Targets are versioned: a saved version is never changed (each ticket names the version
    its deadlines were set from). "New version" opens a copy to edit; it gets the next number
    and applies from the moment given, never from the past."""

    form = SlaTargetForm
    list_display = [
        "kind",
        "priority",
        "region",
        "station",
        "version",
        "effective_from",
        "response_hours",
        "response_same_day",
        "dispatch_hours",
        "arrival_hours",
        "completion_hours",
        "note",
    ]
    list_filter = ["kind", "priority", "region", "station"]
    search_fields = ["region", "station__code", "station__name", "note"]
    list_select_related = ["station"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        source = self.version_source(request)
        if source is not None:
            for name in EDITABLE:
                initial[name] = getattr(source, SlaTarget._meta.get_field(name).attname)
            initial["note"] = ""
        initial["effective_from"] = timezone.now()
        return initial

    def save_model(self, request, obj, form, change) -> None:
        target_publish(target=obj, by=request.user)

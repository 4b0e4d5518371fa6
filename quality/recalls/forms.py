"""The recall form. It parses input; quality.recalls.services checks the recall and starts it."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import ProductModel
from quality.models import AlertKind, QualityAlert, RecallCampaign


def _limit(field: str) -> int:
    return RecallCampaign._meta.get_field(field).max_length


class RecallForm(forms.Form):
    model = forms.ModelChoiceField(
        label=gettext_lazy("Model"),
        queryset=ProductModel.objects.order_by("code"),
        empty_label=gettext_lazy("Choose a model"),
        error_messages={
            "required": gettext_lazy("Choose the model to recall."),
            "invalid_choice": gettext_lazy("Choose the model to recall."),
        },
    )
    batch = forms.CharField(
        label=gettext_lazy("Production batch"),
        max_length=_limit("batch"),
        required=False,
        help_text=gettext_lazy("Leave empty to recall every batch of the model."),
    )
    serial_from = forms.CharField(label=gettext_lazy("Serials from"), max_length=_limit("serial_from"), required=False)
    serial_to = forms.CharField(
        label=gettext_lazy("Serials to"),
        max_length=_limit("serial_to"),
        required=False,
        help_text=gettext_lazy(
            "Optional. Both ends are included; serials compare as text, character by character, so give them in full."
        ),
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=_limit("title"),
        error_messages={"required": gettext_lazy("Give the recall a title.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason and remedy"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What is wrong and what will be done. The owners read it in their email."),
        error_messages={"required": gettext_lazy("Say why the units are recalled and what will be done.")},
    )
    alert = forms.ModelChoiceField(
        queryset=QualityAlert.objects.filter(kind=AlertKind.BATCH), required=False, widget=forms.HiddenInput
    )

    def recall_input(self) -> dict:
        """The cleaned data as ``recall_preview`` and ``start_recall`` take them."""
        data = self.cleaned_data
        return {
            "model": data["model"],
            "batch": data["batch"],
            "serial_from": data["serial_from"],
            "serial_to": data["serial_to"],
            "title": data["title"],
            "reason": data["reason"],
        }


def initial_from_alert(alert: QualityAlert) -> dict:
    """The form prefilled from a batch alert: its model and batch, and a title to edit. The
    reason is left to the manager: the owners read it."""
    return {
        "model": alert.model_id,
        "batch": alert.batch,
        "alert": alert.pk,
        "title": _("Recall of %(model)s, batch %(batch)s") % {"model": alert.label, "batch": alert.batch},
    }

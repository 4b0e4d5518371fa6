"""Desk forms of a ticket's parts and of old-part returns. They parse input; the services in
parts/demand.py and parts/returns.py decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales import table_memo
from aftersales.scoping import scope_key
from parts.models import OrderSource, Part, ReturnFinding, ReturnStatus
from tickets.models import ServiceStation

# The ticket page shows both forms beside the ticket's own: their fields are prefixed, so none
# shares a name with another form's (the assignment form has a "station" too).
RESERVE, ORDER = "reserve", "order"


class PartDemandForm(forms.Form):
    """A part for a ticket: reserved from a station's stock, or ordered to it."""

    part = forms.CharField(label=_("Part number"), max_length=40)
    station = forms.TypedChoiceField(label=_("Service station"), coerce=int)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10_000, initial=1)

    def __init__(self, *args, stations: list[ServiceStation] | None = None, **kwargs):
        """``stations``: the active stations, when the caller has them already (the ticket page
        shows two of these forms from one query)."""
        super().__init__(*args, **kwargs)
        self.stations = {station.pk: station for station in (stations if stations is not None else active_stations())}
        self.fields["station"].choices = [("", "—")] + [(pk, s.display_name) for pk, s in self.stations.items()]

    def clean_station(self) -> ServiceStation:
        return self.stations[self.cleaned_data["station"]]

    def clean_part(self) -> Part:
        number = self.cleaned_data["part"].strip()
        part = Part.objects.filter(number__iexact=number).first()
        if part is None:
            raise forms.ValidationError(_("No part has this number."))
        return part


def active_stations() -> list[ServiceStation]:
    """The active stations in the current scope, each a fresh copy from the process's memo
    (aftersales/table_memo.py): the parts card of every open ticket offers them."""
    scope = scope_key()
    if scope is None:
        return list(ServiceStation.objects.filter(is_active=True))
    ids = table_memo.derived(
        ("tickets.servicestation",),
        ("active-station-ids", scope),
        lambda: list(ServiceStation.objects.filter(is_active=True).values_list("pk", flat=True)),
    )
    found = table_memo.rows(ServiceStation, ids)
    return [found[pk] for pk in ids if pk in found]


class PartOrderForm(PartDemandForm):
    source = forms.ChoiceField(label=_("Order from"), choices=OrderSource.choices, initial=OrderSource.SUPPLIER)


class ReturnShipForm(forms.Form):
    tracking = forms.CharField(label=_("Shipment tracking"), max_length=80)


class ReturnInspectForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=ReturnFinding.choices)
    note = forms.CharField(label=_("Inspection note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *ReturnStatus.choices], required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

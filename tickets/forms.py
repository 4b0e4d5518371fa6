"""Desk forms. They parse and check input; the services decide and write."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Language, ProductModel
from customers.phones import InvalidPhone, normalize_phone
from customers.selectors import active_models
from tickets import selectors
from tickets.choices import SLOT_HOURS, Channel, Kind, Priority, VisitSlot
from tickets.desk_rendering import STATIONS, TECHNICIANS_BY_STATION, memo_options
from tickets.transitions import MOVES_BY_NAME

NEW_UNIT = "new"
# The value format of a browser's date-time input.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def subject_label(ticket) -> str:
    """One line for a ticket a complaint can be about: reference, kind, product, date, status."""
    parts = [ticket.reference, ticket.get_kind_display()]
    if ticket.unit is not None:
        parts.append(ticket.unit.model.code)
    parts += [
        formats.date_format(timezone.localtime(ticket.created_at), "SHORT_DATE_FORMAT"),
        ticket.get_status_display(),
    ]
    return " · ".join(str(part) for part in parts)


class PhoneField(forms.CharField):
    """A phone number, normalised to E.164; a clear message when it is not a number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return normalize_phone(value)
        except InvalidPhone as exc:
            raise forms.ValidationError(str(exc), code="invalid_phone") from exc


class NotFutureDateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."), code="future")
        return value


class IntakeForm(forms.Form):
    """The new-ticket page: caller, product and request in one form, built for phone calls."""

    phone = PhoneField(label=_("Caller's phone"), error_messages={"required": _("Enter the caller's phone number.")})

    customer_name = forms.CharField(label=_("Name"), max_length=120, required=False)
    customer_email = forms.EmailField(label=_("Email"), required=False)
    customer_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    customer_region = forms.CharField(label=_("Region"), max_length=80, required=False)
    customer_language = forms.ChoiceField(
        label=_("Preferred language"), choices=Language.choices, initial=Language.CHINESE, required=False
    )

    referral_code = forms.CharField(
        label=_("Referral code"),
        max_length=40,
        required=False,
        help_text=_("A new customer's friend's code, if they give one."),
    )

    unit = forms.CharField(label=_("Product"), required=False)
    unit_model = forms.ModelChoiceField(
        label=_("Model"),
        queryset=ProductModel.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a known product model.")},
    )
    unit_serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    unit_batch = forms.CharField(label=_("Production batch"), max_length=40, required=False)
    unit_invoice_date = NotFutureDateField(label=_("Purchase (invoice) date"), required=False)
    unit_installation_date = NotFutureDateField(label=_("Installation date"), required=False)
    unit_dealer = forms.CharField(label=_("Dealer"), max_length=120, required=False)
    unit_price = forms.DecimalField(
        label=_("Invoice price"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    unit_has_invoice = forms.BooleanField(label=_("Invoice seen"), required=False)
    unit_has_warranty_card = forms.BooleanField(label=_("Warranty card seen"), required=False)

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.REPAIR)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    fault_category = forms.ModelChoiceField(
        label=_("Fault category"), queryset=selectors.active_fault_categories(), required=False
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe the problem or request.")},
    )
    # Offered when the kind is complaint; the choices are the caller's latest tickets.
    complaint_about = forms.ChoiceField(
        label=_("Complaint about"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the caller's tickets.")},
        help_text=_("The complaint counts against that ticket's station and product."),
    )
    contacted_at = forms.DateTimeField(
        label=_("First contact"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("When the customer first got in touch: change it for a letter, a voicemail or a call-back."),
    )

    def __init__(self, *args, customer=None, units=(), complaint_subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.units = list(units)
        self.complaint_subjects = list(complaint_subjects)
        self.fields["unit_model"].queryset = active_models()
        self.fields["complaint_about"].choices = [
            ("", _("No particular ticket")),
            *((ticket.reference, subject_label(ticket)) for ticket in self.complaint_subjects),
        ]
        # Minutes only, as the browser's date-time input shows it; never after the ticket is logged.
        self.fields["contacted_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_contacted_at(self):
        contacted_at = self.cleaned_data.get("contacted_at")
        if contacted_at is not None and contacted_at > timezone.now():
            raise forms.ValidationError(_("The first contact cannot be in the future."), code="future")
        return contacted_at

    def _clean_complaint(self, data: dict) -> None:
        """A complaint names its class (a service class or a product fault: the service checks
        which) and, when it is about one, the caller's ticket. Another kind ignores the ticket
        choice, which the page hides for it."""
        data["complaint_about_ticket"] = None
        if data.get("kind") != Kind.COMPLAINT:
            return
        category = data.get("fault_category")
        if category is None and not self.has_error("fault_category"):
            self.add_error("fault_category", _("Choose what the complaint is about."))
        reference = data.get("complaint_about") or ""
        data["complaint_about_ticket"] = next(
            (ticket for ticket in self.complaint_subjects if ticket.reference == reference), None
        )

    def clean(self):
        data = super().clean()
        self._clean_complaint(data)
        unit_choice = data.get("unit") or ""
        if self.customer is None and not (data.get("customer_name") or "").strip() and "phone" not in self.errors:
            self.add_error("customer_name", _("This caller is new: enter their name to create the customer."))
        if unit_choice == NEW_UNIT:
            if not data.get("unit_model") and "unit_model" not in self.errors:
                self.add_error("unit_model", _("Choose the product model."))
            if not (data.get("unit_serial") or "").strip():
                self.add_error("unit_serial", _("Enter the serial number."))
        elif unit_choice:
            match = next((unit for unit in self.units if str(unit.pk) == unit_choice), None)
            if match is None:
                self.add_error("unit", _("Choose one of the caller's products."))
            data["unit_object"] = match
        return data


class MoveForm(forms.Form):
    move = forms.ChoiceField(choices=[(name, move.label) for name, move in MOVES_BY_NAME.items()])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    merge_into = forms.CharField(label=_("Merge into (reference)"), required=False, max_length=20)
    version = forms.IntegerField(widget=forms.HiddenInput)


def booked_slot(start) -> tuple:
    """The visit day and time slot (tickets.choices.VisitSlot) a booking starting at ``start``
    shows in the assignment form: the slot its start falls in, "" when none does."""
    if start is None:
        return None, ""
    local = timezone.localtime(start)
    slot = next((slot for slot, (first, last) in SLOT_HOURS.items() if first <= local.hour < last), "")
    return local.date(), slot


class AssignForm(forms.Form):
    """A ticket's station, technician and agreed visit.

    Built for a ticket, it shows the current booking (the ticket's appointment) in the visit
    fields, and offers the technicians of the ticket's station first. Left as shown, the visit
    fields change nothing: a booking that fits no slot exactly (e.g. 09:00–11:00) is kept as it is.
    """

    station = forms.ModelChoiceField(
        label=_("Service station"), queryset=selectors.active_stations(), required=False, empty_label=_("No station")
    )
    assignee = forms.ModelChoiceField(
        label=_("Technician"), queryset=selectors.technicians(), required=False, empty_label=_("No technician")
    )
    appointment_date = forms.DateField(
        label=_("Visit day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    appointment_slot = forms.ChoiceField(label=_("Visit time"), choices=[("", "—"), *VisitSlot.choices], required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, ticket=None, **kwargs):
        self.booked = booked_slot(ticket.appointment_start) if ticket else (None, "")
        if ticket is not None and not args and "data" not in kwargs:
            day, slot = self.booked
            kwargs.setdefault(
                "initial",
                {
                    "station": ticket.station_id,
                    "assignee": ticket.assignee_id,
                    "appointment_date": day,
                    "appointment_slot": slot,
                    "version": ticket.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["assignee"].label_from_instance = _person
        memo_options(self.fields["station"], STATIONS, "assign.station")
        if ticket is not None:
            memo_options(
                self.fields["assignee"],
                TECHNICIANS_BY_STATION,
                "assign.assignee",
                ticket.station_id,
                options=lambda: self._grouped_technicians(ticket.station),
            )
            if ticket.appointment_start is not None:
                start, end = timezone.localtime(ticket.appointment_start), ticket.appointment_end
                self.fields["appointment_date"].help_text = _("Booked: %(when)s") % {
                    "when": formats.date_format(start, "SHORT_DATETIME_FORMAT")
                    + (f"–{formats.time_format(timezone.localtime(end), 'H:i')}" if end else "")
                }

    def _grouped_technicians(self, station) -> list:
        """The station's technicians, then the others, each group labelled; in one query."""
        here, others = [], []
        for user in selectors.technicians_for(station):
            (here if user.at_station else others).append((user.pk, _person(user)))
        empty = ("", self.fields["assignee"].empty_label)
        if station is None:
            return [empty, *others]
        groups = [(_("Technicians of %(station)s") % {"station": station.display_name}, here)] if here else []
        return [empty, *groups, *([(_("Other technicians"), others)] if others else [])]

    def clean(self):
        data = super().clean()
        if bool(data.get("appointment_date")) != bool(data.get("appointment_slot")) and not self._as_booked(data):
            self.add_error("appointment_slot", _("Give both the day and the time of the visit."))
        return data

    def _as_booked(self, data) -> bool:
        """The visit fields are as the form showed the current booking."""
        return self.booked[0] is not None and (data.get("appointment_date"), data.get("appointment_slot") or "") == (
            self.booked
        )

    def appointment(self):
        """The visit to agree, or None to leave the booking as it is."""
        data = self.cleaned_data
        if not data.get("appointment_date") or self._as_booked(data):
            return None
        return data["appointment_date"], data["appointment_slot"]


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note first.")},
    )
    is_public = forms.BooleanField(label=_("Visible to the customer"), required=False)


class ResolutionForm(forms.Form):
    # Typed, with the active catalogue offered as suggestions (the page's "fault-codes" datalist).
    fault_code = forms.CharField(
        label=_("Fault code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"list": "fault-codes", "autocomplete": "off"}),
    )
    fault_component = forms.CharField(label=_("Component"), max_length=80, required=False)
    root_cause = forms.CharField(label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    work_done = forms.CharField(
        label=_("Work done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Describe the work done.")},
    )
    parts_used = forms.CharField(label=_("Parts used"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    charge = forms.DecimalField(
        label=_("Charge"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        error_messages={"invalid": _("Enter an amount such as 120.00.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

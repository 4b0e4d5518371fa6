"""The query filters of the callback, feedback and alert lists (django-filter). A value that
does not parse is a 400 with the parameter's error, never an empty list that looks like an answer."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget

from aftersales.api.filters import DateTimeFilter, IdFilter
from followups.choices import CallbackKind, CallbackStatus
from followups.feedback.services import overdue_q
from followups.models import CallbackVisit, FeedbackItem, FeedbackStatus
from tickets.models import Department


class _StrictBooleanWidget(BooleanWidget):
    """Passes a value that is not a boolean on to the field, which refuses it (django-filter's
    own widget turns it into "no filter", and the caller would take the list for an answer)."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        return raw if value is None and raw not in (None, "") else value


class _StrictBooleanField(forms.NullBooleanField):
    widget = _StrictBooleanWidget

    def to_python(self, value):
        if value in (True, False, None, ""):
            return None if value == "" else value
        raise forms.ValidationError(_("Give true or false."), code="invalid")

    def validate(self, value) -> None:
        pass


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = _StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _StrictBooleanWidget)
        super().__init__(*args, **kwargs)


class CallbackFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=CallbackKind.choices)
    status = filters.ChoiceFilter(choices=CallbackStatus.choices, help_text="Default: due (the calls still to make).")
    due_before = DateTimeFilter(
        field_name="due_at", lookup_expr="lt", help_text="Due before this time (ISO 8601), e.g. now for the overdue."
    )
    assigned_to = IdFilter(field_name="assigned_to_id", help_text="Id of the agent the call is assigned to.")
    customer = IdFilter(field_name="customer_id", help_text="Id of the customer.")

    class Meta:
        model = CallbackVisit
        fields = ["kind", "status", "due_before", "assigned_to", "customer"]

    @property
    def qs(self) -> QuerySet[CallbackVisit]:
        rows = super().qs
        if not self.form.cleaned_data.get("status"):
            rows = rows.filter(status=CallbackStatus.DUE)
        return rows


class FeedbackFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=FeedbackStatus.choices)
    department = filters.ChoiceFilter(choices=Department.choices)
    model = IdFilter(field_name="model_id", help_text="Id of the product model.")
    batch = filters.CharFilter(max_length=40, help_text="Production batch, exactly.")
    component = filters.CharFilter(lookup_expr="iexact", max_length=80, help_text="Component, ignoring case.")
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="Not acknowledged within the 7 days.")

    class Meta:
        model = FeedbackItem
        fields = ["status", "department", "model", "batch", "component", "overdue"]

    def filter_overdue(self, rows: QuerySet[FeedbackItem], name: str, value: bool | None) -> QuerySet[FeedbackItem]:
        if value is None:
            return rows
        condition = overdue_q(timezone.now())
        return rows.filter(condition) if value else rows.exclude(condition)

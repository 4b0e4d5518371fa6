"""The national calendar (statutory holidays and make-up working days) and the business calendars
that SLA clocks count in. Imported by customers/models.py; the rules live in business_time.py."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.business_time import MIDNIGHT, CalendarSpec


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("statutory holiday")
    WORKDAY = "workday", _("make-up working day")


class NationalCalendarDay(models.Model):
    """A day the State Council's holiday schedule sets apart from an ordinary week.

    A statutory holiday is a day off: business calendars are closed, and a warranty period whose
    last day is one ends on the day after the holiday run (docs/three-guarantees.md#periods-and-day-counting). A make-up
    working day (调休上班) is a weekend day worked in exchange for a longer holiday: business
    calendars open with their make-up hours; the three-guarantees engine ignores it.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind of day"), max_length=10, choices=DayKind.choices, default=DayKind.HOLIDAY)
    name = models.CharField(
        _("holiday"),
        max_length=60,
        help_text=_("The holiday the day belongs to, e.g. 春节 Spring Festival (also for its make-up working days)."),
    )

    class Meta:
        verbose_name = _("national calendar day")
        verbose_name_plural = _("national calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_OPENS = dt.time(8, 30)
DEFAULT_CLOSES = dt.time(17, 30)
CLOSED_HELP = _("Leave both times empty when closed on this day. A closing time of 00:00 means midnight.")


def default_time_zone() -> str:
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("%(value)s is not a time zone name such as Asia/Shanghai."), params={"value": value}
        ) from error


def _opens(verbose_name: str, open_by_default: bool) -> models.TimeField:
    return models.TimeField(
        verbose_name,
        null=True,
        blank=True,
        default=DEFAULT_OPENS if open_by_default else None,
        help_text=CLOSED_HELP,
    )


def _closes(verbose_name: str, open_by_default: bool) -> models.TimeField:
    return models.TimeField(verbose_name, null=True, blank=True, default=DEFAULT_CLOSES if open_by_default else None)


class BusinessCalendar(models.Model):
    """When a service centre counts time: SLA deadlines run only in its open hours.

    Exactly one calendar is the organisation's default; a station may name another (rural
    stations, a 24×7 hotline). Statutory holidays close every calendar that is not always open;
    make-up working days open it with the hours of its make-up weekday.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("The opening hours are local times in this zone, e.g. Asia/Shanghai or Europe/Berlin."),
    )
    always_open = models.BooleanField(
        _("open around the clock"),
        default=False,
        help_text=_("A 24×7 hotline: every hour counts, holidays included, and the opening hours below are ignored."),
    )
    monday_opens = _opens(_("Monday opens"), True)
    monday_closes = _closes(_("Monday closes"), True)
    tuesday_opens = _opens(_("Tuesday opens"), True)
    tuesday_closes = _closes(_("Tuesday closes"), True)
    wednesday_opens = _opens(_("Wednesday opens"), True)
    wednesday_closes = _closes(_("Wednesday closes"), True)
    thursday_opens = _opens(_("Thursday opens"), True)
    thursday_closes = _closes(_("Thursday closes"), True)
    friday_opens = _opens(_("Friday opens"), True)
    friday_closes = _closes(_("Friday closes"), True)
    saturday_opens = _opens(_("Saturday opens"), True)
    saturday_closes = _closes(_("Saturday closes"), True)
    sunday_opens = _opens(_("Sunday opens"), False)
    sunday_closes = _closes(_("Sunday closes"), False)
    makeup_weekday = models.PositiveSmallIntegerField(
        _("hours on a make-up working day"),
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text=_(
            "On a make-up working day (调休上班, a weekend day worked in exchange for a holiday) "
            "the calendar opens with the hours of this weekday."
        ),
    )
    is_default = models.BooleanField(
        _("organisation's default"),
        default=False,
        help_text=_(
            "The calendar of every station that names none. Exactly one calendar is the default: "
            "making this one the default makes the previous one an ordinary calendar."
        ),
    )

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_business_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def hours_of(self, weekday: int) -> tuple[dt.time, dt.time] | None:
        field = WEEKDAY_FIELDS[weekday]
        opens, closes = getattr(self, f"{field}_opens"), getattr(self, f"{field}_closes")
        return None if opens is None or closes is None else (opens, closes)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in WEEKDAY_FIELDS:
            opens, closes = getattr(self, f"{field}_opens"), getattr(self, f"{field}_closes")
            if (opens is None) != (closes is None):
                missing = f"{field}_closes" if closes is None else f"{field}_opens"
                errors[missing] = _("Give both the opening and the closing time, or neither when closed.")
            elif opens is not None and closes != MIDNIGHT and closes <= opens:
                errors[f"{field}_closes"] = _("The closing time must be after the opening time.")
        if not self.always_open and not any(self.hours_of(weekday) for weekday in range(7)):
            errors["always_open"] = _("Give opening hours for at least one weekday, or make it open around the clock.")
        if not self.is_default and self.pk is not None:
            if BusinessCalendar.objects.filter(pk=self.pk, is_default=True).exists():
                errors["is_default"] = _("Make another calendar the default instead: there is always one default.")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: set[str] | None = None) -> None:
        # Making a calendar the default takes the mark off the previous one in the same
        # transaction (calendar_services.business_calendar_save): not a form error.
        super().validate_constraints(exclude={*(exclude or ()), "is_default"})

    def spec(self, holidays: frozenset[dt.date], workdays: frozenset[dt.date]) -> CalendarSpec:
        """The calendar as business_time reads it, observing these national days."""
        return CalendarSpec(
            tz=zoneinfo.ZoneInfo(self.time_zone),
            always_open=self.always_open,
            hours_by_weekday={weekday: self.hours_of(weekday) for weekday in range(7)},
            makeup_hours=self.hours_of(self.makeup_weekday),
            holidays=holidays,
            workdays=workdays,
        )

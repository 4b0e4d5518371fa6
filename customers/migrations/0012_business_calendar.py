"""The national calendar holds make-up working days (调休上班) beside the statutory holidays, for
every year the chinese-calendar package knows, and business calendars give SLA clocks their
opening hours, with one default: 08:30–17:30, Monday to Saturday.

The statutory holidays table becomes the national calendar (same rows, each now of a kind); the
days already there are kept as they are, the package only adds the days that are missing.
"""

import datetime

from django.db import migrations, models

import customers.calendar_models

# The names used since 0006 for the package's holidays; others are named "中文 English" as given.
NAMES = {
    "New Year's Day": "元旦 New Year's Day",
    "Spring Festival": "春节 Spring Festival",
    "Tomb-sweeping Day": "清明节 Qingming Festival",
    "Labour Day": "劳动节 Labour Day",
    "Dragon Boat Festival": "端午节 Dragon Boat Festival",
    "National Day": "国庆节 National Day",
    "Mid-autumn Festival": "中秋节 Mid-Autumn Festival",
}


def _name(english):
    from chinese_calendar.constants import Holiday

    if english in NAMES:
        return NAMES[english]
    return f"{Holiday(english).chinese} {english}"[:60]


def load_national_days(apps, schema_editor):
    from chinese_calendar.constants import holidays, workdays

    Day = apps.get_model("customers", "NationalCalendarDay")
    known = set(Day.objects.values_list("date", flat=True))
    Day.objects.bulk_create(
        [
            Day(date=date, kind="holiday", name=_name(name))
            for date, name in sorted(holidays.items())
            if date not in known
        ]
        + [
            Day(date=date, kind="workday", name=_name(name))
            for date, name in sorted(workdays.items())
            if date not in known
        ]
    )


def unload_workdays(apps, schema_editor):
    # The holidays stay: before this migration the table held holidays only.
    apps.get_model("customers", "NationalCalendarDay").objects.filter(kind="workday").delete()


def create_default_calendar(apps, schema_editor):
    BusinessCalendar = apps.get_model("customers", "BusinessCalendar")
    if not BusinessCalendar.objects.filter(is_default=True).exists():
        BusinessCalendar.objects.create(name="标准工作时间 Standard hours", is_default=True)


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_phone_codes")]

    operations = [
        migrations.RenameModel("StatutoryHoliday", "NationalCalendarDay"),
        migrations.AlterModelOptions(
            name="nationalcalendarday",
            options={
                "ordering": ["date"],
                "verbose_name": "national calendar day",
                "verbose_name_plural": "national calendar days",
            },
        ),
        migrations.AddField(
            model_name="nationalcalendarday",
            name="kind",
            field=models.CharField(
                choices=[("holiday", "statutory holiday"), ("workday", "make-up working day")],
                default="holiday",
                max_length=10,
                verbose_name="kind of day",
            ),
        ),
        migrations.AlterField(
            model_name="nationalcalendarday",
            name="name",
            field=models.CharField(
                help_text="The holiday the day belongs to, e.g. 春节 Spring Festival (also for its make-up working days).",
                max_length=60,
                verbose_name="holiday",
            ),
        ),
        migrations.CreateModel(
            name="BusinessCalendar",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=80, unique=True, verbose_name="name")),
                (
                    "time_zone",
                    models.CharField(
                        default=customers.calendar_models.default_time_zone,
                        help_text="The opening hours are local times in this zone, e.g. Asia/Shanghai or Europe/Berlin.",
                        max_length=64,
                        validators=[customers.calendar_models.validate_time_zone],
                        verbose_name="time zone",
                    ),
                ),
                (
                    "always_open",
                    models.BooleanField(
                        default=False,
                        help_text="A 24×7 hotline: every hour counts, holidays included, and the opening hours below are ignored.",
                        verbose_name="open around the clock",
                    ),
                ),
                (
                    "monday_opens",
                    models.TimeField(
                        blank=True,
                        default=datetime.time(8, 30),
                        help_text="Leave both times empty when closed on this day. A closing time of 00:00 means midnight.",
                        null=True,
                        verbose_name="Monday opens",
                    ),
                ),
                (
                    "monday_closes",
                    models.TimeField(
                        blank=True, default=datetime.time(17, 30), null=True, verbose_name="Monday closes"
                    ),
                ),
                (
                    "tuesday_opens",
                    models.TimeField(
                        blank=True,
                        default=datetime.time(8, 30),
                        help_text="Leave both times empty when closed on this day. A closing time of 00:00 means midnight.",
                        null=True,
                        verbose_name="Tuesday opens",
                    ),
                ),
                (
                    "tuesday_closes",
                    models.TimeField(
                        blank=True, default=datetime.time(17, 30), null=True, verbose_name="Tuesday closes"
                    ),
                ),
                (
                    "wednesday_opens",
                    models.TimeField(
                        blank=True,
                        default=datetime.time(8, 30),
                        help_text="Leave both times empty when closed on this day. A closing time of 00:00 means midnight.",
                        null=True,
                        verbose_name="Wednesday opens",
                    ),
                ),
                (
                    "wednesday_closes",
                    models.TimeField(
                        blank=True, default=datetime.time(17, 30), null=True, verbose_name="Wednesday closes"
                    ),
                ),
                (
                    "thursday_opens",
                    models.TimeField(
                        blank=True,
                        default=datetime.time(8, 30),
                        help_text="Leave both times empty when closed on this day. A closing time of 00:00 means midnight.",
                        null=True,
                        verbose_name="Thursday opens",
                    ),
                ),
                (
                    "thursday_closes",
                    models.TimeField(
                        blank=True, default=datetime.time(17, 30), null=True, verbose_name="Thursday closes"
                    ),
                ),
                (
                    "friday_opens",
                    models.TimeField(
                        blank=True,
                        default=datetime.time(8, 30),
                        help_text="Leave both times empty when closed on this day. A closing time of 00:00 means midnight.",
                        null=True,
                        verbose_name="Friday opens",
                    ),
                ),
                (
                    "friday_closes",
                    models.TimeField(
                        blank=True, default=datetime.time(17, 30), null=True, verbose_name="Friday closes"
                    ),
                ),
                (
                    "saturday_opens",
                    models.TimeField(
                        blank=True,
                        default=datetime.time(8, 30),
                        help_text="Leave both times empty when closed on this day. A closing time of 00:00 means midnight.",
                        null=True,
                        verbose_name="Saturday opens",
                    ),
                ),
                (
                    "saturday_closes",
                    models.TimeField(
                        blank=True, default=datetime.time(17, 30), null=True, verbose_name="Saturday closes"
                    ),
                ),
                (
                    "sunday_opens",
                    models.TimeField(
                        blank=True,
                        default=None,
                        help_text="Leave both times empty when closed on this day. A closing time of 00:00 means midnight.",
                        null=True,
                        verbose_name="Sunday opens",
                    ),
                ),
                ("sunday_closes", models.TimeField(blank=True, default=None, null=True, verbose_name="Sunday closes")),
                (
                    "makeup_weekday",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Monday"),
                            (1, "Tuesday"),
                            (2, "Wednesday"),
                            (3, "Thursday"),
                            (4, "Friday"),
                            (5, "Saturday"),
                            (6, "Sunday"),
                        ],
                        default=0,
                        help_text="On a make-up working day (调休上班, a weekend day worked in exchange for a holiday) the calendar opens with the hours of this weekday.",
                        verbose_name="hours on a make-up working day",
                    ),
                ),
                (
                    "is_default",
                    models.BooleanField(
                        default=False,
                        help_text="The calendar of every station that names none. Exactly one calendar is the default: making this one the default makes the previous one an ordinary calendar.",
                        verbose_name="organisation's default",
                    ),
                ),
            ],
            options={
                "verbose_name": "business calendar",
                "verbose_name_plural": "business calendars",
                "ordering": ["-is_default", "name"],
            },
        ),
        migrations.AddConstraint(
            model_name="businesscalendar",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_default", True)), fields=("is_default",), name="one_default_business_calendar"
            ),
        ),
        migrations.RunPython(load_national_days, unload_workdays),
        migrations.RunPython(create_default_calendar, migrations.RunPython.noop),
    ]

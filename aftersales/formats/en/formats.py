# One date format and one date-and-time format in English, whatever a template or a view asks
# for (DATE_FORMAT or SHORT_DATE_FORMAT alike): "7 Dec 2026" and "7 Dec 2026 14:30", the day
# before the month so no reader mistakes it for an American date, and a 24-hour clock.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]

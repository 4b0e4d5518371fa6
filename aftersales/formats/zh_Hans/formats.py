# One date format and one date-and-time format in Chinese, whatever a template or a view asks
# for (DATE_FORMAT or SHORT_DATE_FORMAT alike): "2026年12月7日" and "2026年12月7日 14:30", as
# Chinese readers write dates, with a 24-hour clock.
DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]

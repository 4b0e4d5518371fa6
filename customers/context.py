"""Template context the calendar pages need, read only by the templates that use it."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from customers.calendars import calendar_gaps


def calendar_warning(request: HttpRequest) -> dict:
    """``calendar_gaps``: this year and the next when the national calendar has no day for them
    (templates/dashboard/_calendar_warning.html). Lazy: a page that does not show the warning
    makes no query for it."""
    return {"calendar_gaps": SimpleLazyObject(lambda: calendar_gaps(timezone.localdate()))}

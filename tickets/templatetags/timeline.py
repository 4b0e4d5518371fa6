"""Timeline events in templates: ``{% load timeline %}`` then ``{{ event|event_text }}``."""

from django import template

from tickets.models import TicketEvent
from tickets.timeline_texts import render_event_text

register = template.Library()


@register.filter
def event_text(event: TicketEvent) -> str:
    """What the event says in the reader's (active) language; a typed note as typed."""
    return render_event_text(event)

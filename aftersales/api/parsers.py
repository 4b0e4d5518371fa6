"""JSON request bodies with a bound on their nesting.

Python's JSON decoder recurses once per level: a body of a few kilobytes nested a thousand levels
deep (``[[[[…]]]]``) exhausts the interpreter's stack, and the RecursionError came out as a 500.
No request this API takes nests deeper than a handful of levels, so a body nested deeper than
MAX_DEPTH is refused as a parse error (400, code ``parse_error``) before any view sees it.

Every view parses JSON through this parser: it is the default parser, and the content negotiation
puts it in the place of DRF's plain JSONParser where a view names that one itself.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.negotiation import DefaultContentNegotiation

# Far more than any request body here needs (the deepest, a claim's facts with their proof of
# purchase, nests three levels), far less than the interpreter's recursion limit.
MAX_DEPTH = 32


def nesting_depth(data: Any, *, limit: int) -> int:
    """How deeply ``data`` nests its lists and objects (a scalar is 0, ``[]`` is 1), counted
    without recursion, and no further than ``limit + 1``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        stack.extend((child, depth) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than MAX_DEPTH levels."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        too_deep = ParseError(
            _("JSON parse error - nested more than %(depth)s levels deep.") % {"depth": self.max_depth}
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if nesting_depth(data, limit=self.max_depth) > self.max_depth:
            raise too_deep
        return data


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, except that a body in JSON is always read by the depth-bounded parser,
    whichever JSON parser the view lists."""

    def select_parser(self, request, parsers_: list[parsers.BaseParser]) -> parsers.BaseParser | None:
        parser = super().select_parser(request, parsers_)
        if isinstance(parser, parsers.JSONParser) and not isinstance(parser, JSONParser):
            return JSONParser()
        return parser

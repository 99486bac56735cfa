"""The API's JSON parser: numbers with a fraction as Decimal, and a bound on nesting.

Python's decoder recurses once per level of nesting: ``[`` repeated a thousand times raised a
RecursionError, which no handler expects, and answered 500, even to an anonymous caller on the
sign-in endpoint. Here a body deeper than RECTIFY_JSON_MAX_DEPTH (or too deep for the decoder)
answers 400, like any other malformed body; the recursion never escapes.
"""

from __future__ import annotations

import codecs
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

DEFAULT_MAX_DEPTH = 32


def max_depth() -> int:
    return int(getattr(settings, "RECTIFY_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH))


def depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0), counted without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def too_deep() -> ParseError:
    return ParseError(_("JSON 嵌套层数超过 %(depth)d 层，请求无法处理。") % {"depth": max_depth()})


def loads(text: str, *, strict: bool = True) -> Any:
    """``text`` decoded as the API reads JSON; a ParseError (400) for anything malformed or too deep."""
    parse_constant = json.strict_constant if strict else None
    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=parse_constant)
    except RecursionError:
        raise too_deep() from None
    except ValueError as exc:
        raise ParseError(_("JSON 格式错误：%(error)s") % {"error": exc}) from None
    if depth(value) > max_depth():
        raise too_deep()
    return value


class JSONParser(parsers.JSONParser):
    """JSON numbers with a fraction are read as Decimal (an amount arrives exactly as written, never as a
    float); nesting deeper than RECTIFY_JSON_MAX_DEPTH is refused with 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            text = codecs.getreader(encoding)(stream).read()
        except ValueError as exc:  # undecodable bytes
            raise ParseError(_("JSON 格式错误：%(error)s") % {"error": exc}) from None
        return loads(text, strict=self.strict)

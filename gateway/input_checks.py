"""Hostile or broken input stopped at the edge, before anything reaches a service:
JSON bodies too large, too deeply nested or not JSON at all, and text that could
not be stored or sent back (lone surrogates, NUL and other control characters) in
a JSON body, a query string or a path parameter.

Every refusal is a DomainError, so the error middleware answers in API.md's shape:
400 ``malformed_json`` / ``json_too_deep``, 408 ``body_too_slow``, 413
``body_too_large``, 422 ``invalid_text`` with the offending ``field``."""
import asyncio
import json
import os
import re
from itertools import accumulate

from aiohttp import web

from zc_common.errors import BadRequest, Invalid, RequestTimeout, TooLarge
from zc_common.text import INVALID_TEXT_MESSAGE, is_storable, printable_name

MAX_JSON_BYTES = 1024 * 1024
# The deepest body the API takes is a section: object → table → row → value (4).
# 32 leaves room for any future form and stays far below Python's recursion limit,
# which deeply nested JSON would otherwise hit in the parser (a 500).
MAX_JSON_DEPTH = 32
# A JSON body is small: one that takes longer than this is a client holding a
# connection open on purpose (or lost), not a slow network.
BODY_READ_TIMEOUT = float(os.environ.get("ZC_BODY_READ_TIMEOUT", "30"))

# A JSON string literal, unrolled so that it never backtracks (linear time even on
# an unterminated string).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text):
    """How deeply arrays and objects nest in JSON text, counted without parsing it
    (brackets inside strings do not count)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes, max_depth=MAX_JSON_DEPTH):
    """The body's data; BadRequest for anything that is not plain, shallow JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise malformed_json() from None
    if json_depth(text) > max_depth:
        raise BadRequest("json_too_deep", f"请求体嵌套层数过多（最多 {max_depth} 层）")
    try:
        # NaN and Infinity are not JSON; a number too long to convert is a ValueError too.
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise malformed_json() from None


def malformed_json():
    return BadRequest("malformed_json", "请求体不是有效的 JSON")


def unstorable_field(data):
    """The path (``a.b[2].c``, as services name fields) of the first string — value
    or key — that cannot be stored; "" for the body itself; None when all is well."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not is_storable(value):
                return path
        elif isinstance(value, dict):
            children = []
            for key, item in value.items():
                key_path = f"{path}.{printable_name(key)}" if path else printable_name(key)
                if not is_storable(key):
                    return key_path
                children.append((key_path, item))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{n}]", item) for n, item in enumerate(value)]))
    return None


def invalid_text(field):
    return Invalid("invalid_text", f"字段 {field or '请求体'} {INVALID_TEXT_MESSAGE}", field=field or None)


async def read_json(request: web.Request, max_bytes=MAX_JSON_BYTES, max_depth=MAX_JSON_DEPTH):
    """The request's JSON body, checked: size, encoding, depth, then every string."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise body_too_large(max_bytes)
    try:
        async with asyncio.timeout(BODY_READ_TIMEOUT):
            raw = await request.read()
    except web.HTTPRequestEntityTooLarge:  # chunked: the app's client_max_size stopped it
        raise body_too_large(max_bytes) from None
    except TimeoutError:
        raise RequestTimeout("body_too_slow", "请求体长时间未传完，连接已断开") from None
    if len(raw) > max_bytes:
        raise body_too_large(max_bytes)
    data = parse_json(raw, max_depth)
    field = unstorable_field(data)
    if field is not None:
        raise invalid_text(field)
    return data


def body_too_large(max_bytes):
    return TooLarge("body_too_large", f"请求体不能超过 {max_bytes // 1024} KB")


def check_params(params):
    """Path parameters (ids, keys): PostgreSQL refuses NUL in text, so one would be a 500."""
    for name, value in params.items():
        if not is_storable(value):
            raise invalid_text(name)


def check_query(query):
    for name, value in query.items():
        if not is_storable(name) or not is_storable(value):
            raise invalid_text(printable_name(name))


def check_form_fields(fields):
    """Text fields of a multipart form, as decoded."""
    for name, value in fields.items():
        if not is_storable(name or "") or not is_storable(value):
            raise invalid_text(printable_name(name or ""))

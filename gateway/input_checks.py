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
from itertools import compress

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
# an unterminated string). On UTF-8 bytes: '"' and '\' never occur inside a
# multi-byte character.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACES_AS_BRACKETS = bytes.maketrans(b"{}", b"[]")

# Escapes that decode to text no service can store: a control character other than
# tab, LF and CR, or a surrogate that is not half of a pair. Nothing else in valid
# JSON can: the parser refuses raw control characters in strings, and strict UTF-8
# cannot carry a surrogate. (An escaped backslash before "u0000" matches too; the
# walk over the parsed data then finds nothing.)
_BAD_ESCAPE = re.compile(  # starts with a literal, so the engine skips ahead fast
    rb"\\(?:[bf]"  # backspace, form feed
    rb"|u(?:00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])"
    rb"|[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2}\\u)[dD][c-fC-F][0-9a-fA-F]{2}))")


def nesting_exceeds(raw: bytes, max_depth=MAX_JSON_DEPTH):
    """Whether arrays and objects in the JSON nest deeper than ``max_depth``, decided
    before parsing (brackets inside strings do not count). Every step is a C-speed
    pass over the brackets alone, and each removes the innermost level, so a
    hostile megabyte costs about what parsing it would."""
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return False
    brackets = _JSON_STRING.sub(b"", raw).translate(_BRACES_AS_BRACKETS, _NOT_BRACKETS)
    too_many_open = b"[" * (max_depth + 1)  # in a row: the usual hostile shape, found at once
    for _ in range(max_depth):
        if too_many_open in brackets:
            return True
        inner_removed = brackets.replace(b"[]", b"")
        if not inner_removed or len(inner_removed) == len(brackets):
            return False  # all levels removed, or unbalanced: then the parser refuses it
        brackets = inner_removed
    return True


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes, max_depth=MAX_JSON_DEPTH):
    """The body's data; BadRequest for anything that is not plain, shallow JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise malformed_json() from None
    if nesting_exceeds(raw, max_depth):
        raise BadRequest("json_too_deep", f"请求体嵌套层数过多（最多 {max_depth} 层）")
    try:
        # NaN and Infinity are not JSON; a number too long to convert is a ValueError too.
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise malformed_json() from None


def malformed_json():
    return BadRequest("malformed_json", "请求体不是有效的 JSON")


def may_hold_unstorable(raw: bytes):
    """False when the JSON text cannot decode to unstorable text (the usual case,
    answered by one regex search, without walking the data)."""
    return _BAD_ESCAPE.search(raw) is not None


_WALKED = frozenset((str, dict, list))


# No form of the API comes near this many strings, objects and arrays in one body.
WALK_BUDGET = 20_000


def unstorable_field(data, budget=WALK_BUDGET):
    """The path (``a.b[2].c``, as services name fields) of the first string — value
    or key — that cannot be stored; "" for the body itself (or for a body too large
    to search through, once ``may_hold_unstorable`` has said it may hold one); None
    when all is well."""
    stack = [("", data)]
    while stack:
        budget -= 1
        if budget < 0:
            return ""
        path, value = stack.pop()
        kind = type(value)
        if kind is str:
            if not is_storable(value):
                return path
        elif kind is dict:
            children = []
            for key, item in value.items():
                key_path = f"{path}.{printable_name(key)}" if path else printable_name(key)
                if not is_storable(key):
                    return key_path
                if type(item) in _WALKED:
                    children.append((key_path, item))
            stack.extend(reversed(children))
        elif kind is list:
            # Numbers, booleans and nulls are skipped at C speed: a hostile list of a
            # million of them costs no more than parsing it did.
            walked = compress(range(len(value)), map(_WALKED.__contains__, map(type, value)))
            stack.extend(reversed([(f"{path}[{n}]", value[n]) for n in walked]))
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
    if may_hold_unstorable(raw):
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

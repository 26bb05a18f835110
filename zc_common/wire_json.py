"""JSON on the wire, encoded and decoded by orjson: every RPC, event and HTTP answer
passes through JSON once or twice per hop, and the standard library's encoder was a
fifth of the gateway's CPU on a deadline (bench/steps.py; py-spy).

What orjson will not take is handed to the standard library as before: a string with
a lone surrogate (stored before the edge refused them) is escaped instead of failing
the answer; an integer beyond 64 bits, or a type neither knows, fails as it did.

For kombu (the services' RPC and events), ``use_for_kombu()`` replaces the ``json``
serializer's functions in place, keeping kombu's own typed values: what its encoder
turns into ``{"__type__": …, "__value__": …}`` (datetime, date, time, Decimal,
bytes) still travels so and is turned back on the way in. A ``uuid.UUID`` goes as
its string (orjson writes it natively; our ids are strings anyway).
"""
import json

import orjson
from kombu.utils import json as kombu_json

_HTTP_OPTIONS = orjson.OPT_NON_STR_KEYS
_KOMBU_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_TYPED = b'"__type__"'


def dumps_http(data):
    """The bytes of an HTTP answer or a gateway RPC request: UTF-8, Chinese readable."""
    try:
        return orjson.dumps(data, option=_HTTP_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(data).encode("ascii")


def dumps_text(data):
    """A JSON column's text as the database stores it."""
    try:
        return orjson.dumps(data, option=_HTTP_OPTIONS).decode("utf-8")
    except TypeError:
        return json.dumps(data)


def loads(data):
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # e.g. an escaped lone surrogate, which orjson refuses
        return json.loads(data)


_KOMBU_ENCODER = kombu_json.JSONEncoder()


def _kombu_typed(value):
    return _KOMBU_ENCODER.default(value)


def dumps_kombu(data):
    try:
        return orjson.dumps(data, default=_kombu_typed, option=_KOMBU_OPTIONS)
    except TypeError:
        return kombu_json.dumps(data)


def loads_kombu(data):
    if isinstance(data, memoryview):
        data = data.tobytes()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if _TYPED in raw:
        return kombu_json.loads(data)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return kombu_json.loads(data)


def use_for_kombu():
    """Make kombu's ``json`` serializer (nameko's default) use orjson in this process."""
    from kombu.serialization import registry
    registry.register("json", dumps_kombu, loads_kombu, content_type="application/json", content_encoding="utf-8")

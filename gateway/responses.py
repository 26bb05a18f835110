"""JSON responses with Chinese left readable (no \\u escapes)."""
import functools
import json

from aiohttp import web

dumps = functools.partial(json.dumps, ensure_ascii=False)


def _dumps_encodable(data):
    text = dumps(data)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate stored before the edge refused them: escaped, the record
        # still loads instead of answering 500 on every read.
        return json.dumps(data)
    return text


def encode_json(data):
    """The bytes ``json_response`` sends for ``data``."""
    return _dumps_encodable(data).encode("utf-8")


def json_response(data, status=200, **kwargs):
    return web.json_response(data, status=status, dumps=_dumps_encodable, **kwargs)

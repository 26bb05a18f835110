"""JSON responses with Chinese left readable (no \\u escapes)."""
from aiohttp import web

from zc_common.wire_json import dumps_http


def encode_json(data):
    """The bytes ``json_response`` sends for ``data`` (UTF-8; a lone surrogate stored
    before the edge refused them is escaped, so the record still loads instead of
    answering 500 on every read)."""
    return dumps_http(data)


def json_response(data, status=200, **kwargs):
    return web.Response(body=encode_json(data), status=status, content_type="application/json", charset="utf-8",
                        **kwargs)

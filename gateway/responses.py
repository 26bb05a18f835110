"""JSON responses with Chinese left readable (no \\u escapes)."""
import functools
import json

from aiohttp import web

dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(data, status=200, **kwargs):
    return web.json_response(data, status=status, dumps=dumps, **kwargs)

"""Recently served files, by object key and ETag, in the gateway's memory.

Who may read a file is still asked of documents on every request; only the bytes
are kept. documents names the object *and its current ETag* (a HEAD it makes on
the store), so a kept copy is served only while it is exactly what the store
holds — a re-rendered or replaced object has another ETag and is fetched anew.
Bounded in bytes (``ZC_FILE_CACHE_BYTES``, default 32 MiB; 0 turns it off), least
recently used first out; files over ``MAX_ENTRY`` are always streamed.
"""
import os
from collections import OrderedDict

from aiohttp import web

MAX_ENTRY = 4 * 1024 * 1024


def quoted(etag):
    """An ETag as HTTP writes it (S3 clients hand it out without the quotes)."""
    return f'"{etag.strip(chr(34))}"' if etag else None


class FileCache:
    def __init__(self, max_bytes=None):
        self.max_bytes = int(os.environ.get("ZC_FILE_CACHE_BYTES", 32 * 1024 * 1024)
                             if max_bytes is None else max_bytes)
        self.entries = OrderedDict()   # (key, etag) -> bytes
        self.size = 0

    def get(self, key, etag):
        content = self.entries.get((key, etag))
        if content is not None:
            self.entries.move_to_end((key, etag))
        return content

    def keeps(self, size):
        return size is not None and size <= min(MAX_ENTRY, self.max_bytes)

    def put(self, key, etag, content):
        if not self.keeps(len(content)) or (key, etag) in self.entries:
            return
        for old in [k for k in self.entries if k[0] == key]:  # an older version of the object
            self.size -= len(self.entries.pop(old))
        self.entries[(key, etag)] = content
        self.size += len(content)
        while self.size > self.max_bytes:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped)


FILE_CACHE = web.AppKey("file_cache", FileCache)

"""An in-memory stand-in for ``gateway.objects.ObjectStore`` (the integration
tests use the stack's real SeaweedFS). Same calls, same answers: None for a
missing object, 304 when If-None-Match names the stored bytes."""
import hashlib
from contextlib import asynccontextmanager

from gateway.objects import StoredObject


class _Body:
    def __init__(self, data):
        self.data = data

    async def iter_chunked(self, size):
        for start in range(0, len(self.data), size):
            yield self.data[start:start + size]


class MemoryObjects:
    def __init__(self):
        self.objects = {}
        self.reads = []

    def etag(self, key):
        return '"' + hashlib.md5(self.objects[key]).hexdigest() + '"'

    @asynccontextmanager
    async def reading(self, key, if_none_match=None):
        self.reads.append(key)
        if key not in self.objects:
            yield None
            return
        etag = self.etag(key)
        if if_none_match == etag:
            yield StoredObject(304, etag, None, _Body(b""))
            return
        yield StoredObject(200, etag, len(self.objects[key]), _Body(self.objects[key]))

    async def put_file(self, key, spool):
        self.objects[key] = b"".join([chunk async for chunk in spool.chunks(64 * 1024)])

    async def remove(self, key):
        self.objects.pop(key, None)

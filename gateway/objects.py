"""The gateway's own line to the object store, so file bytes never ride RabbitMQ.

A download: documents decides who may read what and answers one small RPC with
the object's key; the gateway then streams that object from the store to the
client, chunk by chunk. An upload: the gateway spools the file part to disk,
PUTs it to the store under a key documents' layout reserves for it, and hands
documents the key to check and record (``gateway.staging``).

Requests are signed here by the minio client (presigned URLs: SigV4 computed
locally, no network call) and sent with aiohttp, so the event loop never waits
on a blocking client. The URLs never leave the gateway: under ``make run`` the
store listens on loopback only, and a redirect would also give up the gateway's
headers (Content-Disposition, nosniff, no-store) — files go through the gateway.
"""
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from aiohttp import web
from minio import Minio

from gateway.file_cache import FILE_CACHE, FileCache
from zc_common.config import s3_settings
from zc_common.errors import Unavailable

log = logging.getLogger("gateway.objects")

SIGNED_FOR = timedelta(minutes=5)   # used at once; the margin is for clock skew only
CHUNK = 64 * 1024
TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=5, sock_read=30)


def storage_unavailable():
    return Unavailable("storage_unavailable", "文件存储暂不可用，请稍后重试")


@dataclass
class StoredObject:
    status: int                 # 200, or 304 when the client's If-None-Match matched
    etag: str | None
    size: int | None
    body: aiohttp.StreamReader


class ObjectStore:
    """One bucket: stream an object out, put a spooled file in, remove one."""

    def __init__(self, settings=None):
        settings = settings or s3_settings()
        self.bucket = settings["bucket"]
        # region given: presigning never asks the server for the bucket's location
        self.signer = Minio(settings["endpoint"], access_key=settings["access_key"],
                            secret_key=settings["secret_key"], secure=settings["secure"],
                            region="us-east-1")
        self.session = None

    async def start(self):
        self.session = aiohttp.ClientSession(timeout=TIMEOUT, auto_decompress=False)

    async def close(self):
        if self.session is not None:
            await self.session.close()

    def _url(self, method, key):
        return self.signer.get_presigned_url(method, self.bucket, key, expires=SIGNED_FOR)

    @asynccontextmanager
    async def reading(self, key, if_none_match=None):
        """The object as a stream (``StoredObject``), or None when there is no such object."""
        headers = {"If-None-Match": if_none_match} if if_none_match else {}
        try:
            response = await self.session.get(self._url("GET", key), headers=headers)
        except aiohttp.ClientError as exc:
            log.warning("object store unreachable reading %s: %s", key, exc)
            raise storage_unavailable() from exc
        try:
            if response.status == 404:
                yield None
            elif response.status in (200, 304):
                yield StoredObject(response.status, response.headers.get("ETag"),
                                   response.content_length if response.status == 200 else None,
                                   response.content)
            else:
                log.warning("object store answered %s reading %s: %s", response.status, key,
                            (await response.text())[:300])
                raise storage_unavailable()
        except BaseException:
            response.close()  # do not drain a body nobody will read
            raise
        else:
            response.release()

    async def put_file(self, key, spool):
        """Store a spooled file (``gateway.uploads.FileSpool``) under ``key``, sent
        in chunks with its length (S3 servers want Content-Length, not chunked)."""
        headers = {"Content-Length": str(spool.size), "Content-Type": "application/octet-stream"}
        try:
            async with self.session.put(self._url("PUT", key), data=spool.chunks(CHUNK),
                                        headers=headers) as response:
                if response.status != 200:
                    log.warning("object store answered %s storing %s: %s", response.status, key,
                                (await response.text())[:300])
                    raise storage_unavailable()
        except aiohttp.ClientError as exc:
            log.warning("object store unreachable storing %s: %s", key, exc)
            raise storage_unavailable() from exc

    async def remove(self, key):
        """Best effort: a failure is logged, never raised (callers are cleaning up)."""
        try:
            async with self.session.delete(self._url("DELETE", key)) as response:
                if response.status not in (200, 204, 404):
                    log.warning("object store answered %s removing %s", response.status, key)
        except aiohttp.ClientError as exc:
            log.warning("could not remove object %s: %s", key, exc)


OBJECTS = web.AppKey("objects", ObjectStore)


async def object_store(app):
    """cleanup_ctx: the store client (unless a test injected one) and the cache of
    recently served files."""
    if FILE_CACHE not in app:
        app[FILE_CACHE] = FileCache()
    if OBJECTS in app:
        yield
        return
    store = ObjectStore()
    await store.start()
    app[OBJECTS] = store
    yield
    await store.close()

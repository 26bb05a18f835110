"""How much uploading the gateway admits, and how slowly a client may send.

An upload goes through three gates, in this order:

1. per owner (the logged-in user, or the client address when nobody is logged
   in): at most ``per_owner`` uploads at once, else 429 ``too_many_uploads`` with
   Retry-After — one account cannot hog the gateway;
2. the body is read at a pace: it must keep arriving at ``min_rate`` bytes/s on
   average (after a ``grace`` period for slow starts) and be complete within
   ``read_timeout``, else 408 ``upload_too_slow`` and everything is let go;
3. only then, with the whole (≤ 2 MB) body in hand, a slot among ``at_once``: a
   file held in memory costs ~10 MB as a base64 copy and an RPC message, so only
   a few are built at a time; a spooled file (``spool=True``: attachments) costs a
   chunk, and the slots bound how many PUTs and RPCs run at once. A slow client
   never holds a slot: it has not got past gate 2.

Settings come from the environment (deploy/README.md lists them).
"""
import asyncio
import os
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from aiohttp import web

from gateway.uploads import MAX_FILE_BYTES, MULTIPART_SLACK, read_upload, too_large
from zc_common.errors import RequestTimeout, TooManyAttempts

# A file in flight is usually stored within a second or two; a client refused for
# having too many in flight can try again soon.
RETRY_AFTER_SECONDS = 5


@dataclass(frozen=True)
class UploadSettings:
    at_once: int = 4            # ZC_UPLOADS_AT_ONCE
    per_owner: int = 2          # ZC_UPLOADS_PER_USER
    read_timeout: float = 600.0  # ZC_UPLOAD_READ_TIMEOUT, seconds for the whole body
    min_rate: float = 4096.0    # ZC_UPLOAD_MIN_RATE, bytes/s on average (2 MB in ~8.5 min)
    grace: float = 10.0         # ZC_UPLOAD_RATE_GRACE, seconds before min_rate applies

    @classmethod
    def from_env(cls, environ=os.environ):
        return cls(at_once=int(environ.get("ZC_UPLOADS_AT_ONCE", cls.at_once)),
                   per_owner=int(environ.get("ZC_UPLOADS_PER_USER", cls.per_owner)),
                   read_timeout=float(environ.get("ZC_UPLOAD_READ_TIMEOUT", cls.read_timeout)),
                   min_rate=float(environ.get("ZC_UPLOAD_MIN_RATE", cls.min_rate)),
                   grace=float(environ.get("ZC_UPLOAD_RATE_GRACE", cls.grace)))

    def read_deadline(self, started, received):
        """The latest moment the body may still be arriving, given ``received``
        bytes so far: the client has earned ``received / min_rate`` seconds beyond
        the grace period, and never more than ``read_timeout`` in all."""
        return started + min(self.read_timeout, self.grace + received / self.min_rate)


def too_slow():
    return RequestTimeout("upload_too_slow", "上传速度过慢或长时间没有数据，连接已断开，请在网络较好时重试")


class UploadLimits:
    """The gates of one gateway process (one per application, so per event loop)."""

    # How often the pace is re-checked while a read is waiting for data.
    TICK = 0.5

    def __init__(self, settings: UploadSettings):
        self.settings = settings
        self.in_flight = {}                     # owner -> uploads in progress
        self.slots = asyncio.Semaphore(settings.at_once)

    @contextmanager
    def owner_turn(self, owner):
        if self.in_flight.get(owner, 0) >= self.settings.per_owner:
            raise TooManyAttempts("too_many_uploads",
                                  f"同时上传的文件过多（最多 {self.settings.per_owner} 个），请等当前上传完成后再试",
                                  retry_after=RETRY_AFTER_SECONDS)
        self.in_flight[owner] = self.in_flight.get(owner, 0) + 1
        try:
            yield
        finally:
            left = self.in_flight.pop(owner) - 1
            if left:
                self.in_flight[owner] = left

    @asynccontextmanager
    async def paced(self, request: web.Request):
        """Cancels whatever reads the body inside once the client falls behind the
        pace (counted on the bytes received off the socket, not on what was parsed)."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        tick = None
        try:
            async with asyncio.timeout(None) as timer:
                def check():
                    nonlocal tick
                    if timer.expired():
                        return
                    timer.reschedule(self.settings.read_deadline(started, request.content.total_bytes))
                    tick = loop.call_later(self.TICK, check)
                check()
                yield
        except TimeoutError:
            raise too_slow() from None
        finally:
            if tick is not None:
                tick.cancel()


UPLOAD_LIMITS = web.AppKey("upload_limits", UploadLimits)

# What every upload route may answer besides its own refusals (for the OpenAPI document).
UPLOAD_RESPONSES = {
    400: "上传内容不是有效的 multipart/form-data（malformed_multipart）",
    408: "上传速度低于最低速率或超时（upload_too_slow）",
    413: "文件超过 2 MB",
    415: "文件类型不是 JPEG/PNG/PDF",
    422: "字段不符合要求、图片像素过多（image_too_large）或含不允许的字符（invalid_text）",
    429: "同时上传的文件过多（too_many_uploads，见 Retry-After）",
}


@asynccontextmanager
async def received_upload(request: web.Request, owner, spool=False, file_required=True):
    """The request's upload, read through the three gates; the body of the ``with``
    (encoding it or storing it, the RPC) runs inside a slot. ``spool``: the file
    part goes to a temporary file (``Upload.spool``) instead of memory;
    ``file_required=False``: the file part may be left out."""
    if request.content_length is not None and request.content_length > MAX_FILE_BYTES + MULTIPART_SLACK:
        raise too_large(MAX_FILE_BYTES)  # refuse at once, before any gate
    limits = request.app[UPLOAD_LIMITS]
    with limits.owner_turn(owner):
        async with limits.paced(request):
            upload = await read_upload(request, spool=spool, file_required=file_required)
        try:
            async with limits.slots:
                yield upload
        finally:
            upload.close()

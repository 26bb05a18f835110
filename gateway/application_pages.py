"""An applicant's application page (``GET /applications/{id}``), kept for a few seconds.

The page is put together from three services (applications' own fields, review's
route, comments and opinions, documents' attachment list): three RPCs and some 11 KB
of JSON every time an applicant opens or reloads it, and on a deadline day they
reload it often. This process keeps each page's answer, as sent, for at most
``ZC_PAGE_CACHE_SECONDS`` (15 by default; 0 turns it off), and serves it only to the
applicant it was put together for. It forgets a page:
- the moment a service commits a change to anything the page shows: applications,
  review and documents tell every gateway process after their commit, before their
  answer goes out (zc_common/page_changes.py), on a fanout exchange this process
  reads from an exclusive queue of its own;
- at once when this process itself forwarded a change to the application (any
  request other than a read naming it), not only when the services' message comes;
- all of them when the broker connection drops and again when it is back (messages
  sent in between reached no queue of ours), and when a message cannot be read.
An answer asked for before a change was told is not kept after it (``generation``).
What no row records — the clock passing a window's close — is bounded by the age."""
import json
import logging
import os
import time
from collections import OrderedDict

import aio_pika
from aiohttp import web

from gateway.broadcast import CacheListener
from zc_common.page_changes import ALL, EXCHANGE

log = logging.getLogger("gateway.pages")

DEFAULT_SECONDS = 15.0
DEFAULT_ENTRIES = 2_000   # ~11 KB each: ~22 MB at most per gateway process


def cache_seconds():
    return float(os.environ.get("ZC_PAGE_CACHE_SECONDS", str(DEFAULT_SECONDS)))


class PageCache:
    """application id → (owner, body, stored), least recently used out, at most
    ``seconds`` old. ``clock`` is injectable for tests."""

    def __init__(self, seconds=DEFAULT_SECONDS, max_entries=DEFAULT_ENTRIES, clock=time.monotonic):
        self.seconds = seconds
        self.max_entries = max_entries
        self.clock = clock
        self._entries = OrderedDict()
        self.generation = 0   # bumped by every drop

    def __len__(self):
        return len(self._entries)

    def get(self, application_id, owner_id):
        entry = self._entries.get(application_id)
        if entry is None:
            return None
        owner, body, stored = entry
        if self.clock() - stored >= self.seconds:
            del self._entries[application_id]
            return None
        if owner != owner_id:
            return None
        self._entries.move_to_end(application_id)
        return body

    def put(self, application_id, owner_id, body, generation):
        """Keep ``body`` unless something was dropped since ``generation`` was taken."""
        if generation != self.generation or self.seconds <= 0:
            return
        self._entries[application_id] = (owner_id, body, self.clock())
        self._entries.move_to_end(application_id)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def drop(self, application_ids):
        self.generation += 1
        if ALL in application_ids:
            self._entries.clear()
            return
        for application_id in application_ids:
            self._entries.pop(application_id, None)

    def clear(self):
        self.drop([ALL])


class PageListener(CacheListener):
    """The services' page-change exchange (zc_common/page_changes.py), fanout: each
    gateway process sees every change (gateway/broadcast.py)."""

    what = "application pages"

    def __init__(self, connection, cache):
        super().__init__(connection, cache, f"gateway-pages-{os.getpid()}-{id(self):x}")

    async def bind(self, channel, queue):
        # as zc_common/page_changes.py declares it
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.FANOUT, durable=False)
        await queue.bind(exchange)

    async def on_message(self, message):
        try:
            changed = json.loads(message.body)["applications"]
            if not isinstance(changed, list):
                raise ValueError(changed)
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable page change: every kept page dropped")
            changed = [ALL]
        self.cache.drop(changed)


PAGES = web.AppKey("application_pages", PageCache)


async def application_pages(app):
    """The cache of a gateway that owns its broker connection; none otherwise (an
    injected RPC client in tests: every read is put together)."""
    from gateway.keys import RPC
    from gateway.rpc import RpcClient
    seconds = cache_seconds()
    if seconds <= 0 or not isinstance(app.get(RPC), RpcClient):
        yield
        return
    cache = PageCache(seconds)
    listener = PageListener(app[RPC].connection, cache)
    await listener.start()
    app[PAGES] = cache
    yield
    await listener.close()


def forget_written(request):
    """This process forwarded a change naming an application (``{id}`` in its path):
    its page goes now, not when the services' message arrives. Called before the
    request is forwarded (a read answered meanwhile is not kept) and after."""
    cache = request.app.get(PAGES)
    application_id = request.match_info.get("id")
    if cache is not None and request.method != "GET" and application_id:
        cache.drop([application_id])

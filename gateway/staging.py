"""Attachments reach the object store from the gateway, not through RabbitMQ.

The gateway PUTs the spooled file under a fresh key in documents' attachment
layout, ``attachments/<application>/<attachment>/<random>`` (a new attachment's
id is minted here; a replacement keeps its own), then one RPC hands documents the
key. Documents reads the object back, checks it by the same rules as ever, and
either records it — the object stays where it is, no second copy — or removes it
and refuses. A refused upload leaves nothing behind.

When documents does not answer (unavailable, timed out) the outcome is unknown:
it may still record the file, so removing the object now could leave a row
without bytes. Instead the gateway asks documents, once the request's deadline
is long past, to discard the object unless a row holds it.
"""
import asyncio
import logging
import re
import uuid

from gateway.objects import OBJECTS
from gateway.rpc import ServiceTimeout, ServiceUnavailable
from zc_common.config import rpc_timeout
from zc_common.errors import NotFound

log = logging.getLogger("gateway.staging")

# Ids the platform hands out (uuid hex and the like). Anything else names nothing —
# and must never become part of an object key (a store may normalise "..").
ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
DISCARD_MARGIN = 60.0   # seconds after the request's deadline before asking to discard
DISCARD_ATTEMPTS = 10


def not_found():
    return NotFound("not_found", "申请书或文件不存在")


def checked_ids(*ids):
    """404 for an id no application or attachment can have, before any byte is read."""
    if not all(isinstance(i, str) and ID.match(i) for i in ids):
        raise not_found()


def new_attachment_id():
    return uuid.uuid4().hex


def staged_key(application_id, attachment_id):
    return f"attachments/{application_id}/{attachment_id}/{uuid.uuid4().hex}"


async def stage_and_record(app, rpc, upload, application_id, attachment_id, record):
    """PUT the spooled ``upload``, then ``await record(staged)`` — the one RPC
    to documents, given ``{"key", "size"}`` — and return its answer."""
    store = app[OBJECTS]
    key = staged_key(application_id, attachment_id)
    await store.put_file(key, upload.spool)
    try:
        return await record({"key": key, "size": upload.size})
    except (ServiceUnavailable, ServiceTimeout, ConnectionError):
        _discard_later(rpc, key)
        raise


_pending = set()  # keeps the background discards alive until they finish


def _discard_later(rpc, key):
    task = asyncio.get_running_loop().create_task(_discard(rpc, key))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def _discard(rpc, key, first_wait=None):
    await asyncio.sleep(rpc_timeout() + DISCARD_MARGIN if first_wait is None else first_wait)
    for attempt in range(DISCARD_ATTEMPTS):
        try:
            await rpc.documents.discard_staged_attachment(key)
            return
        except (ServiceUnavailable, ServiceTimeout, ConnectionError):
            await asyncio.sleep(DISCARD_MARGIN * (attempt + 1))
    log.warning("staged object %s may be left unreferenced: documents never answered", key)

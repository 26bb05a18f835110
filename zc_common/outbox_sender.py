"""An event dispatcher that also sends chosen events of the outbox in batches, off
the request's path.

An outbox row is committed together with the change it announces
(zc_common.outbox). Sent one request at a time, it costs a second transaction per
request (BEGIN, an UPDATE, the broker's confirm, a COMMIT with its WAL flush) while
the caller waits, a persistent message (about a millisecond of the broker's CPU)
and a worker of its consumer. Here the request hands the row's event id to one
sender greenthread per process and answers at once; the sender waits ``LINGER``
after a first event, takes whatever has queued meanwhile and sends it in one
transaction, the events of a batched type as one message of its batch type
(``zc_common.outbox.batched``): under a deadline's stream of submits or payment
callbacks, one commit, one message and one consumer's worker for many events.

Reliability is the outbox's: the row was committed before it was queued, so if the
process dies with events queued, or the broker refuses one, the timer's ``relay``
sends what is still unpublished. On PostgreSQL the batch's ``UPDATE … RETURNING``
marks and locks its rows while they are published, so the timer's relay (SKIP
LOCKED) cannot send them too, and rows the relay took first come back with
``published`` already true and are not sent again. On SQLite there is no sender:
the service sends as before, right after the commit.

    dispatch = OutboxDispatcher(OutboxEvent, batched={"fee_paid": "fees_paid"})
"""
import logging
import os

import eventlet
from eventlet.queue import LightQueue
from sqlalchemy import bindparam, update

from zc_common import logs
from zc_common.config import database_url
from zc_common.db import make_engine
from zc_common.outbox import messages, send_message
from zc_common.rpc import EventDispatcher

log = logging.getLogger(__name__)

BATCH = 100  # events per transaction; more wait for the next one
# How long the sender waits after a first event for others to go with it. The caller
# has its answer already; only the event's consumer hears this much later.
LINGER = float(os.environ.get("ZC_OUTBOX_LINGER_SECONDS", "0.05"))
_STOP = object()


def send_batch(connection, mark, event_ids, publish, together_as):
    """Mark the still-unpublished events among ``event_ids`` and publish them, in the
    caller's transaction (PostgreSQL: its row locks keep the relay off them until the
    commit). Returns how many were published. A publish that fails raises: the caller
    rolls back, so nothing of the batch is marked and the relay sends it all (a
    consumer's inbox drops the ones that did go out).

    Several events of a type in ``together_as`` go as one message of its batch type,
    each event keeping its id and request id. One such event alone goes as itself."""
    rows = connection.execute(mark, {"event_ids": list(event_ids)}).all()
    by_id = {row.event_id: row for row in rows}
    in_order = [by_id[event_id] for event_id in event_ids if event_id in by_id]  # as they were committed
    for members, event_type, payload in messages(in_order, together_as):
        send_message(publish, members, event_type, payload)
    return len(rows)


class Dispatch:
    """What the service sees as ``self.dispatch``: called as nameko's dispatch
    (``self.dispatch(event_type, payload)``), plus ``soon(event_id)`` and ``later``,
    the event types the sender takes (empty when there is no sender: SQLite)."""

    def __init__(self, dispatch, queue, later):
        self._dispatch = dispatch
        self._queue = queue
        self.later = later

    def __call__(self, event_type, payload):
        self._dispatch(event_type, payload)

    def soon(self, event_id):
        """Queue a committed outbox row's event for the sender; returns at once."""
        self._queue.put(event_id)


class OutboxDispatcher(EventDispatcher):
    """zc_common.rpc's ``EventDispatcher`` plus the batching sender (see the module):
    ``model`` is the service's outbox table, ``batched`` maps each event type the
    sender sends to the type of the message that carries several of them."""

    def __init__(self, model, batched, **kwargs):
        super().__init__(**kwargs)
        self.model = model
        self.batched = dict(batched)
        table = model.__table__
        self.mark = (update(table)
                     .where(table.c.event_id.in_(bindparam("event_ids", expanding=True)),
                            table.c.published.is_(False))
                     .values(published=True)
                     .returning(table.c.event_id, table.c.event_type, table.c.payload))

    def setup(self):
        super().setup()
        self.queue = LightQueue()
        self.engine = None
        self.sender = None

    def start(self):
        super().start()
        # A connection of its own: the workers' pool stays theirs. PostgreSQL only: on
        # SQLite the service sends right after its commit (one writer at a time there).
        url = database_url(self.container.service_name)
        if not url.startswith("sqlite"):
            self.engine = make_engine(url, pool_size=1)
            self.sender = self.container.spawn_managed_thread(self._run, identifier="outbox_sender")

    def stop(self):
        if self.sender is not None:
            self.queue.put(_STOP)  # send what is queued, then end
            self.sender.wait()
            self.sender = None
        if self.engine is not None:
            self.engine.dispose()
        super().stop()

    def kill(self):
        if self.sender is not None:
            self.sender.kill()  # what was queued is in the outbox: the relay sends it
            self.sender = None
        if self.engine is not None:
            self.engine.dispose()
        super().kill()

    def get_dependency(self, worker_ctx):
        later = frozenset(self.batched) if self.sender is not None else frozenset()
        return Dispatch(super().get_dependency(worker_ctx), self.queue, later)

    def _publish(self, event_type, payload):
        # Outside any worker: only the request id ``dispatch_stored`` makes current
        # goes along (as zc_common.rpc.EventDispatcher sends it from a worker).
        request_id = logs.current_request_id()
        headers = {self._get_header_name(logs.REQUEST_ID): request_id} if request_id else {}
        self.publisher.publish(payload, exchange=self.exchange, routing_key=event_type, extra_headers=headers)

    def _run(self):
        stopping = False
        while not stopping:
            batch = [self.queue.get()]
            if batch[0] is not _STOP and LINGER > 0:
                # Others queued meanwhile go along: one message and one commit for all.
                eventlet.sleep(LINGER)
            while len(batch) < BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            stopping = _STOP in batch
            event_ids = [item for item in batch if item is not _STOP]
            if event_ids:
                self._send(event_ids)

    def _send(self, event_ids):
        try:
            with self.engine.begin() as connection:
                send_batch(connection, self.mark, event_ids, self._publish, self.batched)
        except Exception:  # noqa: BLE001 — the thread must live on; the outbox keeps the events
            log.warning("outbox: sending %d event(s) failed; the timer will retry", len(event_ids), exc_info=True)
            eventlet.sleep(0.1)  # a broker or database outage: don't spin on the next batch

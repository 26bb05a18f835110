"""The batching outbox sender's one transaction (zc_common/outbox_sender.py, as
payments sends fee_paid with it): which outbox rows it marks and publishes, in what
order, and that a failed publish leaves the whole batch to the timer's relay."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import insert, select

from services.payments.models import Base, OutboxEvent
from tests.unit.dbutil import session_for
from zc_common import logs
from zc_common.outbox import CONTEXT_KEY, unbatched
from zc_common.outbox_sender import OutboxDispatcher
from zc_common.outbox_sender import send_batch as send_marked

SENDER = OutboxDispatcher(OutboxEvent, batched={"fee_paid": "fees_paid"})


def send_batch(connection, event_ids, publish):
    return send_marked(connection, SENDER.mark, event_ids, publish, SENDER.batched)


@pytest.fixture
def engine():
    engine = session_for(Base).get_bind()
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        connection.execute(insert(OutboxEvent), [
            {"event_id": f"e{n}", "event_type": "fee_paid", "payload": {"n": n, "event_id": f"e{n}"},
             "created_at": now, "published": n == 2}  # e2: the timer's relay sent it already
            for n in range(1, 5)])
    return engine


def published(engine):
    with engine.connect() as connection:
        return set(connection.scalars(select(OutboxEvent.event_id).where(OutboxEvent.published)))


def test_a_batch_publishes_its_unsent_events_together_in_booking_order_and_marks_them(engine):
    sent = []

    def publish(kind, payload):
        sent.append((kind, [event["n"] for event in payload["events"]]))

    with engine.begin() as connection:
        count = send_batch(connection, ["e3", "e1", "e2", "e9"], publish)
    assert count == 2 and sent == [("fees_paid", [3, 1])]  # one message; e2 not again, e9 unknown
    assert published(engine) == {"e1", "e2", "e3"}


def test_events_sent_together_keep_their_ids_and_requests_for_the_consumer(engine):
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        connection.execute(insert(OutboxEvent), [
            {"event_id": f"e{n}", "event_type": "fee_paid", "created_at": now, "published": False,
             "payload": {"n": n, "event_id": f"e{n}", CONTEXT_KEY: {"request_id": f"req-{n}"}}} for n in (7, 8)])
        connection.execute(insert(OutboxEvent).values(
            event_id="o1", event_type="other_event", created_at=now, published=False,
            payload={"event_id": "o1", CONTEXT_KEY: {"request_id": "req-o"}}))
    sent = []

    def publish(kind, payload):
        sent.append((kind, payload, logs.current_request_id()))

    with engine.begin() as connection:
        assert send_batch(connection, ["e7", "o1", "e8"], publish) == 3
    assert sent[0] == ("other_event", {"event_id": "o1"}, "req-o")  # a type not batched goes alone
    kind, payload, _ = sent[1]
    assert kind == "fees_paid"
    assert list(unbatched(payload)) == [("req-7", {"n": 7, "event_id": "e7"}), ("req-8", {"n": 8, "event_id": "e8"})]


def test_a_failed_publish_leaves_the_whole_batch_unmarked(engine):
    def publish(kind, payload):
        raise ConnectionError("broker gone")

    with pytest.raises(ConnectionError), engine.begin() as connection:
        send_batch(connection, ["e1", "e3", "e4"], publish)
    assert published(engine) == {"e2"}  # the relay sends e1, e3, e4 (a consumer's inbox drops e1's repeat)


def test_an_event_goes_out_under_the_request_that_booked_it_without_the_key(engine):
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        connection.execute(insert(OutboxEvent).values(
            event_id="e7", event_type="fee_paid", created_at=now, published=False,
            payload={"n": 7, "event_id": "e7", CONTEXT_KEY: {"request_id": "req-7"}}))
    seen = []

    def publish(kind, payload):
        seen.append((payload, logs.current_request_id()))

    with engine.begin() as connection:
        send_batch(connection, ["e7"], publish)
    assert seen == [({"n": 7, "event_id": "e7"}, "req-7")]

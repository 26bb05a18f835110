"""The outbox's relay after a commit: what the transaction queued is sent straight
away without reading the outbox back, a rolled-back row never leaves, and after a
failed send the whole backlog goes first, in order."""
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase

from tests.unit.dbutil import session_for
from zc_common.outbox import InboxMixin, OutboxMixin, ProcessRelay, add_event, first_times


class Base(DeclarativeBase):
    pass


class OutboxEvent(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(InboxMixin, Base):
    __tablename__ = "processed_events"


class Broker(list):
    down = False

    def __call__(self, event_type, payload):
        if self.down:
            raise ConnectionError("broker down")
        self.append((event_type, payload["n"]))


def selects_of_outbox(session):
    seen = []

    @event.listens_for(session.bind, "before_cursor_execute")
    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT") and "outbox" in statement:
            seen.append(statement)
    return seen


def queue(session, *numbers):
    for n in numbers:
        add_event(session, OutboxEvent, "thing_done", {"n": n})
    session.commit()


def unpublished(session):
    session.rollback()
    return sorted(r.payload["n"] for r in session.query(OutboxEvent).filter_by(published=False))


def test_once_caught_up_a_commit_s_events_go_without_reading_the_outbox():
    session, broker, relay = session_for(Base), Broker(), ProcessRelay(OutboxEvent)
    relay.run(session, broker)  # the process's first relay: nothing waits
    reads = selects_of_outbox(session)
    queue(session, 1, 2)
    relay.after_commit(session, broker)
    assert broker == [("thing_done", 1), ("thing_done", 2)]
    assert reads == [] and unpublished(session) == []


def test_a_rolled_back_event_never_leaves():
    session, broker, relay = session_for(Base), Broker(), ProcessRelay(OutboxEvent)
    relay.run(session, broker)
    add_event(session, OutboxEvent, "thing_done", {"n": 1})
    session.rollback()
    queue(session, 2)
    relay.after_commit(session, broker)
    assert broker == [("thing_done", 2)]


def test_after_a_failed_send_the_backlog_goes_first_in_order():
    session, broker, relay = session_for(Base), Broker(), ProcessRelay(OutboxEvent)
    relay.run(session, broker)
    broker.down = True
    queue(session, 1)
    relay.after_commit(session, broker)  # logged, not raised: the change is committed
    assert broker == [] and unpublished(session) == [1]
    broker.down = False
    queue(session, 2)
    relay.after_commit(session, broker)
    assert broker == [("thing_done", 1), ("thing_done", 2)] and unpublished(session) == []
    # caught up again: the next commit takes the short way
    reads = selects_of_outbox(session)
    queue(session, 3)
    relay.after_commit(session, broker)
    assert broker[-1] == ("thing_done", 3) and reads == []


def test_a_process_that_has_not_relayed_yet_sends_the_backlog_first():
    session, broker = session_for(Base), Broker()
    queue(session, 1)        # left by a process that died before sending
    relay = ProcessRelay(OutboxEvent)
    queue(session, 2)
    relay.after_commit(session, broker)
    assert broker == [("thing_done", 1), ("thing_done", 2)]


def test_first_times_records_a_batch_of_event_ids_in_one_statement_each_once():
    session = session_for(Base)
    statements = []
    event.listen(session.bind, "before_cursor_execute", lambda conn, cursor, statement, *args: statements.append(
        statement))
    assert first_times(session, ProcessedEvent, ["e1", "e2", "e1", None], "h") == {"e1", "e2"}
    assert len([s for s in statements if "processed_events" in s]) == 1
    session.commit()
    # seen before: only the new one; the same ids for another handler are new to it
    assert first_times(session, ProcessedEvent, ["e2", "e3"], "h") == {"e3"}
    assert first_times(session, ProcessedEvent, ["e1"], "other") == {"e1"}
    assert first_times(session, ProcessedEvent, [None], "h") == set()
    session.commit()
    assert session.query(ProcessedEvent).count() == 4


def test_events_sent_together_go_as_one_message_after_the_others():
    session = session_for(Base)
    relay, broker = ProcessRelay(OutboxEvent), Broker()
    relay.run(session, broker)  # caught up: the next sends what it queued, as it is
    sent = []

    def dispatch(event_type, payload):
        sent.append((event_type, [e["n"] for e in payload["events"]] if "events" in payload else payload["n"]))
    for n, kind in enumerate(["changed", "other", "changed", "changed"]):
        add_event(session, OutboxEvent, kind, {"n": n})
    session.commit()
    relay.after_commit(session, dispatch, together={"changed": "changes"})
    assert sent == [("other", 1), ("changes", [0, 2, 3])]
    assert session.query(OutboxEvent).filter_by(published=False).count() == 0
    add_event(session, OutboxEvent, "changed", {"n": 4})  # one alone goes as itself
    session.commit()
    relay.after_commit(session, dispatch, together={"changed": "changes"})
    assert sent[-1] == ("changed", 4)


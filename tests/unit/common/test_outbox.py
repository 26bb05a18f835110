"""The outbox's relay after a commit: what the transaction queued is sent straight
away without reading the outbox back, a rolled-back row never leaves, and after a
failed send the whole backlog goes first, in order."""
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase

from tests.unit.dbutil import session_for
from zc_common.outbox import OutboxMixin, ProcessRelay, add_event


class Base(DeclarativeBase):
    pass


class OutboxEvent(OutboxMixin, Base):
    __tablename__ = "outbox"


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

"""Which applicants' application pages a transaction changed, told to every gateway.

The gateway keeps an applicant's application page (``GET /applications/{id}``, put
together from applications, review and documents) for a few seconds
(gateway/application_pages.py). It must forget a page as soon as anything shown on
it changes, whichever service changed it and however (a reviewer's comment, a fee
paid, a timer). So each of those services' sessions note, at every flush and every
data-changing statement, which applications the rows belong to; right after the
commit (before the worker's answer is sent) they are published on a fanout exchange
that every gateway process reads.

A service declares which of its tables show on the page, keyed by the column naming
the application, and which show on every page (a committee's settings, review's
copies of organisations): a write to one of those, or a bulk statement whose
applications cannot be read off its WHERE clause, tells "every page" (``ALL``). A
table not declared is never told. The gateway's own age limit covers what no row
records (the time passing a deadline)."""
import logging
from dataclasses import dataclass, field
from itertools import chain

from sqlalchemy import event
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

log = logging.getLogger("zc.page_changes")

EXCHANGE = "zc.application_pages"   # fanout: every gateway process has a queue bound to it
ALL = "*"                           # every page
PENDING = "zc_pages_pending"        # session.info: written in the open transaction


@dataclass(frozen=True)
class PageTables:
    """``by_application``: table name → the column holding the application's id;
    ``shared``: tables whose rows show on every application's page."""
    by_application: dict = field(default_factory=dict)
    shared: tuple = ()

    def changed_by_row(self, obj):
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table in self.shared:
            return {ALL}
        column = self.by_application.get(table)
        if column is None:
            return set()
        value = getattr(obj, column, None)
        return {value} if isinstance(value, str) else {ALL}

    def changed_by_statement(self, statement, parameters=None):
        table = getattr(getattr(statement, "table", None), "name", None)
        if table in self.shared:
            return {ALL}
        column = self.by_application.get(table)
        if column is None:
            return set()
        found = ids_in_where(statement, column) | ids_in_values(statement, parameters, column)
        return found or {ALL}


def ids_in_where(statement, column):
    """The application ids a statement's WHERE names (``column == :id`` or
    ``column IN (...)``), or an empty set when it names none it can be held to."""
    where = getattr(statement, "whereclause", None)
    if where is None:
        return set()
    ids = set()
    for node in visitors.iterate(where):
        if not isinstance(node, BinaryExpression) or getattr(node.left, "key", None) != column:
            continue
        right = node.right
        if isinstance(right, BindParameter):
            value = right.effective_value
            if node.operator is operators.eq and isinstance(value, str):
                ids.add(value)
            elif node.operator is operators.in_op and isinstance(value, list | tuple):
                ids.update(v for v in value if isinstance(v, str))
    return ids


def ids_in_values(statement, parameters, column):
    """The application ids an INSERT (or an UPDATE's SET) gives ``column``: in its
    ``values(...)`` or in the rows passed with it."""
    ids = set()
    for key, value in (getattr(statement, "_values", None) or {}).items():
        value = value.effective_value if isinstance(value, BindParameter) else value
        if getattr(key, "key", key) == column and isinstance(value, str):
            ids.add(value)
    rows = parameters if isinstance(parameters, list | tuple) else [parameters] if parameters else []
    for row in rows:
        value = row.get(column) if isinstance(row, dict) else None
        if isinstance(value, str):
            ids.add(value)
    return ids


def watch(sessionmaker, tables, tell):
    """Note, on every session ``sessionmaker`` makes, the pages its commits change,
    and ``tell(changed)`` (a list of ids, or ``[ALL]``) after each such commit."""

    def pending(session):
        return session.info.setdefault(PENDING, set())

    @event.listens_for(sessionmaker, "after_flush")
    def _rows(session, _context):
        noted = pending(session)
        for obj in chain(session.new, session.dirty, session.deleted):
            noted |= tables.changed_by_row(obj)

    @event.listens_for(sessionmaker, "do_orm_execute")
    def _statements(state):
        if state.is_update or state.is_delete or state.is_insert:
            pending(state.session).update(tables.changed_by_statement(state.statement, state.parameters))

    @event.listens_for(sessionmaker, "after_commit")
    def _committed(session):
        noted = session.info.pop(PENDING, None)
        if noted:
            tell([ALL] if ALL in noted else sorted(noted))

    @event.listens_for(sessionmaker, "after_rollback")
    def _rolled_back(session):
        session.info.pop(PENDING, None)


def publish(publisher, changed):
    """One message to every gateway; a failure is logged, never raised: the change is
    committed, and the gateway's age limit bounds what it may show meanwhile."""
    if not changed:
        return
    try:
        publisher.publish({"applications": changed}, exchange=EXCHANGE_OBJECT, routing_key="")
    except Exception:  # noqa: BLE001 — whatever the broker did, the worker's answer stands
        log.warning("could not tell the gateways about changed pages %s", changed[:5], exc_info=True)


def _exchange():
    from kombu import Exchange
    # Transient: a page change is worth nothing to a gateway that was not listening.
    return Exchange(EXCHANGE, type="fanout", durable=False, auto_delete=False)


EXCHANGE_OBJECT = _exchange()

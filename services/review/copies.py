"""review's local copies of what it reads on every decision: organisations (owned by
accounts) and committee settings (owned by applications).

The owners announce every change with an event after their commit
(``organization_changed``, ``committee_settings_changed``, through their outbox);
review's handlers write the copy. A decision reads the copy and asks the owner only
on a miss (a fresh review instance, an organisation never seen) or when the copy
is older than ``TTL`` — one RPC, and the answer is kept. The TTL bounds what a
missed event can cost: the next decision after it refreshes.

Ordering: each copy keeps ``changed_at`` — the owner's time of the change for an
event, the time the RPC was sent for a fetched copy — and a write older than the
copy's is ignored, so a late, older event never overwrites a newer copy. Writes
are upserts: two workers storing the same copy at once must not fail a decision.

In front of the tables, each process remembers what it read for a few seconds
(``zc_common.recent``): on a deadline day every read of a route asks for the same few units,
departments and committees, and a query per call for data that changes a few times
a year is most of what a route costs. An event this process handles drops its
entry at once; another replica's entry lives out its few seconds — the same kind
of bound as the TTL above, much shorter."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from services.review.models import OrgCopy, SettingsCopy
from zc_common.recent import Recent

TTL = timedelta(minutes=10)
ORGS = Recent()
SETTINGS = Recent()


def wall_now():
    # Real time, not the platform clock: tests pin the platform clock, and a copy's
    # age must still move.
    return datetime.now(timezone.utc)


def _aware(moment):
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _fresh(row, now):
    return row is not None and _aware(row.fetched_at) > now - TTL


def _upsert(session, model, key, values):
    """Insert or, when the stored copy is not newer, replace — in the caller's
    transaction (the caller commits)."""
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**{key: values[key]}, **{k: v for k, v in values.items() if k != key})
    table = model.__table__
    statement = statement.on_conflict_do_update(
        index_elements=[key],
        set_={k: statement.excluded[k] for k in values if k != key},
        where=table.c.changed_at <= statement.excluded.changed_at)
    session.execute(statement)


def _when(text):
    if not text:
        return wall_now()
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


# -- written by events ----------------------------------------------------------------

def store_org(session, org, changed_at=None):
    _upsert(session, OrgCopy, "org_id", {"org_id": org["id"], "data": org,
                                         "changed_at": _when(changed_at), "fetched_at": wall_now()})


def store_settings(session, committee_id, settings, changed_at=None):
    _upsert(session, SettingsCopy, "committee_id", {"committee_id": committee_id, "data": settings,
                                                    "changed_at": _when(changed_at), "fetched_at": wall_now()})


# -- read by decisions ------------------------------------------------------------------

def org_lookup(session, get_organizations, recent=ORGS):
    """A ``lookup(ids) -> {id: org}`` for ``routing.Orgs``: what this process read
    in the last seconds, else the copies, and for the ids missing or stale one
    ``get_organizations`` call whose answer is kept. (An id accounts does not know
    is not remembered: it may be created later.)"""
    def lookup(ids):
        found = {i: org for i in ids if (org := recent.get(i)) is not None}
        wanted = [i for i in ids if i not in found]
        if not wanted:
            return found
        now = wall_now()
        rows = {r.org_id: r for r in session.scalars(select(OrgCopy).where(OrgCopy.org_id.in_(wanted)))}
        for org_id in wanted:
            if _fresh(rows.get(org_id), now):
                found[org_id] = rows[org_id].data
                recent.put(org_id, rows[org_id].data)
        missing = [i for i in wanted if i not in found]
        if missing:
            asked_at = wall_now()
            fetched = get_organizations(missing) or {}
            for org_id, org in fetched.items():
                _upsert(session, OrgCopy, "org_id", {"org_id": org_id, "data": org,
                                                     "changed_at": asked_at, "fetched_at": asked_at})
                found[org_id] = org
                recent.put(org_id, org)   # the owner's own answer, whatever becomes of this transaction
        return found
    return lookup


def settings_for(session, get_committee_settings, committee_id, recent=SETTINGS):
    """The committee's settings ({} while it has set none): what this process read
    in the last seconds, else the copy, or one ``get_committee_settings`` call when
    it is missing or stale."""
    remembered = recent.get(committee_id)
    if remembered is not None:
        return remembered
    row = session.get(SettingsCopy, committee_id, populate_existing=True)
    if _fresh(row, wall_now()):
        recent.put(committee_id, row.data or {})
        return row.data or {}
    asked_at = wall_now()
    settings = get_committee_settings(committee_id)
    _upsert(session, SettingsCopy, "committee_id", {"committee_id": committee_id, "data": settings,
                                                    "changed_at": asked_at, "fetched_at": asked_at})
    recent.put(committee_id, settings or {})
    return settings or {}

"""What accounts tells every gateway when a logged-in actor stops being what a
gateway may have cached: each change is queued in the same transaction as the
change (the outbox) and broadcast after the commit on ``accounts.events``.

- ``session_changed`` ``{session_id, user_id, reason}``: one session ended or
  changed (logout — also how an impersonation ends —, region switch).
- ``user_changed`` ``{user_id, reason}``: every session of the user is affected
  (password changed or reset, sessions revoked, account disabled or enabled,
  ``must_change_password`` set or cleared, phone changed — the actor carries it).

Gateways drop what they cached for that session or user (gateway/actors.py).

- ``organization_changed`` ``{organization, changed_at}``: an organisation was
  created or changed, as ``get_organizations`` shows it. review keeps a copy of
  what it reads on every decision (parents, contacts, a unit's ``complete`` and
  recommending units); ``changed_at`` (wall clock) lets it ignore an older event
  arriving late (services/review/copies.py)."""
from datetime import datetime, timezone

from services.accounts import schemas
from services.accounts.models import OutboxEvent
from zc_common.outbox import add_event

SESSION_CHANGED = "session_changed"
USER_CHANGED = "user_changed"
ORGANIZATION_CHANGED = "organization_changed"
TYPES = (SESSION_CHANGED, USER_CHANGED)  # what gateways listen to


def session_changed(db, session_row, reason):
    add_event(db, OutboxEvent, SESSION_CHANGED,
              {"session_id": session_row.id, "user_id": session_row.user_id, "reason": reason})


def user_changed(db, user_id, reason):
    add_event(db, OutboxEvent, USER_CHANGED, {"user_id": user_id, "reason": reason})


def organization_changed(db, org):
    db.flush()
    add_event(db, OutboxEvent, ORGANIZATION_CHANGED,
              {"organization": schemas.organization(org), "changed_at": datetime.now(timezone.utc).isoformat()})

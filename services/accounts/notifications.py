"""The SMS/email outbox. Messages are rows written in the same transaction as the
change they announce; a timer hands pending rows to the configured sender
(``ZC_NOTIFY_SENDER``: ``logging`` by default, or ``package.module:callable``). No
vendor is called unless a deployment plugs one in."""
import importlib
import logging
import os

from sqlalchemy import select

from services.accounts.models import Notification, User
from zc_common.clock import now

log = logging.getLogger("accounts.notifications")

MAX_SEND_ATTEMPTS = 5
NAMEABLE_ROLES = frozenset({"platform_admin"})


def queue(db, channel, recipient, subject, body, user_id=None, kind="notice"):
    db.add(Notification(channel=channel, recipient=recipient, subject=subject, body=body,
                        user_id=user_id, kind=kind))


def queue_for_user(db, user, subject, body, kind="notice"):
    """One message to a person: by SMS to their phone, else by email."""
    if user.phone:
        queue(db, "sms", user.phone, subject, body, user.id, kind)
    elif user.email:
        queue(db, "email", user.email, subject, body, user.id, kind)
    else:
        log.warning("user %s has neither phone nor email; %s not sent", user.id, kind)
        return False
    return True


def notify(db, user_ids=(), org_ids=(), subject="", body="", kind="notice", roles=()):
    """Queue a message to each named user, every account of each named organisation
    (its staff; a unit's administrator) and every account of the named roles (only
    ``platform_admin``: a route-step report). A disabled (停用) account gets nothing.
    Returns how many messages were queued."""
    return notify_all(db, [{"user_ids": user_ids, "org_ids": org_ids, "roles": roles, "subject": subject,
                            "body": body, "kind": kind}])


def notify_all(db, messages):
    """``notify`` for several messages (dicts of its arguments) in one transaction,
    their recipients found in one query."""
    messages = [m for m in messages if isinstance(m, dict)]
    user_ids = {u for m in messages for u in (m.get("user_ids") or ()) if u}
    org_ids = {o for m in messages for o in (m.get("org_ids") or ()) if o}
    # Only the platform administrators may be named by role.
    roles = {r for m in messages for r in (m.get("roles") or ()) if r in NAMEABLE_ROLES}
    users = db.scalars(select(User).where(User.id.in_(user_ids) | User.org_id.in_(org_ids) | User.role.in_(roles),
                                          User.disabled.is_(False))).all() if user_ids or org_ids or roles else []
    queued = 0
    for message in messages:
        named_users = set(message.get("user_ids") or ())
        named_orgs = set(message.get("org_ids") or ())
        named_roles = set(message.get("roles") or ()) & NAMEABLE_ROLES
        for user in users:
            if user.id in named_users or user.org_id in named_orgs or user.role in named_roles:
                queued += queue_for_user(db, user, message.get("subject") or "", message.get("body") or "",
                                         message.get("kind") or "notice")
    db.commit()
    return queued


def logging_sender(message):
    log.info("[%s → %s] %s: %s", message["channel"], message["recipient"], message["subject"], message["body"])


def load_sender(spec=None):
    spec = spec or os.environ.get("ZC_NOTIFY_SENDER", "logging")
    if spec == "logging":
        return logging_sender
    module, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module), attribute or "send")


def send_pending(db, sender, batch=50):
    """Hand pending messages to the sender; a failure is retried on the next tick."""
    query = select(Notification).where(Notification.status == "pending").order_by(Notification.id).limit(batch)
    if db.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    sent = 0
    for row in db.scalars(query).all():
        try:
            sender({"id": row.id, "channel": row.channel, "recipient": row.recipient,
                    "subject": row.subject, "body": row.body, "kind": row.kind})
        except Exception:
            row.attempts += 1
            if row.attempts >= MAX_SEND_ATTEMPTS:
                row.status = "failed"
            log.warning("sending notification %s failed", row.id, exc_info=True)
            continue
        row.status = "sent"
        row.sent_at = now()
        sent += 1
    db.commit()
    return sent

"""The SMS/email outbox and the in-app inbox (站内信). Messages are rows written in
the same transaction as the change they announce; a timer hands pending outbox
rows to the configured sender (``ZC_NOTIFY_SENDER``: ``logging`` by default, or
``package.module:callable``). No vendor is called unless a deployment plugs one in.

Every message to a person also lands in their inbox. Which categories also go by
SMS/email is the person's choice (``NotificationPreference``), except 账号安全
(recovery codes, appeal results), which always does: it is how one gets back in."""
import importlib
import logging
import os

from sqlalchemy import func, insert, select, update

from services.accounts.models import InboxMessage, Notification, NotificationPreference, User
from zc_common.clock import iso, now
from zc_common.errors import Invalid, NotFound

log = logging.getLogger("accounts.notifications")

MAX_SEND_ATTEMPTS = 5
NAMEABLE_ROLES = frozenset({"platform_admin"})


# category -> (name, may the person turn SMS/email off)
CATEGORIES = {
    "review": ("审核任务", True),         # a task arrived, a task overdue
    "application": ("申报进度", True),    # an application's status changed
    "account": ("账号安全", False),       # recovery codes, appeal results
    "notice": ("其他通知", True),
}
KIND_CATEGORY = {"review_task": "review", "review_overdue": "review", "application_status": "application",
                 "recovery_code": "account", "appeal_decision": "account"}


def category_of(kind):
    return KIND_CATEGORY.get(kind, "notice")


def _inbox(db, user_id, subject, body, kind, sent_by):
    db.add(InboxMessage(user_id=user_id, kind=kind, category=category_of(kind), subject=subject, body=body,
                        sent_by=sent_by, created_at=now()))


def queue(db, channel, recipient, subject, body, user_id=None, kind="notice", inbox_body=None):
    """One SMS/email, and its copy in the person's inbox (``inbox_body`` when the
    message carries a secret that has no business staying on the platform)."""
    db.add(Notification(channel=channel, recipient=recipient, subject=subject, body=body,
                        user_id=user_id, kind=kind))
    if user_id:
        _inbox(db, user_id, subject, inbox_body or body, kind, channel)


def notify(db, user_ids=(), org_ids=(), subject="", body="", kind="notice", roles=()):
    """Queue a message to each named user, every account of each named organisation
    (its staff; a unit's administrator) and every account of the named roles (only
    ``platform_admin``: a route-step report). A disabled (停用) account gets nothing.
    Returns how many messages were queued."""
    return notify_all(db, [{"user_ids": user_ids, "org_ids": org_ids, "roles": roles, "subject": subject,
                            "body": body, "kind": kind}])


def notify_all(db, messages):
    """``notify`` for several messages (dicts of its arguments) in one transaction:
    their recipients found in one query, their choices of SMS/email in another, and
    every outbox and inbox row written by one INSERT each — a deadline's submits
    each bring two notices, so the statements per notice are what count."""
    queued = queue_all(db, messages)
    db.commit()
    return queued


def queue_all(db, messages):
    """``notify_all`` without the commit: the messages join the caller's transaction
    (they go, or not, with the change they announce)."""
    messages = [m for m in messages if isinstance(m, dict)]
    user_ids = {u for m in messages for u in (m.get("user_ids") or ()) if u}
    org_ids = {o for m in messages for o in (m.get("org_ids") or ()) if o}
    # Only the platform administrators may be named by role.
    roles = {r for m in messages for r in (m.get("roles") or ()) if r in NAMEABLE_ROLES}
    users = db.scalars(select(User).where(User.id.in_(user_ids) | User.org_id.in_(org_ids) | User.role.in_(roles),
                                          User.disabled.is_(False))).all() if user_ids or org_ids or roles else []
    choices = _external_choices(db, [u.id for u in users])
    outbox, inbox, moment = [], [], now()
    for message in messages:
        named_users = set(message.get("user_ids") or ())
        named_orgs = set(message.get("org_ids") or ())
        named_roles = set(message.get("roles") or ()) & NAMEABLE_ROLES
        kind = message.get("kind") or "notice"
        subject, body = message.get("subject") or "", message.get("body") or ""
        # a longer text for the inbox than the SMS/email carries (a whole return reason)
        inbox_body = message.get("inbox_body") or body
        for user in users:
            if user.id in named_users or user.org_id in named_orgs or user.role in named_roles:
                wants = choices.get((user.id, category_of(kind)), True) or not CATEGORIES[category_of(kind)][1]
                channel, recipient = _channel_for(user) if wants else (None, None)
                if channel:
                    outbox.append({"channel": channel, "recipient": recipient, "subject": subject, "body": body,
                                   "user_id": user.id, "kind": kind, "status": "pending", "attempts": 0,
                                   "created_at": moment})
                inbox.append({"user_id": user.id, "kind": kind, "category": category_of(kind),
                              "subject": subject, "body": inbox_body, "sent_by": channel, "created_at": moment})
    if outbox:
        db.execute(insert(Notification), outbox)
    if inbox:
        db.execute(insert(InboxMessage), inbox)
    return len(inbox)


def _external_choices(db, user_ids):
    """{(user_id, category): external} of the people's stored choices (none stored:
    every category goes by SMS/email)."""
    if not user_ids:
        return {}
    rows = db.execute(select(NotificationPreference.user_id, NotificationPreference.category,
                             NotificationPreference.external)
                      .where(NotificationPreference.user_id.in_(user_ids))).all()
    return {(user_id, category): external for user_id, category, external in rows}


def _channel_for(user):
    if user.phone:
        return "sms", user.phone
    if user.email:
        return "email", user.email
    log.warning("user %s has neither phone nor email; only the inbox gets the notice", user.id)
    return None, None


def logging_sender(message):
    log.info("[%s → %s] %s: %s", message["channel"], message["recipient"], message["subject"], message["body"])


def load_sender(spec=None):
    spec = spec or os.environ.get("ZC_NOTIFY_SENDER", "logging")
    if spec == "logging":
        return logging_sender
    module, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module), attribute or "send")


SEND_BATCH = 50
# A deadline queues two notices a submit, faster than one batch per tick: a tick sends
# batches until the queue is drained, up to this many (1,000 messages every 2 s).
BATCHES_PER_TICK = 20


def send_all_pending(db, sender):
    """``send_pending`` batch after batch until fewer than a batch were sent (drained,
    or a sender failing) or ``BATCHES_PER_TICK`` were sent. Returns how many."""
    total = 0
    for _ in range(BATCHES_PER_TICK):
        sent = send_pending(db, sender, SEND_BATCH)
        total += sent
        if sent < SEND_BATCH:
            break
    return total


def send_pending(db, sender, batch=SEND_BATCH):
    """Hand pending messages to the sender; a failure is retried on the next tick.
    The sent ones are marked by one UPDATE."""
    query = select(Notification).where(Notification.status == "pending").order_by(Notification.id).limit(batch)
    if db.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    sent_ids = []
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
        sent_ids.append(row.id)
    if sent_ids:
        db.execute(update(Notification).where(Notification.id.in_(sent_ids))
                   .values(status="sent", sent_at=now()))
    db.commit()
    return len(sent_ids)


# -- the inbox (站内信) ----------------------------------------------------------------------

MAX_PAGE_SIZE = 100


def _me(actor):
    user_id = (actor or {}).get("id")
    if not user_id:
        raise NotFound("user_not_found", "用户不存在")
    return user_id


def message_dict(row):
    return {"id": row.id, "kind": row.kind, "category": row.category,
            "category_name": CATEGORIES.get(row.category, CATEGORIES["notice"])[0], "subject": row.subject,
            "body": row.body, "sent_by": row.sent_by, "created_at": iso(row.created_at),
            "read": row.read_at is not None, "read_at": iso(row.read_at) if row.read_at else None}


def unread_count(db, actor):
    return {"unread": db.scalar(select(func.count()).select_from(InboxMessage).where(
        InboxMessage.user_id == _me(actor), InboxMessage.read_at.is_(None)))}


def inbox(db, actor, unread_only=False, page=1, page_size=20):
    user_id = _me(actor)
    page = max(int(page or 1), 1)
    page_size = min(max(int(page_size or 20), 1), MAX_PAGE_SIZE)
    where = [InboxMessage.user_id == user_id]
    if unread_only:
        where.append(InboxMessage.read_at.is_(None))
    total = db.scalar(select(func.count()).select_from(InboxMessage).where(*where))
    rows = db.scalars(select(InboxMessage).where(*where).order_by(InboxMessage.id.desc())
                      .limit(page_size).offset((page - 1) * page_size)).all()
    return {"items": [message_dict(r) for r in rows], "total": total, "page": page, "page_size": page_size,
            **unread_count(db, actor)}


def mark_read(db, actor, message_id=None):
    """One message (another's does not exist: 404), or all of one's own."""
    user_id = _me(actor)
    moment = now()
    if message_id is None:
        db.execute(update(InboxMessage).where(InboxMessage.user_id == user_id, InboxMessage.read_at.is_(None))
                   .values(read_at=moment))
        db.commit()
        return unread_count(db, actor)
    row = db.get(InboxMessage, message_id) if isinstance(message_id, int) else None
    if row is None or row.user_id != user_id:
        raise NotFound("message_not_found", "消息不存在")
    if row.read_at is None:
        row.read_at = moment
    db.commit()
    return {**message_dict(row), **unread_count(db, actor)}


def preferences(db, actor):
    user_id = _me(actor)
    chosen = {r.category: r.external for r in db.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id))}
    return {"categories": [{"key": key, "name": name, "external": chosen.get(key, True) if optional else True,
                            "can_turn_off": optional} for key, (name, optional) in CATEGORIES.items()]}


def set_preferences(db, actor, choices):
    """``choices``: {category: bool}. 账号安全 cannot be turned off (refused)."""
    user_id = _me(actor)
    if not isinstance(choices, dict) or not choices:
        raise Invalid("invalid_field", "请选择各类消息是否同时以短信/邮件发送", field="categories")
    for key, value in choices.items():
        if key not in CATEGORIES:
            raise Invalid("invalid_field", f"未知的消息类别：{key}", field=f"categories.{key}")
        if not isinstance(value, bool):
            raise Invalid("invalid_field", "应为是/否", field=f"categories.{key}")
        if not CATEGORIES[key][1] and not value:
            raise Invalid("invalid_field", f"「{CATEGORIES[key][0]}」类消息必须以短信/邮件发送，不能关闭",
                          field=f"categories.{key}")
    for key, value in choices.items():
        row = db.get(NotificationPreference, (user_id, key)) or NotificationPreference(user_id=user_id, category=key)
        row.external = value
        db.add(row)
    db.commit()
    return preferences(db, actor)

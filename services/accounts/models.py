"""The accounts service's tables: people, organisations, sessions, and the records
that keep them safe (login attempts, recovery codes, appeals, audit, the
notification outbox, and the event outbox)."""
import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from zc_common.clock import now
from zc_common.db import UTCDateTime
from zc_common.outbox import OutboxMixin


class Base(DeclarativeBase):
    pass


def new_id():
    return uuid.uuid4().hex


class Organization(Base):
    """A base unit (基层工作单位), a department (主管部门/材料接收部门) or a committee."""

    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # unit | department | committee
    name: Mapped[str] = mapped_column(String(200))
    # Units only: the NFKC-normalised name without spaces, so "ＡＢＣ 医院" and "ABC医院" collide.
    unit_name_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    # Units only: the platform's unit number (单位编号, DWBH + an 8-digit running number,
    # unit_numbers.py), shown to the unit and on its applicants' applications.
    code: Mapped[str | None] = mapped_column(String(12), unique=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    contact_person: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(300))
    legal_person: Mapped[str | None] = mapped_column(String(64))
    recommending_unit_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Counter(Base):
    """A named running number (``unit_code``: the last 单位编号 issued), advanced by
    an UPDATE that holds the row until the registering transaction ends."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32), index=True)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(6), default="650000")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 停用: a disabled account cannot log in and its sessions stop working at once.
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # The password was issued by an administrator (appeal approval): until its owner
    # picks their own, the account may only read /me, log out and change it.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # 注册须知: the version the registrant accepted, and when (null: registered before
    # the notice was required, or an account the platform created).
    terms_version: Mapped[str | None] = mapped_column(String(32))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Session(Base):
    """A login. The token names it; revoking it (logout, password reset) takes effect at once."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    impersonator_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attempt(Base):
    """One try at something throttled (a login, a recovery request), by key."""

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_kind_key_at", "kind", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # login_user | login_address | login_device | …
    key: Mapped[str] = mapped_column(String(200))
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class KnownDevice(Base):
    """A browser or client that has logged in to this account with its password
    before (the gateway's long-lived device cookie). Only a hash of the device id is
    kept, so the table cannot be replayed as cookies."""

    __tablename__ = "known_devices"
    __table_args__ = (UniqueConstraint("user_id", "device_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    device_hash: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)


class RecoveryCode(Base):
    """A one-time code sent by SMS or email to reset a password."""

    __tablename__ = "recovery_codes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OrgChange(Base):
    """A unit's history: every name it had (变更单位名称) and every credit code (changed
    through an appeal), who changed it and when. ``field`` says which; the table and
    its value columns keep the names they had when only names were kept."""

    __tablename__ = "org_name_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    field: Mapped[str] = mapped_column(String(16), default="name", server_default="name")  # name | credit_code
    old_value: Mapped[str] = mapped_column("old_name", String(200))
    new_value: Mapped[str] = mapped_column("new_name", String(200))
    by_user_id: Mapped[str | None] = mapped_column(String(32))
    by_name: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Appeal(Base):
    """账号申诉: someone who lost every way back asks an administrator, with a scan
    (``applicant`` | ``unit``); or a unit asks for its credit code to be changed
    (``credit_code``: ``credit_code`` is the new one, the scan of the licence optional)."""

    __tablename__ = "appeals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))  # applicant | unit | credit_code
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(18))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    new_phone: Mapped[str | None] = mapped_column(String(32))
    new_email: Mapped[str | None] = mapped_column(String(200))
    scan_file_id: Mapped[str | None] = mapped_column(String(64))
    scan_name: Mapped[str | None] = mapped_column(String(200))
    # credit_code appeals: the unit, its code when it asked, and why
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    old_credit_code: Mapped[str | None] = mapped_column(String(18))
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[str | None] = mapped_column(String(32), index=True)  # whom it concerns
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(32))  # who did it
    impersonated_by: Mapped[dict | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class Notification(Base):
    """The outbox of SMS and email: rows are written in the business transaction and
    sent afterwards by a timer through the configured sender."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    recipient: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str | None] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="notice")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InboxMessage(Base):
    """站内信: every notification the platform sends a person also lands here, read
    or not, whether or not it also went out by SMS/email."""

    __tablename__ = "inbox_messages"
    __table_args__ = (Index("ix_inbox_owner_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # whether a copy went (or goes) by SMS/email: "sms", "email" or null
    sent_by: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(Base):
    """Which categories of notice a person also wants by SMS/email (the inbox gets
    every one regardless). A category without a row goes by SMS/email."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    external: Mapped[bool] = mapped_column(Boolean)


class OutboxEvent(OutboxMixin, Base):
    """Events for other processes (events.py), sent after the commit that queued them."""

    __tablename__ = "outbox"

"""The review service's tables: the review case of each application, its tasks
(one per node per round — the route's history), comments, and the committee's
meetings, publicity, objections and approval documents."""
import uuid
from datetime import datetime, timezone

from sqlalchemy import DDL, JSON, Boolean, Date, Index, Integer, String, Text, UniqueConstraint, event, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from zc_common.db import UTCDateTime
from zc_common.idempotency import IdempotencyMixin
from zc_common.outbox import InboxMixin


class Base(DeclarativeBase):
    pass


def new_id():
    return uuid.uuid4().hex


def utcnow():
    return datetime.now(timezone.utc)


# A name's adjacent character pairs, for the name search's GIN index
# (PostgreSQL only; services/review/search.py). Made by migration d5e6f7a8b9c0.
NAME_GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION review_name_grams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT DISTINCT substr(name, i, 2) FROM generate_series(1, char_length(name) - 1) AS i)
$$
"""


class ReviewCase(Base):
    """What review knows of one application: a copy of the fields it lists and
    filters by (kept current from applications' events and transition results)."""
    __tablename__ = "review_cases"
    __table_args__ = (
        # 申请书查询 by a fragment of the applicant's name (PostgreSQL; SQLite uses LIKE).
        Index("ix_case_name_grams", func.review_name_grams(text("applicant_name")),
              postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), default="", index=True)
    year: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(32), default="submitted")
    applicant_id: Mapped[str] = mapped_column(String(36), default="")
    applicant_name: Mapped[str] = mapped_column(String(64), default="")
    unit_id: Mapped[str] = mapped_column(String(36), default="")
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    committee_id: Mapped[str] = mapped_column(String(36), default="")
    committee_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    level: Mapped[str] = mapped_column(String(16), default="")
    # The application kind's policy ({key, name, fee, meeting, conclusion}) as the
    # submission event carried it: lists show it, the committee's page picks votes
    # or confirmation by it.
    kind: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Which specialty's windows apply (the committee may set them per specialty).
    specialty: Mapped[str] = mapped_column(String(64), default="")
    round: Mapped[int] = mapped_column(Integer, default=0)
    # claim_withdraw before the submission event arrived: do not open that round.
    withdrawn_round: Mapped[int] = mapped_column(Integer, default=0)
    # The recommending unit the base unit chose when it last forwarded.
    recommending_unit_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


event.listen(ReviewCase.__table__, "before_create", DDL(NAME_GRAMS_FUNCTION).execute_if(dialect="postgresql"))


class Task(Base):
    """One node's turn on one round. ``state``: open → deciding (a staff member's
    decision is on its way to applications) → done; or withdrawn / cancelled.
    The decision is written here before applications is asked to move the status,
    so a retry reuses ``request_id``."""
    __tablename__ = "review_tasks"
    __table_args__ = (
        UniqueConstraint("application_id", "round", "position", name="uq_task_position"),
        # The task list: open tasks at one organisation, oldest first.
        Index("ix_task_waiting_org_arrived", "org_id", "arrived_at", "id",
              postgresql_where=text("state IN ('open', 'deciding')"),
              sqlite_where=text("state IN ('open', 'deciding')")),
        Index("ix_task_state_due", "state", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    round: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)  # 1 = base unit, then departments, committee
    node: Mapped[str] = mapped_column(String(16))    # unit | department | committee
    org_id: Mapped[str] = mapped_column(String(36))
    org_name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16), default="open")
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    action: Mapped[str | None] = mapped_column(String(16), nullable=True)  # forward | return
    opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    recommending_unit_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # Where the forward goes, fixed when decided, so a retry lands in the same place.
    next_node: Mapped[str | None] = mapped_column(String(16), nullable=True)
    next_org_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True)
    decided_by: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # When the node's staff first opened the task (办理) or commented on it: from then
    # on the unit counts as acting, and the applicant can no longer withdraw.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The decision's answer, written when the task is done: a repeated or raced
    # request for the same decision answers it instead of deciding twice.
    outcome: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class Visit(Base):
    """The organisation has been on the application's route (申请书查询, has_reached)."""
    __tablename__ = "review_visits"
    # 申请书查询 pages newest first within one organisation (ties by application),
    # optionally of one status and / or one year: each served by an index, no join
    # until the page. With both, either index checks the other from its own entries
    # (PostgreSQL's INCLUDE).
    __table_args__ = (Index("ix_visit_org_first_app", "org_id", "first_arrived_at", "application_id"),
                      Index("ix_visit_org_status_first", "org_id", "status", "first_arrived_at", "application_id",
                            postgresql_include=["year"]),
                      Index("ix_visit_org_year_first", "org_id", "year", "first_arrived_at", "application_id",
                            postgresql_include=["status"]))

    org_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    first_arrived_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(32), default="submitted")  # copy of the case's
    year: Mapped[int] = mapped_column(Integer, default=0)


class Comment(Base):
    __tablename__ = "review_comments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    round: Mapped[int] = mapped_column(Integer)
    node: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[str] = mapped_column(String(36))
    org_name: Mapped[str] = mapped_column(String(200), default="")
    section: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    by_user_id: Mapped[str] = mapped_column(String(36))
    by_name: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Meeting(Base):
    __tablename__ = "review_meetings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    committee_id: Mapped[str] = mapped_column(String(36), index=True)
    committee_name: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[datetime] = mapped_column(Date)
    recorded_by: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # paper: the results were typed in after a meeting held on paper; online: counted
    # from the drawn experts' votes (services/review/voting.py).
    mode: Mapped[str] = mapped_column(String(16), default="paper", server_default="paper")


class MeetingResult(Base):
    __tablename__ = "review_meeting_results"
    __table_args__ = (UniqueConstraint("meeting_id", "application_id", name="uq_result_app"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(String(36), index=True)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    number: Mapped[str] = mapped_column(String(32), index=True)
    applicant: Mapped[dict] = mapped_column(JSON)
    unit: Mapped[dict] = mapped_column(JSON)
    qualification: Mapped[dict] = mapped_column(JSON)
    # The application's kind ({key, name, meeting, ...}) as applications sent it.
    kind: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # "meeting": votes below; "confirm": the committee's 认定 (no votes), with the
    # reason when it refused.
    conclusion: Mapped[str] = mapped_column(String(16), default="meeting")
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    experts_present: Mapped[int | None] = mapped_column(Integer, nullable=True)
    votes_for: Mapped[int | None] = mapped_column(Integer, nullable=True)
    votes_against: Mapped[int | None] = mapped_column(Integer, nullable=True)
    votes_abstain: Mapped[int | None] = mapped_column(Integer, nullable=True)
    passed: Mapped[bool] = mapped_column(Boolean)
    overturned: Mapped[bool] = mapped_column(Boolean, default=False)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    request_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    transitioned: Mapped[bool] = mapped_column(Boolean, default=False)
    approve_request_id: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True)


class Publicity(Base):
    __tablename__ = "review_publicity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(String(36), unique=True)
    committee_id: Mapped[str] = mapped_column(String(36), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Objection(Base):
    __tablename__ = "review_objections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    publicity_id: Mapped[str] = mapped_column(String(36), index=True)
    committee_id: Mapped[str] = mapped_column(String(36), index=True)
    application_id: Mapped[str] = mapped_column(String(36))
    application_number: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(200))
    client: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    upheld: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_by: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True)


class ObjectionAttempt(Base):
    """Every objection attempt from a client address (kept for the rate limit)."""
    __tablename__ = "review_objection_attempts"
    __table_args__ = (Index("ix_attempt_client_at", "client", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client: Mapped[str] = mapped_column(String(64))
    publicity_id: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Approval(Base):
    """批文: unique number per committee and year."""
    __tablename__ = "review_approvals"
    __table_args__ = (UniqueConstraint("committee_id", "year", "document_no", name="uq_approval_document_no"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(String(36), unique=True)
    committee_id: Mapped[str] = mapped_column(String(36))
    year: Mapped[int] = mapped_column(Integer)
    document_no: Mapped[str] = mapped_column(String(64))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by: Mapped[dict] = mapped_column(JSON)
    certificates_issued: Mapped[bool] = mapped_column(Boolean, default=False)
    certificates: Mapped[list | None] = mapped_column(JSON, nullable=True)


class ProcessedEvent(InboxMixin, Base):
    __tablename__ = "review_processed_events"


class IdempotencyKey(IdempotencyMixin, Base):
    """A request sent with an ``Idempotency-Key``, and what it made. A reviewer's
    forward / return names the task it decided (stored with the claim), whose
    ``outcome`` is the answer; a retry while the decision is still on its way
    resumes it. The committee's meeting, publicity and approval name their meeting,
    from which the answer is read again."""
    __tablename__ = "review_idempotency_keys"

    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    meeting_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class OrgCopy(Base):
    """review's copy of an organisation as accounts' ``get_organizations`` gives it
    (name, kind, parent, contact, the unit's ``complete`` and recommending units):
    read on every decision, so kept here and fed by accounts' ``organization_changed``
    events instead of asked for each time. ``changed_at`` orders what arrives (an
    older event never overwrites a newer copy); ``fetched_at`` is when the copy was
    last confirmed (by an event or an RPC) — a copy older than ``copies.TTL`` is
    asked again, which bounds the damage of a missed event."""
    __tablename__ = "review_org_copies"

    org_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SettingsCopy(Base):
    """review's copy of a committee's settings (applications' ``get_committee_settings``;
    ``data`` null while the committee has set none), fed by applications'
    ``committee_settings_changed`` events. Same ordering and freshness as ``OrgCopy``."""
    __tablename__ = "review_settings_copies"

    committee_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)

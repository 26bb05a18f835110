"""The applications service's tables: the catalog (qualifications, committee
settings), the applications with their sections and status history, the number
sequence, and the event outbox/inbox."""
import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from zc_common.clock import now
from zc_common.db import UTCDateTime
from zc_common.idempotency import IdempotencyMixin
from zc_common.outbox import InboxMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


def new_id():
    return uuid.uuid4().hex


class Qualification(Base):
    """A title one can apply for in a region, reviewed by one committee (评审委员会)."""

    __tablename__ = "qualifications"
    __table_args__ = (
        UniqueConstraint("region_code", "series", "specialty", "level", "committee_id",
                         name="uq_qualification_per_committee"),
        Index("ix_qualifications_triple", "series", "specialty", "level"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    series: Mapped[str] = mapped_column(String(64))
    specialty: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(64))
    committee_id: Mapped[str] = mapped_column(String(32), index=True)
    # Denormalised at creation so listing the catalog needs no call to accounts.
    committee_name: Mapped[str] = mapped_column(String(200))
    conditions: Mapped[str] = mapped_column(Text, default="")  # 任职资格条件
    # The application kinds (kinds.json keys) this title may be applied for by.
    kinds: Mapped[list] = mapped_column(JSON, default=lambda: ["review"])
    # 南疆四地州 定向评价、定向使用: reviewed for grassroots staff of those prefectures,
    # and valid for use there only (shown on the qualification and the certificate).
    directed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class CommitteeSettings(Base):
    """What a committee decides for itself: window, submission limit, fee, where
    material comes from, and (for review) quorum, publicity and days per node."""

    __tablename__ = "committee_settings"

    committee_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    submit_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submit_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_submissions: Mapped[int] = mapped_column(Integer)
    fee_fen: Mapped[int] = mapped_column(Integer)
    receiving_department_ids: Mapped[list] = mapped_column(JSON, default=list)
    meeting_quorum: Mapped[int | None] = mapped_column(Integer)
    publicity_min_days: Mapped[int] = mapped_column(Integer, default=5)
    node_days: Mapped[dict] = mapped_column(JSON, default=dict)
    # When the committee receives material from its departments (the guide: the
    # committee's time is when it receives; unit and department times come before).
    # Unset: no limit beyond the applicant's submission window.
    receive_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    receive_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Per specialty (每个专业的申报时间): {specialty: {submit_opens_at, submit_closes_at,
    # receive_opens_at, receive_closes_at}} as ISO strings; what a specialty sets wins.
    specialty_windows: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class NumberSequence(Base):
    """One row per application number handed out: the autoincrement key is the
    race-free sequence behind ``RSSQ00000001``."""

    __tablename__ = "application_numbers"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Application(Base):
    """An application (申请书). ``status`` has one writer: this service."""

    __tablename__ = "applications"
    __table_args__ = (
        # One person, one title, one year — whatever the kind, whichever region's
        # qualification row (the guide: 同一个资格在同一年度只可以申请一次，包括评审、初次确定、授予等).
        UniqueConstraint("applicant_id", "title_key", "year", name="uq_application_title_once_a_year"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(32), default="review")  # kinds.json key
    # What the title is — series|specialty|level — not which region's row offers it.
    title_key: Mapped[str] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(32), index=True, default="draft")
    applicant_id: Mapped[str] = mapped_column(String(32), index=True)
    applicant_name: Mapped[str] = mapped_column(String(200))
    qualification_id: Mapped[str] = mapped_column(ForeignKey("qualifications.id"), index=True)
    unit_id: Mapped[str] = mapped_column(String(32), index=True)
    unit_name: Mapped[str] = mapped_column(String(200))
    # The unit's 单位编号 (DWBH…) and 统一社会信用代码 as they were when the application was made.
    unit_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    unit_credit_code: Mapped[str | None] = mapped_column(String(18), nullable=True)
    committee_id: Mapped[str] = mapped_column(String(32), index=True)
    # The resolved section template, frozen at creation (or change of qualification),
    # so later edits of the template files never change an existing application.
    template_version: Mapped[str] = mapped_column(String(32))
    template: Mapped[dict] = mapped_column(JSON)
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    needs_review: Mapped[list] = mapped_column(JSON, default=list)
    submissions_used: Mapped[int] = mapped_column(Integer, default=0)
    # 纸质材料报送: when the committee recorded the paper material as received, and who.
    paper_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paper_received_by: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Transition(Base):
    """Every status change: who, when, from, to, with what opinion. ``request_id``
    makes a repeated transition request return the first result."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    opinion: Mapped[str | None] = mapped_column(Text)
    by_user_id: Mapped[str | None] = mapped_column(String(32))
    by_name: Mapped[str | None] = mapped_column(String(200))
    org_id: Mapped[str | None] = mapped_column(String(32))
    org_name: Mapped[str | None] = mapped_column(String(200))
    node: Mapped[str | None] = mapped_column(String(16))
    impersonated_by: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Notice(Base):
    """A notice on the portal: 通知公告 (``announcement``) or 纸质材料报送要求
    (``paper_materials``), posted by a platform admin or by a committee for itself."""

    __tablename__ = "notices"
    __table_args__ = (
        # The public listing: pinned first, newest first.
        Index("ix_notices_listing", "pinned", "published_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    committee_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # Denormalised so the public listing needs no call to accounts.
    committee_name: Mapped[str | None] = mapped_column(String(200))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    author_id: Mapped[str] = mapped_column(String(32))
    author_name: Mapped[str] = mapped_column(String(200))
    # The platform admin behind an impersonated write ({id, username}), else null.
    impersonated_by: Mapped[dict | None] = mapped_column(JSON)
    updated_by: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ContinuingEducation(Base):
    """One 继续教育 record the applicant keeps, apart from any application: a year's
    course with its hours and the scanned certificate (a private file in documents)."""

    __tablename__ = "continuing_education"
    __table_args__ = (Index("ix_continuing_education_owner_year", "applicant_id", "year"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    applicant_id: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    course: Mapped[str] = mapped_column(String(200))
    organizer: Mapped[str | None] = mapped_column(String(200))
    hours: Mapped[int] = mapped_column(Integer)
    certificate_file_id: Mapped[str] = mapped_column(String(64))
    certificate_name: Mapped[str] = mapped_column(String(200))
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Question(Base):
    """在线问答: a question to a committee or department, its answer, and whether the
    answer is in that organisation's public FAQ."""

    __tablename__ = "questions"
    __table_args__ = (
        Index("ix_questions_to_org", "to_org_id", "created_at"),
        Index("ix_questions_faq", "to_org_id", "published", "answered_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    asker_id: Mapped[str] = mapped_column(String(32), index=True)
    asker_name: Mapped[str] = mapped_column(String(200))
    asker_role: Mapped[str] = mapped_column(String(16))
    asker_org_id: Mapped[str | None] = mapped_column(String(32), index=True, nullable=True)
    asker_org_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    to_org_id: Mapped[str] = mapped_column(String(32))
    to_org_name: Mapped[str] = mapped_column(String(200))
    to_org_kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    scan_file_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    scan_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    scan_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    answered_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class EligibilityException(Base):
    """破格: the committee allowed an application that does not meet the listed
    conditions to be submitted, with its reason (the history records it too)."""

    __tablename__ = "eligibility_exceptions"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    by_user_id: Mapped[str] = mapped_column(String(32))
    by_name: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class SubmissionSnapshot(Base):
    """The sections and attachments as they were at each submit, kept for good, so
    a reviewer sees what changed since the version they returned."""

    __tablename__ = "submission_snapshots"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    submission_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    sections: Mapped[dict] = mapped_column(JSON)
    # [{id, name, section, sha256}] as documents listed them for the submit's check
    attachments: Mapped[list] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class OutboxEvent(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(InboxMixin, Base):
    __tablename__ = "processed_events"


class IdempotencyKey(IdempotencyMixin, Base):
    """The answer given to an applicant's submit / withdraw / change of qualification
    sent with an ``Idempotency-Key``: a retry with that key gets it again."""
    __tablename__ = "idempotency_keys"

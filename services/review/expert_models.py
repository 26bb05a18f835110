"""The committee's experts: the pool (入库/出库), the panels drawn for a meeting
with every candidate's screening, the drawn experts' seats and declarations,
exclusions (回避) per application, and the secret votes. Owned by review; the
expert's login is an accounts user with role ``expert`` (same id)."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.review.models import Base, new_id, utcnow
from zc_common.db import UTCDateTime


class Expert(Base):
    """An expert's profile as the committee keeps it. ``relations``: declared
    persons or units the expert must not judge, each ``{"kind", "name",
    "id_number", "unit_name", "credit_code"}`` (kind: family | supervisor |
    student | coauthor | team)."""
    __tablename__ = "review_experts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)   # the accounts user id
    username: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    specialties: Mapped[list] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(String(64), default="")
    level: Mapped[str] = mapped_column(String(16), default="")
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    unit_credit_code: Mapped[str | None] = mapped_column(String(18), nullable=True)
    region_code: Mapped[str] = mapped_column(String(6), default="")
    relations: Mapped[list] = mapped_column(JSON, default=list)
    created_by_committee: Mapped[str] = mapped_column(String(36), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PoolMembership(Base):
    """One stay of an expert in a pool: a committee's own (``pool`` = committee id)
    or the regional pool of a region (``pool`` = ``region:<code>``) that every
    committee of the region may draw from. 出库 closes the row; 入库 again opens a
    new one, so the history stays."""
    __tablename__ = "review_expert_pool"
    __table_args__ = (Index("ix_pool_expert", "pool", "expert_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    pool: Mapped[str] = mapped_column(String(48), index=True)
    expert_id: Mapped[str] = mapped_column(String(36), index=True)
    admitted_on: Mapped[datetime] = mapped_column(Date)
    admitted_reason: Mapped[str] = mapped_column(Text, default="")
    admitted_by: Mapped[dict] = mapped_column(JSON)
    removed_on: Mapped[datetime | None] = mapped_column(Date, nullable=True)
    removed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    removed_by: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Panel(Base):
    """A meeting's panel, drawn at random. ``candidates``: every expert screened,
    in the order the draw used (by id), each ``{"expert_id", "name", "eligible"}``;
    with ``seed`` the draw can be repeated by anyone auditing it. ``state``:
    voting → closed (the meeting is recorded, ``meeting_id``)."""
    __tablename__ = "review_panels"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    committee_id: Mapped[str] = mapped_column(String(36), index=True)
    committee_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[datetime] = mapped_column(Date)
    application_ids: Mapped[list] = mapped_column(JSON)
    applications: Mapped[list] = mapped_column(JSON)   # number, name, title, unit of each, for the pages
    panel_size: Mapped[int] = mapped_column(Integer)
    reserves: Mapped[int] = mapped_column(Integer, default=0)
    specialties: Mapped[list] = mapped_column(JSON, default=list)
    exclude_same_area: Mapped[bool] = mapped_column(Boolean, default=False)
    include_regional: Mapped[bool] = mapped_column(Boolean, default=False)
    seed: Mapped[str] = mapped_column(String(32))
    candidates: Mapped[list] = mapped_column(JSON)
    drawn: Mapped[list] = mapped_column(JSON)   # expert ids in draw order: members, then reserves
    state: Mapped[str] = mapped_column(String(16), default="voting")
    meeting_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_by: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Seat(Base):
    """A drawn expert's place on a panel. ``role``: member | reserve (a reserve
    becomes a member when a member declines). ``state``: invited → declared (signed
    the no-conflict declaration) | declined."""
    __tablename__ = "review_panel_seats"
    __table_args__ = (UniqueConstraint("panel_id", "expert_id", name="uq_seat_expert"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    panel_id: Mapped[str] = mapped_column(String(36), index=True)
    expert_id: Mapped[str] = mapped_column(String(36), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="invited")
    declaration: Mapped[str | None] = mapped_column(Text, nullable=True)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    declined_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Exclusion(Base):
    """回避: an expert kept off one application of a panel, with the reason.
    ``stage``: draw (screened out automatically) | declared (the expert declared
    the conflict, at signing or later — any vote on it is void)."""
    __tablename__ = "review_exclusions"
    __table_args__ = (Index("ix_exclusion_panel_expert", "panel_id", "expert_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    panel_id: Mapped[str] = mapped_column(String(36))
    expert_id: Mapped[str] = mapped_column(String(36), index=True)
    application_id: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Vote(Base):
    """One expert's secret vote on one application: one row, changed in place
    until the panel closes. ``choice``: for | against | abstain."""
    __tablename__ = "review_votes"
    __table_args__ = (UniqueConstraint("panel_id", "expert_id", "application_id", name="uq_vote_once"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    panel_id: Mapped[str] = mapped_column(String(36), index=True)
    expert_id: Mapped[str] = mapped_column(String(36))
    application_id: Mapped[str] = mapped_column(String(36))
    choice: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changes: Mapped[int] = mapped_column(Integer, default=0)

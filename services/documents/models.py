"""The documents service's tables: attachment receipts, private files, issued
certificates (with their per-region, per-year numbering) and the log of public
verification lookups that rate-limits enumeration. The bytes live in the bucket;
a row only points at them."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from zc_common.db import UTCDateTime


class Base(DeclarativeBase):
    pass


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(64), index=True)
    section: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(String(255))
    # An upright copy for display when the photo carries an EXIF rotation.
    display_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The object's ETag as the store answered right after the upload: a HEAD that
    # answers another ETag or size means the bytes changed behind the platform's back.
    etag: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # A file that went out with a submission is never deleted: taking it off the
    # application after a return only sets this, and the history still shows it.
    detached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PrivateFile(Base):
    """Files other services keep for their own records (appeal scans)."""

    __tablename__ = "private_files"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    owner_ref: Mapped[str] = mapped_column(String(128), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(String(255))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("region_code", "year", "sequence"),)

    no: Mapped[str] = mapped_column(String(32), primary_key=True)
    # One certificate per application: issuing again returns the same one.
    application_id: Mapped[str] = mapped_column(String(64), unique=True)
    application_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    applicant_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(64))
    series: Mapped[str | None] = mapped_column(String(128), nullable=True)
    specialty: Mapped[str | None] = mapped_column(String(128), nullable=True)
    title: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))
    # How the title was obtained: the application kind's name (评审, 初次确定, …).
    kind_name: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # 南疆四地州定向评价、定向使用 (from the qualification), printed on the certificate.
    directed_note: Mapped[str | None] = mapped_column(String(64), nullable=True)
    unit_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    committee_id: Mapped[str] = mapped_column(String(64))
    committee_name: Mapped[str] = mapped_column(String(255))
    region_code: Mapped[str] = mapped_column(String(6))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    document_no: Mapped[str] = mapped_column(String(128))
    approved_on: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, platform date
    object_key: Mapped[str] = mapped_column(String(255))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The signed PDF as stored (what an uploaded copy must hash to) and the QR's
    # signed payload (issue #15). None for a certificate issued before signing.
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    qr_payload: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Revoked (an objection upheld after approval): shown as revoked everywhere.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class CertificateCounter(Base):
    """The last sequence number used per region and year."""

    __tablename__ = "certificate_counters"

    region_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class VerificationAttempt(Base):
    __tablename__ = "verification_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    found: Mapped[bool] = mapped_column(Boolean)


class EvidenceCheckRun(Base):
    """One nightly evidence check (issue #15): the day is the key, so of several
    documents replicas exactly one runs it (the one whose insert wins)."""

    __tablename__ = "evidence_check_runs"

    # the platform date (YYYY-MM-DD) of a nightly run; a manual run is named by its time
    day: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    applications: Mapped[int] = mapped_column(Integer, default=0)
    files: Mapped[int] = mapped_column(Integer, default=0)
    damaged: Mapped[list | None] = mapped_column(JSON, nullable=True)

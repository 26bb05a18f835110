"""Issuing certificates and checking them publicly.

Issuing is idempotent per application (review may retry an approval): an
application that already has a certificate gets the same one back. Numbers come
from a counter row per region and year, locked for the transaction, so two
approvals at once never share a number."""
import hashlib
import math
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from services.documents import certificates
from services.documents.models import Certificate, CertificateCounter, VerificationAttempt
from zc_common.clock import now
from zc_common.errors import NotFound, TooManyAttempts
from zc_common.text import person_name_key

VERIFY_WINDOW = timedelta(minutes=15)
VERIFY_MAX_FAILURES = 10    # wrong number/name pairs per client address and window
VERIFY_MAX_LOOKUPS = 120    # any lookups per client address and window


def _next_sequence(db, region_code, year):
    for _ in range(3):
        query = select(CertificateCounter).where(CertificateCounter.region_code == region_code,
                                                 CertificateCounter.year == year)
        if db.bind.dialect.name == "postgresql":
            query = query.with_for_update()
        counter = db.scalars(query).first()
        if counter is not None:
            counter.last += 1
            db.flush()
            return counter.last
        try:
            with db.begin_nested():
                db.add(CertificateCounter(region_code=region_code, year=year, last=1))
            return 1
        except IntegrityError:  # another issuer made the row first: lock it and go on
            continue
    raise RuntimeError("certificate counter is contended")


def issue_one(db, bucket, approval, year, item, render):
    """The certificate of one approved application (existing or new);
    ``render(cert) -> pdf bytes``."""
    existing = db.scalars(select(Certificate).where(
        Certificate.application_id == item["application_id"])).first()
    if existing is not None:
        return existing
    committee = approval["committee"]
    region_code = str(committee["region_code"])
    sequence = _next_sequence(db, region_code, year)
    no = certificates.certificate_number(region_code, year, sequence)
    cert = Certificate(
        no=no, application_id=item["application_id"], application_number=item.get("number"),
        applicant_id=item["applicant_id"], name=item["name"], series=item.get("series"),
        specialty=item.get("specialty"), title=item["title"], level=item["level"],
        kind_name=(item.get("kind") or {}).get("name") or "评审",
        directed_note=(item.get("directed_note") or None),
        unit_name=item.get("unit_name"), committee_id=committee["id"],
        committee_name=committee["name"], region_code=region_code, year=year, sequence=sequence,
        document_no=str(approval["document_no"]), approved_on=str(approval["approved_on"])[:10],
        object_key=f"certificates/{year}/{no}.pdf", issued_at=now())
    pdf = render(cert)  # signed by the platform (and sets the QR's payload)
    cert.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    bucket.put(cert.object_key, pdf, "application/pdf")
    db.add(cert)
    try:
        db.commit()
    except IntegrityError:
        # The same application issued concurrently: keep theirs, drop our file.
        db.rollback()
        bucket.remove_quietly(cert.object_key)
        return db.scalars(select(Certificate).where(
            Certificate.application_id == item["application_id"])).one()
    except Exception:
        db.rollback()
        bucket.remove_quietly(cert.object_key)
        raise
    return cert


def verify_wait(db, client, since, moment, failures, lookups):
    """Seconds until enough of the client's counted lookups leave the window."""
    waits = []
    for counted, limit, only_failures in ((failures, VERIFY_MAX_FAILURES, True),
                                          (lookups, VERIFY_MAX_LOOKUPS, False)):
        if counted < limit:
            continue
        query = select(VerificationAttempt.at).where(VerificationAttempt.client == client,
                                                     VerificationAttempt.at >= since)
        if only_failures:
            query = query.where(VerificationAttempt.found.is_(False))
        freed_by = db.scalar(query.order_by(VerificationAttempt.at).offset(counted - limit).limit(1))
        waits.append((freed_by + VERIFY_WINDOW - moment).total_seconds())
    return max(1, math.ceil(max(waits)))


def verify(db, no, name, client):
    """The public check by number and name; refuses a client address that keeps
    guessing, so numbers cannot be enumerated."""
    moment = now()
    since = moment - VERIFY_WINDOW
    db.execute(delete(VerificationAttempt).where(VerificationAttempt.at < since))
    failures, lookups = db.execute(
        select(func.count().filter(VerificationAttempt.found.is_(False)), func.count())
        .where(VerificationAttempt.client == client, VerificationAttempt.at >= since)).one()
    if failures >= VERIFY_MAX_FAILURES or lookups >= VERIFY_MAX_LOOKUPS:
        db.commit()
        raise TooManyAttempts("too_many_attempts", "查询过于频繁，请稍后再试",
                              retry_after=verify_wait(db, client, since, moment, failures, lookups))
    cert = db.get(Certificate, no) if no else None
    # The middle dot of a transliterated name may be typed as • . ・ ‧ or a space, and
    # full-width forms as half-width: the same name either way (an empty one never is).
    found = cert is not None and bool(person_name_key(name)) and person_name_key(cert.name) == person_name_key(name)
    db.add(VerificationAttempt(client=client[:64], at=moment, found=found))
    db.commit()
    if not found:
        raise NotFound("certificate_not_found", "未查到该证书：请核对证书编号与持证人姓名")
    return cert

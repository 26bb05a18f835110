"""继续教育 records: what an applicant keeps year by year, apart from any
application — the course, its organiser, the hours and a scanned certificate.

The scan is a private file of the documents service (``store_file`` is
``documents.store_private_file``, ``read_file`` is ``documents.read_private_file``);
a record is written only after its scan was stored, and only after every text
field was checked, so a refused request stores nothing. Only applicants keep
records and each sees only their own: another's record does not exist (404).
"""
import logging

from sqlalchemy import select

from services.applications.models import ContinuingEducation
from zc_common.clock import iso, now
from zc_common.errors import Forbidden, Invalid, NotFound

YEAR_MIN = 1950
TEXT_MAX = 200
HOURS_MIN, HOURS_MAX = 1, 1000
CERTIFICATE_KIND = "ce_certificate"

log = logging.getLogger(__name__)


def _applicant(actor):
    if (actor or {}).get("role") != "applicant" or not actor.get("id"):
        raise Forbidden("forbidden", "只有申请人可以管理继续教育记录")
    return actor["id"]


def _whole(data, key, minimum, maximum, name):
    value = data.get(key)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("invalid_field", f"{name}应为整数", field=key)
    if not minimum <= value <= maximum:
        raise Invalid("invalid_field", f"{name}应在 {minimum} 到 {maximum} 之间", field=key)
    return value


def _text(data, key, name, required):
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid("invalid_field", f"{name}必填", field=key)
        return None
    if not isinstance(value, str):
        raise Invalid("invalid_field", f"{name}应为文本", field=key)
    value = value.strip()
    if len(value) > TEXT_MAX:
        raise Invalid("invalid_field", f"{name}不能超过 {TEXT_MAX} 字", field=key)
    return value


def checked(data):
    """The record's text fields, checked; raises before anything is stored. The
    latest year is the current one on the platform's clock (UTC+8)."""
    if not isinstance(data, dict):
        raise Invalid("invalid_field", "请求内容应为对象", field=None)
    return {
        "year": _whole(data, "year", YEAR_MIN, now().year, "年度"),
        "course": _text(data, "course", "课程/学习内容", required=True),
        "organizer": _text(data, "organizer", "主办单位", required=False),
        "hours": _whole(data, "hours", HOURS_MIN, HOURS_MAX, "学时"),
    }


def record_dict(row):
    return {"id": row.id, "year": row.year, "course": row.course, "organizer": row.organizer,
            "hours": row.hours,
            "certificate": {"file_id": row.certificate_file_id, "name": row.certificate_name,
                            "sha256": row.certificate_sha256},
            "created_at": iso(row.created_at)}


def _rows(session, applicant_id):
    return session.scalars(select(ContinuingEducation)
                           .where(ContinuingEducation.applicant_id == applicant_id)
                           .order_by(ContinuingEducation.year.desc(), ContinuingEducation.created_at,
                                     ContinuingEducation.id)).all()


def summarised(rows):
    """Records newest year first, the hours per year (keys are the years as text,
    as JSON carries them) and the total."""
    by_year = {}
    for row in rows:
        by_year[str(row.year)] = by_year.get(str(row.year), 0) + row.hours
    return {"records": [record_dict(r) for r in rows],
            "hours_by_year": dict(sorted(by_year.items())),
            "total": sum(by_year.values())}


def _own(session, actor, record_id):
    applicant_id = _applicant(actor)
    row = session.get(ContinuingEducation, record_id) if isinstance(record_id, str) else None
    if row is None or row.applicant_id != applicant_id:
        raise NotFound("record_not_found", "继续教育记录不存在")
    return row


# -- the applicant's own records ----------------------------------------------------

def add(session, actor, data, filename, content_b64, store_file):
    applicant_id = _applicant(actor)
    fields = checked(data)
    # documents refuses a wrong type (415), an empty or oversized scan (422/413)
    # before anything is written; only a stored scan gets a record.
    stored = store_file(kind=CERTIFICATE_KIND, owner_ref=applicant_id, filename=filename,
                        content_b64=content_b64)
    row = ContinuingEducation(applicant_id=applicant_id, certificate_file_id=stored["id"],
                              certificate_name=stored.get("name") or "证书",
                              certificate_sha256=stored.get("sha256") or "", created_at=now(), **fields)
    session.add(row)
    session.commit()
    return record_dict(row)


def list_own(session, actor):
    return summarised(_rows(session, _applicant(actor)))


def delete(session, actor, record_id, delete_file):
    """The record goes first; its scan after. A scan that cannot be deleted now is
    logged and left behind (unreferenced), never the other way round."""
    row = _own(session, actor, record_id)
    file_id = row.certificate_file_id
    session.delete(row)
    session.commit()
    try:
        delete_file(file_id=file_id)
    except Exception:  # documents down: the record is gone all the same
        log.warning("continuing education: scan %s of record %s not deleted", file_id, record_id,
                    exc_info=True)
    return {"id": record_id, "deleted": True}


def certificate(session, actor, record_id, read_file):
    """The scan's bytes (base64, as documents hands them out), for the owner only."""
    row = _own(session, actor, record_id)
    return read_file(file_id=row.certificate_file_id)


# -- for the 评审表 ----------------------------------------------------------------------

def summary(session, applicant_id):
    if not isinstance(applicant_id, str) or not applicant_id:
        return summarised([])
    return summarised(_rows(session, applicant_id))

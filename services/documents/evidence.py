"""Evidence that cannot vanish (issue #15): each attachment's receipt (sha256,
size, ETag at upload) is compared with what the object store holds.

Two depths. ``quick`` (on the hot path: submit and every forward) is one LIST of
the application's part of the bucket — each object must be there with the size and
the ETag it had when it was stored; a file stored without an ETag, or outside that
part, is asked about by a HEAD of its own (and a ``sha256`` metadata entry, when
the object carries one, must match).
``full`` (the nightly job) reads every byte back and re-hashes it. Either answers
the damaged files, each named, never raises for a damaged one.

A file is *sealed* once a submission carried it: from then on it is never
deleted or replaced — after a return the applicant may take it off the
application (``detached_at``), and the bytes and the receipt stay."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.documents import files
from services.documents.models import Attachment, EvidenceCheckRun
from zc_common.clock import iso, now, parse
from zc_common.errors import Conflict

PROBLEMS = {"missing": "存储中已找不到该文件", "size": "文件大小与存证不符",
            "hash": "文件内容与存证哈希不符"}


def quick_problem(bucket, row):
    """None when the object stands as stored, else ``missing``/``size``/``hash``."""
    found = bucket.stat(row.object_key)
    if found is None:
        return "missing"
    size, etag, metadata = found
    if size != row.size:
        return "size"
    if row.etag and etag and _bare(etag) != _bare(row.etag):
        return "hash"
    stored_sha = {k.lower(): v for k, v in metadata.items()}.get("x-amz-meta-sha256")
    if stored_sha and stored_sha != row.sha256:
        return "hash"
    return None


def full_problem(bucket, row):
    """Every byte read back and hashed: what the nightly check runs."""
    content = bucket.get_or_none(row.object_key)
    if content is None:
        return "missing"
    if len(content) != row.size:
        return "size"
    if files.sha256(content) != row.sha256:
        return "hash"
    return None


def _bare(etag):
    return (etag or "").strip('"')


def damaged(bucket, rows, check=quick_problem):
    """The damaged files among ``rows``, each named: what the refusal and the
    admin's notice list."""
    found = []
    for row in rows:
        problem = check(bucket, row)
        if problem is not None:
            found.append({"id": row.id, "name": row.name, "section": row.section, "sha256": row.sha256,
                          "stored_at": iso(row.stored_at), "problem": problem,
                          "problem_text": PROBLEMS[problem]})
    return found


def refusal(found):
    """The stable error a damaged application meets at submit and forward."""
    names = "、".join(f"「{item['name']}」" for item in found)
    return Conflict("evidence_damaged",
                    f"附件{names}在存储中已缺失或被改动，与存证不符，申请书暂不能流转；请联系平台管理员处理",
                    files=found)


def listed_problems(bucket, rows):
    """``quick_problem`` for many files, one LIST per application instead of a HEAD
    per file: the deadline's submits each check every file of their application."""
    listings = {}

    def check(bucket, row):
        prefix = f"attachments/{row.application_id}/"
        if not row.etag or not (row.object_key or "").startswith(prefix):
            return quick_problem(bucket, row)
        if prefix not in listings:
            listings[prefix] = bucket.listing(prefix)
        found = listings[prefix].get(row.object_key)
        if found is None:
            return "missing"
        size, etag = found
        if size != row.size:
            return "size"
        if etag and _bare(etag) != _bare(row.etag):
            return "hash"
        return None
    return check


def ensure_intact(bucket, rows):
    found = damaged(bucket, rows, listed_problems(bucket, rows))
    if found:
        raise refusal(found)


def last_submitted_at(application):
    """When the application was last submitted (applications' history), or None."""
    moments = [parse(t["at"]) for t in (application.get("history") or [])
               if t.get("action") == "submit" and t.get("at")]
    return max(moments) if moments else None


def is_sealed(row, application):
    """The file went out with a submission: stored before the last submit."""
    submitted = last_submitted_at(application)
    return submitted is not None and row.stored_at <= submitted


def ensure_replaceable(row, application):
    if is_sealed(row, application):
        raise Conflict("attachment_sealed",
                       f"附件「{row.name}」已随申请书提交，作为存证不能替换或删除；如需更正，请上传新文件",
                       attachment_id=row.id)


# -- the nightly check ----------------------------------------------------------------

NIGHT_HOURS = range(2, 5)   # platform time: when the nightly check may start
BATCH = 100                 # applications asked about per RPC


def is_live(application):
    """Submitted at least once and not finished: its evidence still matters to a decision."""
    info = application.get("status_info") or {}
    return application.get("status") != "draft" and not info.get("final")


def claim_day(db, day, moment):
    """True when this process claimed ``day``'s run (its row inserted first)."""
    db.add(EvidenceCheckRun(day=day, started_at=moment, applications=0, files=0))
    try:
        db.commit()
        return True
    except IntegrityError:
        db.rollback()
        return False


def run_check(db, bucket, applications_of, day, moment, check=full_problem):
    """Re-hash every file of every live application; record the run and answer the
    damaged files with their applications. ``applications_of(ids) -> {id: app}``."""
    ids = db.scalars(select(Attachment.application_id).where(Attachment.detached_at.is_(None))
                     .distinct().order_by(Attachment.application_id)).all()
    found, live_count, files_count = [], 0, 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        known = applications_of(batch) or {}
        for application_id in batch:
            application = known.get(application_id)
            if application is None or not is_live(application):
                continue
            live_count += 1
            rows = db.scalars(select(Attachment).where(Attachment.application_id == application_id,
                                                       Attachment.detached_at.is_(None))).all()
            files_count += len(rows)
            for item in damaged(bucket, rows, check):
                found.append({**item, "application_id": application_id,
                              "application_number": application.get("number"),
                              "applicant": (application.get("applicant") or {}).get("name")})
        db.rollback()  # no long read transaction across the batches
    run = db.get(EvidenceCheckRun, day)
    if run is None:
        run = EvidenceCheckRun(day=day, started_at=moment)
        db.add(run)
    run.applications, run.files, run.damaged = live_count, files_count, found
    run.finished_at = now()
    db.commit()
    return run


def run_view(run):
    return {"day": run.day, "started_at": iso(run.started_at), "finished_at": iso(run.finished_at),
            "applications": run.applications, "files": run.files, "damaged": run.damaged or []}


def admin_notice(run):
    """The platform admins' notice of a run that found damage (None when all is well)."""
    items = run.damaged or []
    if not items:
        return None
    lines = [f"申请书{i.get('application_number') or i['application_id']}（{i.get('applicant') or ''}）"
             f"附件「{i['name']}」：{i['problem_text']}" for i in items[:50]]
    more = f"\n……另有{len(items) - 50}个" if len(items) > 50 else ""
    return {"roles": ["platform_admin"], "kind": "evidence_damaged",
            "subject": f"附件存证巡检（{run.day}）：发现{len(items)}个文件缺失或被改动",
            "body": "以下附件与存证不符，相关申请书在修复前不能流转：\n" + "\n".join(lines) + more}

"""Evidence that cannot vanish (issue #15): each attachment's receipt (sha256,
size, ETag at upload) is compared with what the object store holds.

Two depths. ``quick`` (on the hot path: submit and every forward) is one HEAD per
file — the object must be there with the size and the ETag it had when it was
stored (and a ``sha256`` metadata entry, when the object carries one, must match).
``full`` (the nightly job) reads every byte back and re-hashes it. Either answers
the damaged files, each named, never raises for a damaged one.

A file is *sealed* once a submission carried it: from then on it is never
deleted or replaced — after a return the applicant may take it off the
application (``detached_at``), and the bytes and the receipt stay."""
from services.documents import files
from zc_common.clock import iso, parse
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


def ensure_intact(bucket, rows):
    found = damaged(bucket, rows)
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

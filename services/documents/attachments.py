"""Attachment files: bytes in the bucket, a receipt row in the database.

The gateway puts an upload's bytes in the bucket itself, under a fresh key in
this layout — ``attachments/<application>/<attachment>/<random>`` — and hands
over the key (``staged_key``). The object is read back and checked here by the
same rules as any file; kept where it is when the row is committed, removed when
anything refuses or fails (``kept_or_discarded``), so a refused upload leaves
neither an object nor a row. Deletes go the other way (row first), so a row never
points at bytes that are gone."""
import re
import uuid
from contextlib import contextmanager

from sqlalchemy import func, select

from services.documents import evidence, files
from services.documents.models import Attachment, PrivateFile
from services.documents.rules import not_found
from zc_common.clock import now
from zc_common.errors import BadRequest

STAGED_KEY = re.compile(r"^attachments/([0-9A-Za-z_-]{1,64})/([0-9A-Za-z_-]{1,64})/[0-9a-f]{32}$")


def bad_staged_file():
    return BadRequest("bad_staged_file", "上传文件的暂存位置不正确，请重新上传")


def staged_key(staged, application_id=None, attachment_id=None):
    """(key, attachment id) of an upload the gateway staged: the key must lie in
    this application's part of the layout (and this attachment's, for a
    replacement). Any other key is refused and never touched."""
    key = staged.get("key") if isinstance(staged, dict) else None
    match = STAGED_KEY.match(key) if isinstance(key, str) else None
    if (match is None or (application_id is not None and match[1] != application_id)
            or (attachment_id is not None and match[2] != attachment_id)):
        raise bad_staged_file()
    return key, match[2]


def discard_staged(db, bucket, key, attachment_id):
    """Remove a staged object unless its row holds it (the same request, delivered
    twice, may have recorded it already). True when it was removed."""
    row = db.get(Attachment, attachment_id)
    if row is not None and key in (row.object_key, row.display_key):
        return False
    bucket.remove_quietly(key)
    return True


@contextmanager
def kept_or_discarded(db, bucket, key, attachment_id):
    """Whatever refuses or fails inside removes the staged object."""
    try:
        yield
    except BaseException:
        db.rollback()
        discard_staged(db, bucket, key, attachment_id)
        raise


def staged_content(bucket, key):
    content = bucket.get_or_none(key)
    if content is None:
        raise bad_staged_file()
    return content


def _put_display(bucket, key, content, content_type):
    """The upright copy of a rotated photo, beside the original; its key or None."""
    display = files.upright_copy(content, content_type)
    if display is None:
        return None
    display_key = key + ".upright.jpg"
    bucket.put(display_key, display, "image/jpeg")
    return display_key


def _commit_or_clean(db, bucket, *keys):
    try:
        db.commit()
    except Exception:
        db.rollback()
        bucket.remove_quietly(*keys)
        raise


def store_staged(db, bucket, actor, application_id, section, filename, key, attachment_id, content):
    """Record the staged object ``key`` (its bytes: ``content``) as a new attachment."""
    row = db.get(Attachment, attachment_id)
    if row is not None:
        if row.object_key == key:  # recorded by this very request, delivered again
            return row
        raise bad_staged_file()
    content_type = files.checked_content(content)
    display_key = _put_display(bucket, key, content, content_type)
    row = Attachment(id=attachment_id, application_id=application_id, section=section,
                     name=files.clean_name(filename, content_type), size=len(content),
                     content_type=content_type, sha256=files.sha256(content), object_key=key,
                     display_key=display_key, uploaded_by=actor["id"], stored_at=now(),
                     etag=bucket.etag(key))
    db.add(row)
    _commit_or_clean(db, bucket, display_key)
    return row


def find(db, application_id, attachment_id, detached=False):
    """The attachment of this application; one taken off it only when ``detached``
    (the history still serves its bytes)."""
    row = db.get(Attachment, attachment_id)
    if row is None or row.application_id != application_id or (row.detached_at is not None and not detached):
        raise not_found()
    return row


def replace_staged(db, bucket, application, attachment_id, filename, key, content):
    row = find(db, application["id"], attachment_id)
    if row.object_key == key:  # replaced by this very request, delivered again
        return row
    evidence.ensure_replaceable(row, application)
    content_type = files.checked_content(content)
    display_key = _put_display(bucket, key, content, content_type)
    old_keys = (row.object_key, row.display_key)
    row.name = files.clean_name(filename, content_type)
    row.size, row.content_type, row.sha256 = len(content), content_type, files.sha256(content)
    row.object_key, row.display_key, row.stored_at = key, display_key, now()
    row.etag = bucket.etag(key)
    _commit_or_clean(db, bucket, display_key)
    bucket.remove_quietly(*old_keys)
    return row


def delete(db, bucket, application, attachment_id):
    """A file never submitted is removed, bytes and all. One that went out with a
    submission is only taken off the application (after a return): its bytes and
    its receipt stay, and the history shows it."""
    row = find(db, application["id"], attachment_id)
    if row.detached_at is not None:
        raise not_found()
    if evidence.is_sealed(row, application):
        row.detached_at = now()
        db.commit()
        return row
    keys = (row.object_key, row.display_key)
    db.delete(row)
    db.commit()
    bucket.remove_quietly(*keys)
    return None


def delete_all(db, bucket, application_id):
    """The application was deleted (a draft never submitted): its files go too.
    Rows first, objects after the commit — a redelivered event finds nothing left."""
    rows = history(db, application_id)  # a never-submitted draft has no sealed file
    keys = [k for row in rows for k in (row.object_key, row.display_key) if k]
    for row in rows:
        db.delete(row)
    db.commit()
    if keys:
        bucket.remove_quietly(*keys)
    return len(rows)


def object_of(row, display=False):
    """(key, content type): the original, or the upright copy when asked and there is one."""
    if display and row.display_key:
        return row.display_key, "image/jpeg"
    return row.object_key, row.content_type


def listed(db, application_id):
    """The files the application carries now (none taken off it)."""
    return db.scalars(select(Attachment).where(Attachment.application_id == application_id,
                                               Attachment.detached_at.is_(None))
                      .order_by(Attachment.stored_at, Attachment.id)).all()


def history(db, application_id):
    """Every file the application ever carried (a file deleted before any submit was
    never evidence and is gone), with when it was stored and taken off."""
    return db.scalars(select(Attachment).where(Attachment.application_id == application_id)
                      .order_by(Attachment.stored_at, Attachment.id)).all()


def counted(db, application_id):
    rows = db.execute(select(Attachment.section, func.count()).where(
        Attachment.application_id == application_id, Attachment.detached_at.is_(None))
        .group_by(Attachment.section)).all()
    return {section: n for section, n in rows}


def store_private(db, bucket, kind, owner_ref, filename, content):
    content_type = files.checked_content(content)
    digest = files.sha256(content)
    file_id = uuid.uuid4().hex
    key = f"private/{kind}/{file_id}"
    bucket.put(key, content, content_type, metadata={"sha256": digest})
    row = PrivateFile(id=file_id, kind=kind, owner_ref=owner_ref,
                      name=files.clean_name(filename, content_type), size=len(content),
                      content_type=content_type, sha256=digest, object_key=key, stored_at=now())
    db.add(row)
    _commit_or_clean(db, bucket, key)
    return row

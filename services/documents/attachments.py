"""Attachment files: bytes in the bucket, a receipt row in the database.

Writes go object first, row second; if the row cannot be committed the objects
just written are removed again, so a failed upload leaves neither an orphan
object nor a row. Deletes go the other way (row first), so a row never points at
bytes that are gone."""
import uuid

from sqlalchemy import func, select

from services.documents import files
from services.documents.models import Attachment, PrivateFile
from services.documents.rules import not_found
from zc_common.clock import now


def _keys(application_id, attachment_id):
    base = f"attachments/{application_id}/{attachment_id}/{uuid.uuid4().hex}"
    return base, base + ".upright.jpg"


def _put_objects(bucket, key, display_key, content, content_type, display, digest):
    """The original, then the upright copy; the original goes again if the copy fails."""
    bucket.put(key, content, content_type, metadata={"sha256": digest})
    if display is not None:
        try:
            bucket.put(display_key, display, "image/jpeg")
        except Exception:
            bucket.remove_quietly(key)
            raise


def _commit_or_clean(db, bucket, *keys):
    try:
        db.commit()
    except Exception:
        db.rollback()
        bucket.remove_quietly(*keys)
        raise


def store(db, bucket, actor, application_id, section, filename, content):
    content_type = files.checked_content(content)
    digest = files.sha256(content)
    display = files.upright_copy(content, content_type)
    attachment_id = uuid.uuid4().hex
    key, display_key = _keys(application_id, attachment_id)
    display_key = display_key if display is not None else None
    _put_objects(bucket, key, display_key, content, content_type, display, digest)
    row = Attachment(id=attachment_id, application_id=application_id, section=section,
                     name=files.clean_name(filename, content_type), size=len(content),
                     content_type=content_type, sha256=digest, object_key=key,
                     display_key=display_key, uploaded_by=actor["id"], stored_at=now())
    db.add(row)
    _commit_or_clean(db, bucket, key, display_key)
    return row


def find(db, application_id, attachment_id):
    row = db.get(Attachment, attachment_id)
    if row is None or row.application_id != application_id:
        raise not_found()
    return row


def replace(db, bucket, application_id, attachment_id, filename, content):
    row = find(db, application_id, attachment_id)
    content_type = files.checked_content(content)
    digest = files.sha256(content)
    display = files.upright_copy(content, content_type)
    key, display_key = _keys(application_id, attachment_id)
    display_key = display_key if display is not None else None
    _put_objects(bucket, key, display_key, content, content_type, display, digest)
    old_keys = (row.object_key, row.display_key)
    row.name = files.clean_name(filename, content_type)
    row.size, row.content_type, row.sha256 = len(content), content_type, digest
    row.object_key, row.display_key, row.stored_at = key, display_key, now()
    _commit_or_clean(db, bucket, key, display_key)
    bucket.remove_quietly(*old_keys)
    return row


def delete(db, bucket, application_id, attachment_id):
    row = find(db, application_id, attachment_id)
    keys = (row.object_key, row.display_key)
    db.delete(row)
    db.commit()
    bucket.remove_quietly(*keys)


def content(bucket, row, display=False):
    """(bytes, content type): the original, or the upright copy when asked and there is one."""
    if display and row.display_key:
        return bucket.get(row.display_key), "image/jpeg"
    return bucket.get(row.object_key), row.content_type


def listed(db, application_id):
    return db.scalars(select(Attachment).where(Attachment.application_id == application_id)
                      .order_by(Attachment.stored_at, Attachment.id)).all()


def counted(db, application_id):
    rows = db.execute(select(Attachment.section, func.count()).where(
        Attachment.application_id == application_id).group_by(Attachment.section)).all()
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

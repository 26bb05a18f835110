"""Known devices: a device id (the gateway's long-lived cookie, or an API client's
``X-Device-Id``) that has logged in to an account with its password before. A
correct password from such a device is not held back by failures from elsewhere."""
import hashlib
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from services.accounts.models import KnownDevice
from zc_common.clock import now

FORGET_AFTER = timedelta(days=180)   # a device unused this long is a stranger again


def device_hash(device_id):
    """The stored form of a device id (None when the caller sent none)."""
    device_id = (device_id or "").strip()
    return hashlib.sha256(device_id.encode()).hexdigest() if device_id else None


def is_known(db, user_id, hashed):
    if not hashed or not user_id:
        return False
    seen = db.scalar(select(KnownDevice.last_seen).where(
        KnownDevice.user_id == user_id, KnownDevice.device_hash == hashed))
    return seen is not None and seen > now() - FORGET_AFTER


def remember(db, user_id, hashed, at):
    """Marks (user, device) as known after a successful login, in a savepoint so a
    concurrent first login from the same device cannot spoil the login itself."""
    if not hashed:
        return
    row = db.scalar(select(KnownDevice).where(KnownDevice.user_id == user_id, KnownDevice.device_hash == hashed))
    if row is not None:
        row.last_seen = at
        return
    try:
        with db.begin_nested():
            db.add(KnownDevice(user_id=user_id, device_hash=hashed, first_seen=at, last_seen=at))
    except IntegrityError:
        pass


def purge(db):
    deleted = db.execute(delete(KnownDevice).where(KnownDevice.last_seen < now() - FORGET_AFTER)).rowcount
    db.commit()
    return deleted

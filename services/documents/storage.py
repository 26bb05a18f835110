"""Object storage (any S3 API server) through the ``minio`` client.

``store = ObjectStore()`` on a service hands each worker the same thin
``Bucket`` wrapper; the client is made in ``setup`` and the bucket created there
when missing. The object store may start at the same moment as the service
(``make run`` starts everything at once), so creating the bucket is retried for a
while before the service gives up.
"""
import io
import logging
import time

from minio import Minio
from minio.error import S3Error
from nameko.extensions import DependencyProvider

from zc_common.config import s3_settings

log = logging.getLogger(__name__)

START_WAIT_SECONDS = 60
MISSING = ("NoSuchKey", "NoSuchObject", "NoSuchBucket")


class Bucket:
    """One bucket, the calls the documents service needs and nothing more."""

    def __init__(self, client, name):
        self.client = client
        self.name = name

    def ensure(self):
        if not self.client.bucket_exists(self.name):
            try:
                self.client.make_bucket(self.name)
            except S3Error as exc:  # another replica made it first
                if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise

    def put(self, key, data, content_type="application/octet-stream", metadata=None):
        """Store ``data``; its ETag."""
        return self.client.put_object(self.name, key, io.BytesIO(data), len(data),
                                      content_type=content_type, metadata=metadata or None).etag

    def get(self, key):
        response = self.client.get_object(self.name, key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def get_or_none(self, key):
        """The object's bytes, or None when there is no such object (one round trip)."""
        try:
            return self.get(key)
        except S3Error as exc:
            if exc.code in MISSING:
                return None
            raise

    def etag(self, key):
        """The object's ETag, or None when there is no such object (one HEAD)."""
        try:
            return self.client.stat_object(self.name, key).etag
        except S3Error as exc:
            if exc.code in MISSING:
                return None
            raise

    def stat(self, key):
        """(size, etag, metadata) of the object, or None when there is no such
        object (one HEAD): what the evidence check compares with the receipt."""
        try:
            found = self.client.stat_object(self.name, key)
        except S3Error as exc:
            if exc.code in MISSING:
                return None
            raise
        return found.size, found.etag, dict(found.metadata or {})

    def exists(self, key):
        try:
            self.client.stat_object(self.name, key)
            return True
        except S3Error as exc:
            if exc.code in MISSING:
                return False
            raise

    def remove(self, key):
        self.client.remove_object(self.name, key)

    def remove_quietly(self, *keys):
        """Best-effort clean-up after a failed write: never hides the first error."""
        for key in keys:
            if key is None:
                continue
            try:
                self.remove(key)
            except Exception:  # noqa: BLE001 — logged; the caller is already failing
                log.warning("could not remove object %s", key, exc_info=True)

    def keys(self, prefix):
        return [obj.object_name for obj in
                self.client.list_objects(self.name, prefix=prefix, recursive=True)]

    def listing(self, prefix):
        """{key: (size, etag)} of every object under ``prefix``: one LIST request
        (per thousand objects) instead of a HEAD per object."""
        return {obj.object_name: (obj.size, obj.etag) for obj in
                self.client.list_objects(self.name, prefix=prefix, recursive=True)}


def make_bucket(settings=None):
    settings = settings or s3_settings()
    client = Minio(settings["endpoint"], access_key=settings["access_key"],
                   secret_key=settings["secret_key"], secure=settings["secure"],
                   region="us-east-1")
    return Bucket(client, settings["bucket"])


class ObjectStore(DependencyProvider):
    def setup(self):
        self.bucket = make_bucket()
        deadline = time.monotonic() + START_WAIT_SECONDS
        while True:
            try:
                self.bucket.ensure()
                return
            except Exception:  # noqa: BLE001 — the object store is still starting
                if time.monotonic() > deadline:
                    raise
                log.info("object store not ready yet; retrying")
                time.sleep(0.5)

    def get_dependency(self, worker_ctx):
        return self.bucket

"""An in-memory stand-in for ``storage.Bucket`` in worker_factory unit tests (the
integration tests use the real SeaweedFS). Same methods, same semantics."""
import hashlib


class MemoryBucket:
    def __init__(self):
        self.objects = {}
        self.fail_puts = False
        self.listings = 0  # LIST requests made (the evidence check counts on one per application)

    def put(self, key, data, content_type="application/octet-stream", metadata=None):
        if self.fail_puts:
            raise ConnectionError("object store down")
        self.objects[key] = (bytes(data), content_type, dict(metadata or {}))
        return hashlib.md5(bytes(data)).hexdigest()

    def etag(self, key):
        return hashlib.md5(self.objects[key][0]).hexdigest() if key in self.objects else None

    def stat(self, key):
        if key not in self.objects:
            return None
        data, _, metadata = self.objects[key]
        return len(data), hashlib.md5(data).hexdigest(), {f"X-Amz-Meta-{k}": v for k, v in metadata.items()}

    def get(self, key):
        return self.objects[key][0]

    def get_or_none(self, key):
        return self.objects[key][0] if key in self.objects else None

    def exists(self, key):
        return key in self.objects

    def remove(self, key):
        self.objects.pop(key, None)

    def remove_quietly(self, *keys):
        for key in keys:
            if key is not None:
                self.remove(key)

    def keys(self, prefix):
        return sorted(k for k in self.objects if k.startswith(prefix))

    def listing(self, prefix):
        self.listings += 1
        return {k: (len(data), hashlib.md5(data).hexdigest())
                for k, (data, _, _) in self.objects.items() if k.startswith(prefix)}

"""The documents service's private-file RPCs, as accounts uses them for appeal scans
(docs/internal-rpc.md). Remote domain errors arrive as themselves (zc_common.remote):
a file too large stays 413; a documents service that is not running is 503."""
from zc_common.remote import calling


class Documents:
    def __init__(self, proxy):
        self.proxy = proxy

    def store_private_file(self, kind, owner_ref, filename, content_b64):
        return calling(self.proxy.store_private_file)(kind=kind, owner_ref=owner_ref,
                                                      filename=filename, content_b64=content_b64)

    def read_private_file(self, file_id):
        return calling(self.proxy.read_private_file)(file_id=file_id)

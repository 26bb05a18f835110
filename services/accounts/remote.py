"""Calls to other services, with their failures turned into our domain errors so the
gateway answers them the same way (a file too large stays 413; a service that is not
running is 503)."""
from nameko.exceptions import MethodNotFound, RemoteError, UnknownService

from zc_common import errors

CATEGORIES = {cls.__name__: cls for cls in errors.CATEGORIES}


def translated(method, **kwargs):
    try:
        return method(**kwargs)
    except (UnknownService, MethodNotFound) as exc:
        raise errors.Unavailable("service_unavailable", "文件服务暂不可用，请稍后重试") from exc
    except RemoteError as exc:
        category = CATEGORIES.get(exc.exc_type)
        if category is None:
            raise
        code, _, message = str(exc.value).partition(": ")
        raise category(code, message or code) from exc


class Documents:
    """The documents service's private-file RPCs (docs/internal-rpc.md)."""

    def __init__(self, proxy):
        self.proxy = proxy

    def store_private_file(self, kind, owner_ref, filename, content_b64):
        return translated(self.proxy.store_private_file, kind=kind, owner_ref=owner_ref,
                          filename=filename, content_b64=content_b64)

    def read_private_file(self, file_id):
        return translated(self.proxy.read_private_file, file_id=file_id)

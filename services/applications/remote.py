"""Calling other services from a worker: a domain error raised over there comes
back as nameko's ``RemoteError`` (type name and ``"code: message"``); turn it back
into the same category, so the gateway answers with the other service's status and
code. Anything else is not ours to reinterpret and propagates as it is."""
from nameko.exceptions import RemoteError, UnknownService

from zc_common import errors
from zc_common.errors import Unavailable

_CATEGORIES = {cls.__name__: cls for cls in errors.CATEGORIES}


def domain_error(exc):
    """The domain error a RemoteError stands for, or None."""
    cls = _CATEGORIES.get(exc.exc_type)
    if cls is None:
        return None
    code, _, message = str(exc.value or "").partition(": ")
    return cls(code or "remote_error", message or code)


def calling(method):
    """Wrap a ``ServiceProxy`` method so remote domain errors re-raise as ours."""
    def call(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except RemoteError as exc:
            mapped = domain_error(exc)
            if mapped is None:
                raise
            raise mapped from None
        except UnknownService as exc:
            raise Unavailable("service_unavailable", f"后台服务暂不可用（{exc}），请稍后重试") from None
    return call

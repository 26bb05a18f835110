"""Domain errors across service-to-service RPC.

nameko rebuilds a remote exception as its own class only when the class path is in
``nameko.exceptions.registry``; otherwise the caller gets a bare ``RemoteError`` and
the code and message are lost. Importing this module registers every category of
``zc_common.errors``, so e.g. applications' 404 raised inside a documents worker
reaches the gateway as the same 404 with its code. ``calling`` adds the other case:
a service that nobody serves becomes 503 ``service_unavailable``.
"""
from nameko.exceptions import MethodNotFound, UnknownService, get_module_path, registry

from zc_common.errors import CATEGORIES, DomainError, TimedOut, Unavailable


def _rebuild(category):
    def build(code=None, message="", extra=None, *_rest):
        return category(code, message, **(extra if isinstance(extra, dict) else {}))
    return build


def register_domain_errors():
    for category in CATEGORIES:
        registry.setdefault(get_module_path(category), _rebuild(category))


register_domain_errors()


def domain_error(exc):
    """The DomainError ``exc`` is (a refusal that will not change on retry), or None
    (timeouts, crashes, the broker). ``TimedOut`` and ``Unavailable`` are None too:
    the callee may not have run the call — or may still be running it — so the
    caller must treat the outcome as unknown and retry, not as a refusal."""
    if isinstance(exc, (TimedOut, Unavailable)):
        return None
    return exc if isinstance(exc, DomainError) else None


def calling(method):
    """Wrap a ServiceProxy method: a service that nobody serves is 503."""
    def call(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (UnknownService, MethodNotFound) as exc:
            raise Unavailable("service_unavailable", f"后台服务暂不可用（{exc}），请稍后重试") from None
    return call

"""Domain errors raised by the services documents calls come back as themselves.

nameko turns a remote exception into a bare ``RemoteError`` (code and message
lost) unless its class path is in ``nameko.exceptions.registry``. Registering
``zc_common.errors``' categories here makes e.g. applications' 404 reach the
gateway as the same 404 with its code, instead of an unmapped error (500)."""
from nameko.exceptions import get_module_path, registry

from zc_common.errors import CATEGORIES


def _rebuild(category):
    def build(code=None, message="", extra=None, *rest):
        return category(code, message, **(extra if isinstance(extra, dict) else {}))
    return build


def register_domain_errors():
    for category in CATEGORIES:
        registry.setdefault(get_module_path(category), _rebuild(category))


register_domain_errors()

"""注册须知: the notice a registrant must read and accept (the guides: 仔细阅读注册须知).
Its text lives in the web catalog (gateway/web/src/i18n/*/terms.js); this module
owns which version is current, and a registration must name it. Change the text →
bump ``CURRENT_VERSION`` here and ``TERMS_VERSION`` in gateway/web/src/lib/terms.js
(a unit test keeps the two equal)."""
from zc_common.errors import Invalid

CURRENT_VERSION = "2026-12"


def accepted_version(data):
    """The version the registrant accepted (``terms_version``), which must be the
    current one; otherwise 422 ``terms_not_accepted``."""
    version = data.get("terms_version")
    if version in (None, "", False):
        raise Invalid("terms_not_accepted", "请阅读并同意注册须知后再注册", field="terms_version",
                      params={"current": CURRENT_VERSION})
    if version != CURRENT_VERSION:
        raise Invalid("terms_not_accepted", f"注册须知已更新（现行版本 {CURRENT_VERSION}），请重新阅读并同意后再注册",
                      field="terms_version", params={"current": CURRENT_VERSION, "reason": "outdated"})
    return version

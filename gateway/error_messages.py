"""API error messages in the reader's language (Accept-Language: zh-CN, the default,
or ug-CN, Uyghur in Arabic script).

Services raise errors with a stable ``code`` and a Chinese ``message``; where the
message carries values (a field's name, a limit, a time) they also travel as separate
``params``. The gateway answers the message in the language the client asked for:
first a template for the code (``code`` or ``code.reason``) filled from ``params``,
else the Chinese message looked up as a whole (gettext style: the Chinese text is the
message id), else the Chinese message as it came. ``code``, ``params`` and ``field``
never change, so a client may render its own wording from them."""
import json
import re

from gateway.error_messages_ug import MESSAGES as _UG_MESSAGES
from gateway.error_messages_ug import TEMPLATES as _UG_TEMPLATES

DEFAULT = "zh-CN"
SUPPORTED = ("zh-CN", "ug-CN")


def negotiate(header):
    """The best supported language for an Accept-Language header (RFC 9110 q-values)."""
    best, best_q = DEFAULT, -1.0
    for n, part in enumerate((header or "").split(",")):
        tag, _, rest = part.strip().partition(";")
        tag = tag.strip().lower()
        q = 1.0
        m = re.search(r"q\s*=\s*([0-9.]+)", rest)
        if m:
            try:
                q = float(m.group(1))
            except ValueError:
                q = 0.0
        lang = "ug-CN" if tag.startswith("ug") else "zh-CN" if tag.startswith("zh") else None
        # earlier entries win ties, as the header lists them in preference order
        if lang and q > 0 and q - n * 1e-6 > best_q:
            best, best_q = lang, q - n * 1e-6
    return best


def localize(error, lang):
    """The error body (API.md's ``error`` object) with its message in ``lang``."""
    if lang == DEFAULT or not isinstance(error, dict):
        return error
    catalog = CATALOGS.get(lang)
    if not catalog:
        return error
    params = error.get("params") if isinstance(error.get("params"), dict) else {}
    code = error.get("code")
    text = None
    for key in ((f"{code}.{params['reason']}",) if "reason" in params else ()) + (code,):
        template = catalog["templates"].get(key)
        if template:
            try:
                text = template.format(**{"field": error.get("field") or "", **params})
                break
            except (KeyError, IndexError, ValueError):
                continue   # the params lack a value this template needs: try the next way
    if text is None:
        text = catalog["messages"].get(error.get("message"))
    if text is None:
        return error
    return {**error, "message": text}


def localize_body(raw, lang):
    """A JSON error response body (bytes) re-rendered in ``lang``; None when unchanged."""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("error"), dict):
        return None
    error = localize(data["error"], lang)
    if error is data["error"]:
        return None
    return {**data, "error": error}


CATALOGS = {"ug-CN": {"messages": _UG_MESSAGES, "templates": _UG_TEMPLATES}}

"""How the platform and the sandbox provider sign what they send each other.

HMAC-SHA256 over ``timestamp \\n nonce \\n body`` with a shared secret, the way real
providers sign their notifications (WeChat Pay v3 signs the same three parts). The
timestamp bounds how long a captured request stays usable; the nonce makes each
request usable once. Both processes derive the same secret from the data dir's
secret key unless ``ZC_SANDBOX_SECRET`` is given.
"""
import hashlib
import hmac
import os
import secrets
import time
from urllib.parse import urlencode

TIMESTAMP_HEADER = "X-ZC-Timestamp"
NONCE_HEADER = "X-ZC-Nonce"
SIGNATURE_HEADER = "X-ZC-Signature"
SIGNED_HEADERS = (TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER)

# The query parameters of a checkout link that the signature covers, in this order.
CHECKOUT_FIELDS = ("order_no", "amount_fen", "subject", "notify_url")


def sandbox_secret():
    """The key shared by the payments service and the sandbox provider.

    Read lazily (at first use, not at import) so that a data dir's secret key,
    created by whichever process starts first, is settled before it is read.
    """
    given = os.environ.get("ZC_SANDBOX_SECRET")
    if given:
        return given.encode()
    from zc_common.config import secret_key
    return derive_sandbox_secret(secret_key())


def derive_sandbox_secret(platform_secret_key):
    """A key of its own for the sandbox, so the platform's secret never leaves it."""
    return hmac.new(platform_secret_key.encode(), b"zhicheng sandbox payment provider",
                    hashlib.sha256).hexdigest().encode()


def signature(secret, timestamp, nonce, body):
    message = f"{timestamp}\n{nonce}\n".encode() + body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_headers(secret, body, timestamp=None, nonce=None):
    """Headers for a signed request or response carrying ``body`` (bytes)."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    return {
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: signature(secret, timestamp, nonce, body),
    }


def signature_matches(secret, timestamp, nonce, body, given):
    if not (timestamp and nonce and given):
        return False
    return hmac.compare_digest(signature(secret, timestamp, nonce, body), given)


def header(headers, name):
    """Case-insensitive header lookup on a plain dict (headers cross RPC as one)."""
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


# -- checkout links ---------------------------------------------------------------

def checkout_signature(secret, params):
    message = "&".join(f"{name}={params[name]}" for name in CHECKOUT_FIELDS).encode()
    return hmac.new(secret, b"checkout\n" + message, hashlib.sha256).hexdigest()


def checkout_query(secret, order_no, amount_fen, subject, notify_url):
    """The query string of a signed checkout link (Alipay-style page payment)."""
    params = {"order_no": order_no, "amount_fen": str(amount_fen), "subject": subject,
              "notify_url": notify_url}
    params["sig"] = checkout_signature(secret, params)
    return urlencode(params)


def checkout_params_valid(secret, params):
    if any(not params.get(name) for name in (*CHECKOUT_FIELDS, "sig")):
        return False
    return hmac.compare_digest(checkout_signature(secret, params), params["sig"])

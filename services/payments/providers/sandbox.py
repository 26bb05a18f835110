"""The sandbox provider as seen from the payments service (the provider itself is
the web app in ``services/payments/sandbox``)."""
import json
import os
import re
import urllib.request

from services.payments import signing
from services.payments.providers.base import CallbackRefused, Notice, OrderForCheckout, PaymentProvider, StatementLine
from zc_common.config import public_url

TIMESTAMP_WINDOW = 5 * 60  # seconds either side of our clock
IDENTIFIER = re.compile(r"[0-9A-Za-z_.:+\-]{1,64}")  # ids, statuses and ISO 8601 times


def sandbox_url():
    """The sandbox's public address (``ZC_SANDBOX_URL``, else loopback on ``ZC_SANDBOX_PORT``)."""
    given = os.environ.get("ZC_SANDBOX_URL")
    if given:
        return given.rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('ZC_SANDBOX_PORT', '8081')}"


class SandboxProvider(PaymentProvider):
    name = "sandbox"

    def __init__(self, secret=None, base_url=None, notify_url=None):
        self._secret = secret
        self.base_url = base_url or sandbox_url()
        self.notify_url = notify_url or f"{public_url().rstrip('/')}/api/v1/payments/callbacks/sandbox"

    @property
    def secret(self):
        # Read at first use, when the data dir's key is settled, then kept: the key is
        # fixed for a running system (the gateway reads it once too), and reading and
        # deriving it again cost more than checking a callback's signature.
        if self._secret is None:
            self._secret = signing.sandbox_secret()
        return self._secret

    def checkout_url(self, order: OrderForCheckout) -> str:
        query = signing.checkout_query(self.secret, order.order_no, order.amount_fen, order.subject,
                                       self.notify_url)
        return f"{self.base_url}/checkout?{query}"

    def verify_callback(self, body, headers, now):
        timestamp = signing.header(headers, signing.TIMESTAMP_HEADER)
        nonce = signing.header(headers, signing.NONCE_HEADER)
        given = signing.header(headers, signing.SIGNATURE_HEADER)
        if not (timestamp and nonce and given):
            raise CallbackRefused("Unauthorized", "missing_signature", "回调缺少签名、时间戳或随机串")
        if not signing.signature_matches(self.secret, timestamp, nonce, body, given):
            raise CallbackRefused("Unauthorized", "bad_signature", "回调签名校验失败")
        try:
            stamp = int(timestamp)
        except ValueError:
            raise CallbackRefused("Unauthorized", "bad_timestamp", "回调时间戳格式不正确") from None
        if abs(now - stamp) > TIMESTAMP_WINDOW:
            raise CallbackRefused("Unauthorized", "stale_timestamp", "回调时间戳超出允许的 5 分钟范围")
        if not IDENTIFIER.fullmatch(nonce):
            raise CallbackRefused("Invalid", "invalid_callback", "回调随机串应为 1–64 位字母或数字", field="nonce")
        return _notice(body, nonce, stamp)

    def fetch_statement(self):
        path = "/api/statement"
        headers = signing.signed_headers(self.secret, path.encode())
        request = urllib.request.Request(self.base_url + path, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
            answer_headers = dict(response.headers.items())
        timestamp = signing.header(answer_headers, signing.TIMESTAMP_HEADER)
        nonce = signing.header(answer_headers, signing.NONCE_HEADER)
        given = signing.header(answer_headers, signing.SIGNATURE_HEADER)
        if not signing.signature_matches(self.secret, timestamp, nonce, body, given):
            raise ValueError("the sandbox statement is not signed with the shared secret")
        data = json.loads(body)
        return [StatementLine(txn_id=line["txn_id"], order_no=line["order_no"],
                              amount_fen=int(line["amount_fen"]), paid_at=line["paid_at"])
                for line in data["transactions"]]


def _notice(body, nonce, stamp):
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise CallbackRefused("BadRequest", "malformed_callback", "回调内容不是有效的 JSON") from None
    if not isinstance(data, dict):
        raise CallbackRefused("BadRequest", "malformed_callback", "回调内容应为 JSON 对象")
    for name in ("txn_id", "order_no", "status", "at"):
        value = data.get(name)
        if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
            raise CallbackRefused("Invalid", "invalid_callback", f"回调字段 {name} 缺失或格式不正确", field=name)
    amount = data.get("amount_fen")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount < 2**31:
        raise CallbackRefused("Invalid", "invalid_callback", "回调字段 amount_fen 应为非负整数（分）",
                              field="amount_fen")
    if data["status"] not in ("paid", "cancelled"):
        raise CallbackRefused("Invalid", "invalid_callback", "回调状态只能是 paid 或 cancelled", field="status")
    return Notice(txn_id=data["txn_id"], order_no=data["order_no"], amount_fen=amount,
                  status=data["status"], at=data["at"], nonce=nonce, timestamp=stamp)


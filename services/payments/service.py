"""The payments service."""
from nameko.rpc import rpc

from services.payments.models import Base  # noqa: F401
from zc_common.db import Database


class PaymentsService:
    name = "payments"

    db = Database("payments")

    @rpc
    def ping(self):
        return "ok"

"""What the payments service needs from a payment provider.

A provider makes a checkout link for an order, proves that a callback came from it
and was not altered or replayed (``verify_callback``), and hands over its statement
of settled transactions for reconciliation. Everything provider-specific (wire
format, signature scheme) stays behind this interface.
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass


class CallbackRefused(Exception):
    """The callback cannot be trusted or understood; ``category`` is the
    zc_common.errors class name to answer with."""

    def __init__(self, category, code, message, field=None):
        super().__init__(code, message)
        self.category = category
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Notice:
    """A verified callback: what the provider says happened to one transaction."""

    txn_id: str
    order_no: str
    amount_fen: int
    status: str            # "paid" | "cancelled"
    at: str                # ISO 8601, the provider's time of the event
    nonce: str
    timestamp: int


@dataclass(frozen=True)
class StatementLine:
    """One settled transaction in the provider's statement."""

    txn_id: str
    order_no: str
    amount_fen: int
    paid_at: str


@dataclass(frozen=True)
class OrderForCheckout:
    order_no: str
    amount_fen: int
    subject: str


class PaymentProvider(ABC):
    name: str

    @abstractmethod
    def checkout_url(self, order: OrderForCheckout) -> str:
        """Where the payer goes to pay ``order``."""

    @abstractmethod
    def verify_callback(self, body: bytes, headers: dict, now: float) -> Notice:
        """The notice in a callback, or ``CallbackRefused`` (signature, timestamp
        window, format). Nonce replay is checked by the caller, who owns the store."""

    @abstractmethod
    def fetch_statement(self) -> list[StatementLine]:
        """Every settled transaction the provider knows of."""

"""The payments service: fee orders, provider callbacks, reconciliation.

The class is the door; the rules live in ``orders``, ``callbacks`` and
``reconcile``. Events leave through the transactional outbox: a callback's fee_paid
by its id, batched with other callbacks' by the dispatcher's sender (zc_common/outbox_sender.py;
on SQLite right away, ``booking.send_now``), others by ``relay`` right after their
commit, and whatever is left by ``relay`` on a timer.
"""
import logging
import os
import time
from datetime import datetime, timezone

from nameko.timer import timer
from sqlalchemy import select

from services.payments import booking, callbacks, orders, reconcile
from services.payments.booking import CallbackEngine
from services.payments.models import FeeOrder, OutboxEvent, ProcessedEvent
from services.payments.providers import DEFAULT_PROVIDER, make_providers
from zc_common.db import Database, workers
from zc_common.errors import DomainError, Forbidden, NotFound, Unavailable
from zc_common.health import Health
from zc_common.logs import WorkerLog
from zc_common.metrics import Metrics
from zc_common.outbox import first_time, relay
from zc_common.outbox_sender import OutboxDispatcher
from zc_common.remote import calling
from zc_common.rpc import RpcProxy, event_handler, rpc

log = logging.getLogger(__name__)

RECONCILE_SECONDS = float(os.environ.get("ZC_RECONCILE_SECONDS", "600"))


class PaymentsService(Health):
    name = "payments"

    # Callbacks' statements, committing one by one (booking.CallbackEngine), have a pool
    # of their own that keeps one connection per worker (ZC_DB_POOL_SIZE still caps it):
    # under a stream of callbacks every worker is in one, and with fewer kept, those
    # beyond were closed after each statement and a new backend opened for the next —
    # dearer than the callback. The sessions' pool serves the rest (event handlers,
    # timers, the fee view), rarely many at once: it keeps a few, so the stream does not
    # hold a second set of connections on a PostgreSQL that every service shares.
    db = Database("payments", pool_size=4)
    callback_engine = CallbackEngine("payments", pool_size=workers())
    worker_log = WorkerLog()   # one line per RPC/event, with its request id (zc_common.logs)
    metrics = Metrics(outbox=OutboxEvent)
    dispatch = OutboxDispatcher(OutboxEvent, batched={"fee_paid": "fees_paid"})
    applications = RpcProxy("applications")
    providers = make_providers()

    @rpc
    def ping(self):
        return "ok"

    # -- fee orders ---------------------------------------------------------------

    @event_handler("applications", "formal_review_passed")
    def on_formal_review_passed(self, payload):
        if not first_time(self.db, ProcessedEvent, payload.get("event_id"), "formal_review_passed"):
            return
        if not orders.charged(payload):
            self.db.commit()  # the inbox row only: this kind never has a fee order
            return
        order = orders.open_order(self.db, payload)
        self.db.commit()
        self._price(order)
        self._relay()

    @rpc(expected_exceptions=DomainError)
    def get_fee(self, actor, application_id):
        """The applicant's fee for their application; 404 to anyone else."""
        order = orders.order_for_application(self.db, application_id)
        try:
            application = calling(self.applications.get_application_internal)(application_id)
        except NotFound:
            raise NotFound("fee_not_found", "该申请尚无缴费订单（形式审查通过后生成）") from None
        if (application.get("applicant") or {}).get("id") != actor.get("id"):
            raise NotFound("fee_not_found", "该申请尚无缴费订单（形式审查通过后生成）")
        return orders.fee_view(order, self.providers[order.provider])

    # -- callbacks ----------------------------------------------------------------

    @rpc(expected_exceptions=DomainError)
    def handle_callback(self, provider_name, body_b64, headers):
        """A provider's callback as the gateway received it (raw body, base64)."""
        provider = self.providers.get(provider_name)
        if provider is None:
            raise NotFound("unknown_provider", "不支持的支付服务商")
        body = callbacks.decode_body(body_b64)
        outcome = callbacks.handle(self.callback_engine, provider, body, headers or {}, time.time())
        if outcome.event is not None:
            if self.callback_engine.dialect.name == "postgresql":
                # Committed with the payment; the sender publishes it with others'
                # in one transaction, and the caller need not wait for the broker.
                self.dispatch.soon(outcome.event["event_id"])
            else:
                # SQLite (one process, ``make run``'s default): no row locks to keep
                # the relay off a batch, and no commit worth sharing.
                booking.send_now(self.callback_engine, outcome.event, self.dispatch)
        return outcome.as_dict()

    # -- reconciliation -----------------------------------------------------------

    @rpc(expected_exceptions=DomainError)
    def reconcile(self, actor, provider_name=DEFAULT_PROVIDER):
        _require_admin(actor)
        return self._reconcile(provider_name)

    @rpc(expected_exceptions=DomainError)
    def list_mismatches(self, actor, include_resolved=False):
        _require_admin(actor)
        return reconcile.list_mismatches(self.db, include_resolved=include_resolved)

    @timer(interval=RECONCILE_SECONDS)
    def reconcile_regularly(self):
        for name in self.providers:
            try:
                self._reconcile(name)
            except DomainError as error:
                log.warning("reconciliation with %s failed: %s", name, error)

    # -- housekeeping ---------------------------------------------------------------

    @timer(interval=5)
    def housekeeping(self):
        """Events a broker hiccup held back, orders still waiting for their price,
        nonces past any timestamp window."""
        for order in self.db.scalars(select(FeeOrder).where(FeeOrder.status == "pricing").limit(50)).all():
            self._price(order)
        callbacks.forget_old_nonces(self.db, _utcnow())
        self._relay()

    def _price(self, order):
        try:
            settings = self.applications.get_committee_settings(order.committee_id)
        except Exception as error:  # applications down or the committee unknown: the timer retries
            log.warning("fee order %s: committee settings unavailable (%s); will retry", order.order_no, error)
            self.db.rollback()
            return
        orders.price_order(self.db, order, settings.get("fee_fen"))
        self.db.commit()

    def _reconcile(self, provider_name):
        provider = self.providers.get(provider_name)
        if provider is None:
            raise NotFound("unknown_provider", "不支持的支付服务商")
        try:
            statement = provider.fetch_statement()
        except Exception as error:  # the provider is down or answers nonsense
            log.warning("statement from %s unavailable: %s", provider_name, error)
            raise Unavailable("provider_unavailable", "支付服务商对账单暂不可用，请稍后重试") from None
        return reconcile.run(self.db, provider, statement)

    def _relay(self):
        relay(self.db, OutboxEvent, self.dispatch)


def _require_admin(actor):
    if (actor or {}).get("role") != "platform_admin":
        raise Forbidden("forbidden", "仅平台管理员可进行对账")


def _utcnow():
    return datetime.now(timezone.utc)

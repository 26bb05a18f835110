"""Fee orders: made when formal review passes, priced from the committee's
settings, shown to the applicant. A zero fee is paid by definition and goes
straight on."""
import secrets
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.payments.models import FeeOrder, OutboxEvent
from services.payments.providers.base import OrderForCheckout
from zc_common import clock
from zc_common.errors import NotFound
from zc_common.outbox import add_event


def new_order_no(moment=None):
    """``ZF`` + date (platform time) + 10 random digits: unguessable, sortable by day."""
    moment = moment or clock.now()
    return f"ZF{moment:%Y%m%d}{secrets.randbelow(10 ** 10):010d}"


def charged(event):
    """Does the application's kind charge a fee? The kind's policy (owned by
    applications) travels with the event; an event from before kinds existed
    carries none and is charged, as every application was then."""
    return (event.get("kind") or {}).get("fee", True) is not False


def open_order(session, event):
    """The order for a ``formal_review_passed`` event, waiting for its price.
    Returns the existing order if the application has one already."""
    existing = session.scalar(select(FeeOrder).where(FeeOrder.application_id == event["application_id"]))
    if existing is not None:
        return existing
    for _ in range(5):
        order = FeeOrder(order_no=new_order_no(), application_id=event["application_id"],
                         application_number=event.get("number"), applicant_id=event.get("applicant_id"),
                         committee_id=event.get("committee_id"), year=event.get("year"),
                         status="pricing")
        try:
            with session.begin_nested():
                session.add(order)
            return order
        except IntegrityError:  # the same application at once elsewhere, or a number drawn twice
            existing = session.scalar(select(FeeOrder).where(FeeOrder.application_id == event["application_id"]))
            if existing is not None:
                return existing
    raise RuntimeError("could not draw a unique order number")


def price_order(session, order, fee_fen):
    """Set the committee's fee. A zero fee needs no payment: the order is paid now
    and ``fee_paid`` goes out with amount 0."""
    if order.status != "pricing":
        return order
    order.amount_fen = int(fee_fen or 0)
    if order.amount_fen == 0:
        order.status = "paid"
        order.paid_at = datetime.now(timezone.utc)
        announce_paid(session, order)
    else:
        order.status = "unpaid"
    return order


def announce_paid(session, order):
    add_event(session, OutboxEvent, "fee_paid", fee_paid_payload(
        order.application_id, order.order_no, order.amount_fen, order.paid_at))


def fee_paid_payload(application_id, order_no, amount_fen, paid_at):
    return {"application_id": application_id, "order_no": order_no, "amount_fen": amount_fen,
            "paid_at": clock.iso(paid_at)}


def order_for_application(session, application_id):
    order = None
    if isinstance(application_id, str) and len(application_id) <= 64 and "\x00" not in application_id:
        order = session.scalar(select(FeeOrder).where(FeeOrder.application_id == application_id))
    if order is None or order.status == "pricing":
        raise NotFound("fee_not_found", "该申请尚无缴费订单（形式审查通过后生成）")
    return order


def subject_of(order):
    return f"职称评审费（申报编号 {order.application_number or order.application_id}）"


def fee_view(order, provider):
    """The applicant's view of an order (API.md: ``GET /applications/{id}/fee``)."""
    pay_url = None
    if order.status == "unpaid":
        pay_url = provider.checkout_url(OrderForCheckout(order.order_no, order.amount_fen, subject_of(order)))
    return {
        "order_no": order.order_no,
        "amount_fen": order.amount_fen,
        "status": order.status,
        "pay_url": pay_url,
        "application_id": order.application_id,
        "created_at": clock.iso(order.created_at),
        "paid_at": clock.iso(order.paid_at),
    }

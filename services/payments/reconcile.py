"""Reconciliation: the provider's statement of settled transactions against our
orders and payments. Disagreements are flagged (not repaired): money questions go
to a person. A flag clears itself when a later run finds the books agreeing (a
late callback arrived, say)."""
from datetime import datetime, timezone

from sqlalchemy import select

from services.payments.models import FeeOrder, Mismatch, Payment
from zc_common import clock

KIND_TEXT = {
    "unpaid_here": "服务商已收款，本平台订单未支付",
    "amount_differs": "服务商收款金额与订单金额不符",
    "unknown_order": "服务商收款对应的订单在本平台不存在",
    "duplicate_payment": "同一订单在服务商处有另一笔已支付交易",
    "missing_at_provider": "本平台已记账，服务商对账单中没有该交易",
}


def compare(statement, orders, payments):
    """Pure comparison: ``statement`` lines, ``orders`` by order_no, ``payments``
    (of this provider) by order_no → a list of (kind, txn_id, order_no,
    provider_amount, our_amount)."""
    found = []
    seen_txns = set()
    for line in statement:
        seen_txns.add(line.txn_id)
        order = orders.get(line.order_no)
        if order is None or order.status == "pricing":
            found.append(("unknown_order", line.txn_id, line.order_no, line.amount_fen, None))
            continue
        payment = payments.get(line.order_no)
        if payment is None:
            kind = "amount_differs" if line.amount_fen != order.amount_fen else "unpaid_here"
            found.append((kind, line.txn_id, line.order_no, line.amount_fen, order.amount_fen))
        elif payment.txn_id != line.txn_id:
            found.append(("duplicate_payment", line.txn_id, line.order_no, line.amount_fen, payment.amount_fen))
        elif payment.amount_fen != line.amount_fen:
            found.append(("amount_differs", line.txn_id, line.order_no, line.amount_fen, payment.amount_fen))
    for payment in payments.values():
        if payment.txn_id not in seen_txns:
            found.append(("missing_at_provider", payment.txn_id or "", payment.order_no, None, payment.amount_fen))
    return found


def run(session, provider, statement):
    """Compare and store the flags; returns a summary for the admin endpoint."""
    now = datetime.now(timezone.utc)
    order_nos = {line.order_no for line in statement}
    orders = {o.order_no: o for o in session.scalars(select(FeeOrder).where(FeeOrder.order_no.in_(order_nos)))}
    payments = {p.order_no: p for p in session.scalars(select(Payment).where(Payment.provider == provider.name))}
    found = compare(statement, orders, payments)
    existing = {(m.kind, m.txn_id): m for m in session.scalars(
        select(Mismatch).where(Mismatch.provider == provider.name))}
    new = 0
    current = set()
    for kind, txn_id, order_no, provider_amount, our_amount in found:
        current.add((kind, txn_id))
        row = existing.get((kind, txn_id))
        if row is None:
            row = Mismatch(provider=provider.name, kind=kind, txn_id=txn_id, order_no=order_no, first_seen_at=now)
            session.add(row)
            new += 1
        row.provider_amount_fen, row.our_amount_fen = provider_amount, our_amount
        row.last_seen_at, row.resolved_at = now, None
    for key, row in existing.items():
        if key not in current and row.resolved_at is None:
            row.resolved_at = now
    session.commit()
    return {"provider": provider.name, "checked_at": clock.iso(now), "statement_lines": len(statement),
            "new_mismatches": new, "open_mismatches": len(current)}


def mismatch_view(row):
    return {
        "id": row.id, "provider": row.provider, "kind": row.kind, "description": KIND_TEXT.get(row.kind, row.kind),
        "txn_id": row.txn_id, "order_no": row.order_no,
        "provider_amount_fen": row.provider_amount_fen, "our_amount_fen": row.our_amount_fen,
        "first_seen_at": clock.iso(row.first_seen_at), "last_seen_at": clock.iso(row.last_seen_at),
        "resolved_at": clock.iso(row.resolved_at),
    }


def list_mismatches(session, include_resolved=False):
    query = select(Mismatch).order_by(Mismatch.first_seen_at, Mismatch.id)
    if not include_resolved:
        query = query.where(Mismatch.resolved_at.is_(None))
    return [mismatch_view(row) for row in session.scalars(query)]

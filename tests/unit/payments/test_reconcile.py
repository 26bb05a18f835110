from types import SimpleNamespace

import pytest

from services.payments.providers.base import StatementLine
from services.payments.reconcile import compare
from services.payments.service import PaymentsService  # noqa: F401
from zc_common.errors import Forbidden


def line(txn, order, amount=100):
    return StatementLine(txn_id=txn, order_no=order, amount_fen=amount, paid_at="2026-11-25T10:00:00+08:00")


def test_compare_flags_each_kind_of_disagreement():
    orders = {o: SimpleNamespace(order_no=o, status=s, amount_fen=100)
              for o, s in [("A", "paid"), ("B", "unpaid"), ("C", "unpaid"), ("D", "paid"), ("E", "paid")]}
    payments = {"A": SimpleNamespace(order_no="A", txn_id="T1", amount_fen=100),
                "D": SimpleNamespace(order_no="D", txn_id="T4", amount_fen=100),
                "E": SimpleNamespace(order_no="E", txn_id="T5", amount_fen=100)}
    statement = [line("T1", "A"), line("T2", "B"), line("T3", "C", 101), line("T4", "D"), line("T9", "D"),
                 line("T8", "X")]
    found = {(kind, txn) for kind, txn, *_ in compare(statement, orders, payments)}
    assert found == {("unpaid_here", "T2"), ("amount_differs", "T3"), ("duplicate_payment", "T9"),
                     ("unknown_order", "T8"), ("missing_at_provider", "T5")}


def test_books_that_agree_give_no_flags():
    orders = {"A": SimpleNamespace(order_no="A", status="paid", amount_fen=100)}
    payments = {"A": SimpleNamespace(order_no="A", txn_id="T1", amount_fen=100)}
    assert compare([line("T1", "A")], orders, payments) == []


def test_reconciliation_is_for_the_platform_admin(service):
    with pytest.raises(Forbidden):
        service.reconcile({"id": "u", "role": "applicant"})
    with pytest.raises(Forbidden):
        service.list_mismatches({"id": "u", "role": "committee_staff"})

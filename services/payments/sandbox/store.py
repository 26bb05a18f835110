"""The sandbox's own books, in a small SQLite file: transactions (one per payment
attempt), the callbacks it owes the platform, and the nonces of statement requests."""
import json
import sqlite3
import time
import uuid
from datetime import datetime, timedelta, timezone

SCHEMA = """
CREATE TABLE IF NOT EXISTS transactions (
    txn_id TEXT PRIMARY KEY,
    order_no TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    paid_amount_fen INTEGER,
    subject TEXT NOT NULL,
    notify_url TEXT NOT NULL,
    status TEXT NOT NULL,            -- pending | paid | cancelled
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS transactions_order ON transactions (order_no);
CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    txn_id TEXT NOT NULL,
    notify_url TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,             -- pending | acknowledged | refused | gave_up
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    last_status INTEGER,
    last_answer TEXT,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_due ON notifications (state, next_at);
CREATE TABLE IF NOT EXISTS request_nonces (
    nonce TEXT PRIMARY KEY,
    seen_at REAL NOT NULL
);
"""

PLATFORM_TZ = timezone(timedelta(hours=8))


class AlreadyPaid(Exception):
    pass


def _now_iso():
    return datetime.now(PLATFORM_TZ).isoformat(timespec="seconds")


class Store:
    def __init__(self, path):
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self):
        self.db.close()

    # -- transactions ---------------------------------------------------------------

    def paid_transaction(self, order_no):
        return self.db.execute("SELECT * FROM transactions WHERE order_no = ? AND status = 'paid'",
                               (order_no,)).fetchone()

    def _pending_or_new(self, order):
        row = self.db.execute("SELECT * FROM transactions WHERE order_no = ? AND status = 'pending' "
                              "ORDER BY created_at DESC LIMIT 1", (order["order_no"],)).fetchone()
        if row is not None:
            return row["txn_id"]
        txn_id = "SBX" + uuid.uuid4().hex[:20].upper()
        self.db.execute(
            "INSERT INTO transactions (txn_id, order_no, amount_fen, subject, notify_url, status, created_at) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?)",
            (txn_id, order["order_no"], int(order["amount_fen"]), order["subject"], order["notify_url"], _now_iso()))
        return txn_id

    def pay(self, order, paid_amount_fen, notify=True):
        """Settle the order's open attempt; returns (txn_id, notification id or None)."""
        with self._transaction():
            if self.paid_transaction(order["order_no"]) is not None:
                raise AlreadyPaid(order["order_no"])
            txn_id = self._pending_or_new(order)
            at = _now_iso()
            self.db.execute("UPDATE transactions SET status = 'paid', paid_amount_fen = ?, finished_at = ? "
                            "WHERE txn_id = ?", (paid_amount_fen, at, txn_id))
            notice = {"txn_id": txn_id, "order_no": order["order_no"], "amount_fen": paid_amount_fen,
                      "status": "paid", "at": at}
            return txn_id, (self._owe(txn_id, order["notify_url"], notice) if notify else None)

    def cancel(self, order):
        with self._transaction():
            if self.paid_transaction(order["order_no"]) is not None:
                raise AlreadyPaid(order["order_no"])
            txn_id = self._pending_or_new(order)
            at = _now_iso()
            self.db.execute("UPDATE transactions SET status = 'cancelled', finished_at = ? WHERE txn_id = ?",
                            (at, txn_id))
            notice = {"txn_id": txn_id, "order_no": order["order_no"], "amount_fen": int(order["amount_fen"]),
                      "status": "cancelled", "at": at}
            return txn_id, self._owe(txn_id, order["notify_url"], notice)

    def statement(self):
        rows = self.db.execute("SELECT * FROM transactions WHERE status = 'paid' ORDER BY finished_at, txn_id")
        return [{"txn_id": r["txn_id"], "order_no": r["order_no"], "amount_fen": r["paid_amount_fen"],
                 "paid_at": r["finished_at"]} for r in rows]

    def recent(self, limit=50):
        return self.db.execute(
            "SELECT t.*, (SELECT state FROM notifications n WHERE n.txn_id = t.txn_id ORDER BY id DESC LIMIT 1) "
            "AS notified FROM transactions t ORDER BY created_at DESC LIMIT ?", (limit,)).fetchall()

    # -- callbacks owed -------------------------------------------------------------

    def _owe(self, txn_id, notify_url, notice):
        cursor = self.db.execute(
            "INSERT INTO notifications (txn_id, notify_url, body, state, next_at, updated_at) "
            "VALUES (?, ?, ?, 'pending', ?, ?)",
            (txn_id, notify_url, json.dumps(notice, ensure_ascii=False), time.time(), time.time()))
        return cursor.lastrowid

    def notification(self, notification_id):
        return self.db.execute("SELECT * FROM notifications WHERE id = ?", (notification_id,)).fetchone()

    def due(self, now, limit=20):
        return self.db.execute("SELECT * FROM notifications WHERE state = 'pending' AND next_at <= ? "
                               "ORDER BY next_at LIMIT ?", (now, limit)).fetchall()

    def next_due_at(self):
        row = self.db.execute("SELECT MIN(next_at) AS at FROM notifications WHERE state = 'pending'").fetchone()
        return row["at"]

    def record_attempt(self, notification_id, state, attempts, next_at, status, answer):
        self.db.execute("UPDATE notifications SET state = ?, attempts = ?, next_at = ?, last_status = ?, "
                        "last_answer = ?, updated_at = ? WHERE id = ?",
                        (state, attempts, next_at, status, (answer or "")[:1000], time.time(), notification_id))

    # -- statement request nonces ---------------------------------------------------

    def use_nonce(self, nonce, window):
        now = time.time()
        self.db.execute("DELETE FROM request_nonces WHERE seen_at < ?", (now - 2 * window,))
        try:
            self.db.execute("INSERT INTO request_nonces (nonce, seen_at) VALUES (?, ?)", (nonce, now))
        except sqlite3.IntegrityError:
            return False
        return True

    def _transaction(self):
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, traceback):
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
        return False

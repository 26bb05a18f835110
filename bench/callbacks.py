"""Signed provider callbacks processed per second through the gateway.

    .venv/bin/python -m bench.callbacks [--orders 3000] [--clients 1,20] [--seconds 8] [--warmup 2]

Starts its own copy of the system (tests.stack), opens ``--orders`` fee orders with
real ``formal_review_passed`` events through the broker, for as many applications
waiting for their fee (real_applications), then for each client count sends,
closed-loop:
  * accepted  — a first paid callback per order (verify, nonce, book the payment,
                outbox + fee_paid), one order per request, until the orders run out;
                applications consumes the fee_paid and moves the application on
                (checked at the end: one move per booked payment);
  * duplicate — a repeat of an accepted callback with a fresh nonce (verify, nonce,
                acknowledge without effect);
  * forged    — a bad signature (refused and logged).
Every request is signed afresh (timestamp + nonce + HMAC-SHA256) as the sandbox does.
The bare RPC echo through the same gateway is measured right before each kind, as
the floor, and the kind's ratio to it printed. Under each line, the CPU milliseconds
per request spent by the processes that took part (from /proc, as bench/surge.py
measures them): on a shared machine throughput wanders, CPU per request much less.
"""
import argparse
import asyncio
import itertools
import json
import statistics
import time
import uuid
from datetime import datetime, timezone

import aiohttp
import psycopg2
import requests
from sqlalchemy import insert

from bench.common import closed_loop as plain_loop
from bench.common import start_stack
from bench.surge import cpu_delta, cpu_snapshot
from services.payments import signing
from tests.integration.payments_helpers import publish_formal_review_passed, sandbox_secret
from tests.stack import ADMIN_PASSWORD
from zc_common.db import make_engine


def open_orders(stack, count):
    token = requests.post(f"{stack.base_url}/api/v1/auth/login",
                          json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    committee = requests.post(f"{stack.base_url}/api/v1/admin/organizations", headers=auth, timeout=30, json={
        "kind": "committee", "name": "基准测试评审委员会", "region_code": "650000",
        "contact": {"person": "王五", "phone": "0991-7654321", "address": "乌鲁木齐市"}}).json()
    response = requests.put(f"{stack.base_url}/api/v1/admin/committees/{committee['id']}/settings", headers=auth,
                            timeout=30, json={"submit_opens_at": "2026-01-01T00:00:00+08:00",
                                              "submit_closes_at": "2026-12-31T23:59:59+08:00",
                                              "max_submissions": 3, "fee_fen": 30000, "receiving_department_ids": []})
    response.raise_for_status()
    applications = real_applications(stack, auth, committee, count)
    started = time.perf_counter()
    for app in applications:
        publish_formal_review_passed(stack, committee["id"], application_id=app["id"],
                                     applicant_id=app["applicant_id"], number=app["number"])
    while True:
        rows = stack.sql("payments", "SELECT order_no FROM fee_orders WHERE status = 'unpaid'")
        if len(rows) >= count:
            break
        if time.perf_counter() - started > 300:
            raise RuntimeError(f"only {len(rows)} of {count} orders opened")
        time.sleep(0.5)
    print(f"{count} fee orders opened by events in {time.perf_counter() - started:.1f}s", flush=True)
    return [row["order_no"] for row in rows]


def real_applications(stack, auth, committee, count):
    """``count`` applications waiting for their fee (``formal_review_passed``), so that
    each accepted callback's fee_paid moves a real one on in the applications service.
    Walking thousands through the API (make, fill, submit, forward, pass) would take
    longer than the bench; the rows are written straight into its database, in a
    qualification made through the API. A paid fee reads and changes only what is
    given here (status, version, kind and the ids its events carry)."""
    from services.applications.models import Application

    response = requests.post(f"{stack.base_url}/api/v1/admin/qualifications", headers=auth, timeout=30, json={
        "region_code": "650000", "series": "工程系列", "specialty": "基准测试", "level": "副高",
        "title": "高级工程师", "committee_id": committee["id"]})
    response.raise_for_status()
    qualification = response.json()
    moment = datetime.now(timezone.utc)
    rows = [{"id": uuid.uuid4().hex, "number": f"RSSQB{n:011d}", "year": 2026, "kind": "review",
             "title_key": "工程系列|基准测试|副高", "status": "formal_review_passed",
             "applicant_id": uuid.uuid4().hex, "applicant_name": "基准测试申请人",
             "qualification_id": qualification["id"], "unit_id": uuid.uuid4().hex, "unit_name": "基准测试单位",
             "unit_code": None, "unit_credit_code": None, "committee_id": committee["id"],
             "template_version": "bench", "template": {}, "sections": {}, "needs_review": [],
             "submissions_used": 1, "paper_received_at": None, "paper_received_by": None, "version": 12,
             "created_at": moment, "updated_at": moment} for n in range(count)]
    engine = make_engine(stack.db_url("applications"))
    try:
        with engine.begin() as connection:
            connection.execute(insert(Application.__table__), rows)
    finally:
        engine.dispose()
    return rows


def moved_on(stack, count, seconds=60):
    """How many of the bench's applications the fee moved to ready_for_meeting, once
    the last fee_paid has been consumed (or ``seconds`` passed). One connection for
    the whole wait, retried while PostgreSQL has none to spare (a shared machine)."""
    deadline = time.perf_counter() + seconds
    dsn = stack.db_url("applications").replace("postgresql+psycopg2://", "postgresql://")
    connection = None
    try:
        while True:
            try:
                if connection is None:
                    connection = psycopg2.connect(dsn)
                    connection.autocommit = True
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM applications "
                                   "WHERE template_version = 'bench' AND status = 'ready_for_meeting'")
                    moved = cursor.fetchone()[0]
            except psycopg2.OperationalError:
                if time.perf_counter() > deadline:
                    raise
                connection = None
                time.sleep(0.5)
                continue
            if moved >= count or time.perf_counter() > deadline:
                return moved
            time.sleep(0.1)
    finally:
        if connection is not None:
            connection.close()


def body_for(order_no, txn_id):
    return json.dumps({"txn_id": txn_id, "order_no": order_no, "amount_fen": 30000, "status": "paid",
                       "at": "2026-11-25T10:00:00+08:00"}).encode()


async def closed_loop(url, clients, seconds, next_request):
    """``next_request()`` gives (body, headers) or None when there is nothing left to send."""
    latencies, statuses = [], {}
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients + 5)) as session:
        async def one_client():
            while time.perf_counter() < deadline:
                request = next_request()
                if request is None:
                    return
                body, headers = request
                began = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                latencies.append(time.perf_counter() - began)
        began = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {"requests": len(latencies), "statuses": statuses, "rps": len(latencies) / elapsed,
            "elapsed": elapsed, "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]}


def show(label, figures):
    print(f"{label:<34} {figures['rps']:8.0f} callbacks/s   p50 {figures['p50_ms']:6.1f} ms   "
          f"p99 {figures['p99_ms']:6.1f} ms   ({figures['requests']} requests, statuses {figures['statuses']})",
          flush=True)


SHOWN_CPU = ("gateway", "accounts", "payments", "rabbitmq (shared)", "postgres backends", "bench client")


def measured(stack, load, settle=None):
    """The figures of the ``load`` coroutine, with the CPU each process spent per
    request meanwhile: the usual ones always, any other that spent some too (an
    accepted callback's fee_paid is consumed by applications, on the same cores).

    ``settle()``, if given, waits after the load until what it set going downstream is
    done (the fee_paid consumers): the requests per second end to end and the CPU per
    request including that drain go in ``figures["settled"]``."""
    before = cpu_snapshot(stack)
    figures = asyncio.run(load)
    middle = cpu_snapshot(stack)
    figures["cpu_ms"] = _per_request(cpu_delta(before, middle)[0], figures["requests"])
    if settle is not None:
        began = time.perf_counter()
        settle()
        drain = time.perf_counter() - began
        figures["settled"] = {"drain_s": drain, "rps": figures["requests"] / (figures["elapsed"] + drain),
                              "cpu_ms": _per_request(cpu_delta(before, cpu_snapshot(stack))[0], figures["requests"])}
    return figures


def _per_request(spent, requests):
    per_request = {name: 1000 * seconds / max(1, requests) for name, seconds in spent.items()}
    shown = {name: per_request.get(name, 0.0) for name in SHOWN_CPU}
    shown.update({name: ms for name, ms in sorted(per_request.items(), key=lambda kv: -kv[1])
                  if name not in SHOWN_CPU and ms >= 0.05})
    return shown


def show_cpu(figures):
    print("    CPU ms/request: " + ", ".join(f"{name} {ms:.2f}" for name, ms in figures["cpu_ms"].items()),
          flush=True)


def main():
    parser = argparse.ArgumentParser()
    # Enough for both client counts' warm-up and measured seconds at a few hundred a
    # second: a kind that runs out of unpaid orders is measured over less than --seconds.
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--clients", default="1,20")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds before each kind")
    args = parser.parse_args()
    stack = start_stack()
    try:
        secret = sandbox_secret(stack)
        url = f"{stack.base_url}/api/v1/payments/callbacks/sandbox"
        orders = open_orders(stack, args.orders)
        unpaid = iter(orders)
        accepted = []

        def signed(body, key=secret):
            return body, {"Content-Type": "application/json", **signing.signed_headers(key, body)}

        def first_payment():
            order_no = next(unpaid, None)
            if order_no is None:
                return None
            txn_id = "B" + order_no[-12:]
            accepted.append((order_no, txn_id))
            return signed(body_for(order_no, txn_id))

        repeats = None

        def duplicate():
            return signed(body_for(*next(repeats)))

        def forged():
            return signed(body_for(orders[0], "FORGED"), key=b"not the shared secret")

        for clients in [int(c) for c in args.clients.split(",")]:
            for label, next_request in (("accepted", first_payment), ("duplicate", duplicate), ("forged", forged)):
                if label == "duplicate":
                    repeats = itertools.cycle(list(accepted))
                # Unmeasured first: the echo's processes are warm from the setup, the
                # payments service's connections and caches are not yet.
                asyncio.run(closed_loop(url, clients, args.warmup, next_request))
                # An accepted callback's fee_paid is consumed after its answer: the
                # warm-up's, left queued, would be consumed during the floor's echo.
                settle = (lambda: moved_on(stack, len(accepted))) if label == "accepted" else None
                if settle is not None:
                    settle()
                # The floor right before each kind: on a shared machine the load moves
                # within a run, and a ratio to an echo of a minute ago measures that.
                floor = measured(stack, plain_loop(f"{stack.base_url}/api/v1/echo", clients, args.seconds))
                show(f"(floor: echo, 1 RPC), {clients} clients", {**floor, "statuses": {"errors": floor["errors"]}})
                show_cpu(floor)
                figures = measured(stack, closed_loop(url, clients, args.seconds, next_request), settle)
                show(f"{label}, {clients} clients", figures)
                print(f"    {figures['rps'] / floor['rps']:.2f}x echo", flush=True)
                show_cpu(figures)
                if settle is not None:
                    # The callbacks answered; their applications moved on later. End to
                    # end counts the time and CPU until the last had.
                    settled = figures["settled"]
                    print(f"  {label} end to end, {clients} clients: {settled['rps']:8.0f} callbacks/s "
                          f"(the last application moved {settled['drain_s']:.1f}s after the window)   "
                          f"{settled['rps'] / floor['rps']:.2f}x echo", flush=True)
                    show_cpu(settled)
        booked = stack.sql("payments", "SELECT count(*) AS n FROM payments")[0]["n"]
        print(f"payments booked: {booked} for {len(accepted)} accepted callbacks (exactly one per order)", flush=True)
        print(f"applications moved to ready_for_meeting: {moved_on(stack, booked)} (one per booked payment)",
              flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

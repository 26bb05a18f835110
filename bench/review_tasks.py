"""The reviewer's task list (申请书审核) and query (申请书查询) at one organisation
holding 100,000 applications, in PostgreSQL, through the gateway.

    .venv/bin/python -m bench.review_tasks [--applications 100000] [--waiting 0.5] [--requests 200]

Starts its own copy of the system, creates a department with a staff account
through the API, then bulk-loads review's own tables (COPY) with ``--applications``
applications that reached that department — a ``--waiting`` share of them still
waiting there — plus as many at other organisations. Times ``GET /review/tasks``
and ``GET /review/applications`` (sequential requests, p50/p99), then the same with
review's list indexes dropped, to show what they buy.
"""
import argparse
import io
import random
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

import psycopg2
import requests

from bench.common import start_stack
from tests.stack import ADMIN_PASSWORD

NAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗"
INDEXES = {
    "ix_task_waiting_org_arrived": "CREATE INDEX ix_task_waiting_org_arrived ON review_tasks "
                                   "(org_id, arrived_at, id) WHERE state IN ('open', 'deciding')",
    "ix_visit_org_first_app": "CREATE INDEX ix_visit_org_first_app ON review_visits "
                              "(org_id, first_arrived_at, application_id)",
    "ix_visit_org_status_first": "CREATE INDEX ix_visit_org_status_first ON review_visits "
                                 "(org_id, status, first_arrived_at, application_id)",
}


def dsn(stack):
    return stack.db_url("review").replace("postgresql+psycopg2://", "postgresql://")


def copy(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def load(stack, org_id, count, waiting_share, committee_id):
    """``count`` applications at ``org_id`` and ``count`` elsewhere."""
    started = time.perf_counter()
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    cases, tasks, visits = [], [], []
    for n in range(2 * count):
        here = n < count
        app_id = uuid.uuid4().hex
        arrived = base + timedelta(seconds=random.randrange(0, 300 * 86400))
        status = "submitted" if (not here or random.random() < waiting_share) else random.choice(
            ("submitted", "returned", "formal_review_passed", "passed"))
        name = random.choice(NAMES) + random.choice(NAMES)
        cases.append((app_id, f"RSSQ{10_000_000 + n}", 2026, status, uuid.uuid4().hex, name, uuid.uuid4().hex,
                      "测试单位", committee_id, "评审委员会", "高级工程师", "副高", 1, 0, None, arrived.isoformat()))
        org = org_id if here else uuid.uuid4().hex[:8] + "x" * 24
        waiting = here and status == "submitted"
        state = "open" if waiting or not here else "done"
        tasks.append((uuid.uuid4().hex, app_id, 1, 2, "department", org, "部门", state, arrived.isoformat(),
                      (arrived + timedelta(days=5)).isoformat(), None if state == "open" else "forward"))
        visits.append((org, app_id, arrived.isoformat(), status, 2026))
    with psycopg2.connect(dsn(stack)) as connection, connection.cursor() as cursor:
        copy(cursor, "review_cases", ("application_id", "number", "year", "status", "applicant_id", "applicant_name",
                                      "unit_id", "unit_name", "committee_id", "committee_name", "title", "level",
                                      "round", "withdrawn_round", "recommending_unit_id", "updated_at"), cases)
        copy(cursor, "review_tasks", ("id", "application_id", "round", "position", "node", "org_id", "org_name",
                                      "state", "arrived_at", "due_at", "action"), tasks)
        copy(cursor, "review_visits", ("org_id", "application_id", "first_arrived_at", "status", "year"), visits)
        cursor.execute("SELECT count(*) FROM review_tasks WHERE org_id = %s AND state = 'open'", (org_id,))
        open_here = cursor.fetchone()[0]
    vacuum(stack)
    return open_here, time.perf_counter() - started


def vacuum(stack):
    """What autovacuum does soon after a bulk load: statistics and the visibility map
    (without which index-only counts visit the heap)."""
    connection = psycopg2.connect(dsn(stack))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE review_cases, review_tasks, review_visits")
    connection.close()


def timed(url, token, params, n):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    for _ in range(5):
        session.get(url, params=params, timeout=60).raise_for_status()  # warm-up
    latencies, body = [], None
    for _ in range(n):
        started = time.perf_counter()
        response = session.get(url, params=params, timeout=60)
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()
        body = response.json()
    latencies.sort()
    return {"p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(n - 1, int(n * 0.99))], "total": body.get("total", "-")}


def measure(stack, token, requests_n):
    url = stack.base_url + "/api/v1"
    figures = {
        "GET /me (floor: auth + 1 RPC)": timed(url + "/me", token, {}, requests_n),
        "GET /review/tasks (page 1)": timed(url + "/review/tasks", token, {}, requests_n),
        "GET /review/tasks (page 100)": timed(url + "/review/tasks", token, {"page": 100}, requests_n),
        "GET /review/applications (page 1)": timed(url + "/review/applications", token, {}, requests_n),
        "GET /review/applications?status=passed": timed(url + "/review/applications", token,
                                                        {"status": "passed"}, requests_n),
    }
    return figures


def explain(stack, org_id):
    with psycopg2.connect(dsn(stack)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE SELECT * FROM review_tasks t JOIN review_cases c ON c.application_id = t.application_id "
            "WHERE t.org_id = %s AND t.state IN ('open', 'deciding') ORDER BY t.arrived_at, t.id LIMIT 20",
            (org_id,))
        return [row[0] for row in cursor.fetchall()]


def drop_indexes(stack):
    with psycopg2.connect(dsn(stack)) as connection, connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    vacuum(stack)


def restore_indexes(stack):
    with psycopg2.connect(dsn(stack)) as connection, connection.cursor() as cursor:
        for sql in INDEXES.values():
            cursor.execute(sql)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--waiting", type=float, default=0.5, help="share still waiting at the organisation")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    stack = start_stack()
    try:
        api = stack.base_url + "/api/v1"
        admin = requests.post(api + "/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                              timeout=30).json()["token"]
        auth = {"Authorization": f"Bearer {admin}"}
        contact = {"person": "王五", "phone": "0991-7654321"}
        org = requests.post(api + "/admin/organizations", headers=auth, timeout=30, json={
            "kind": "department", "name": "基准测试主管部门", "region_code": "650100", "contact": contact}).json()
        committee = requests.post(api + "/admin/organizations", headers=auth, timeout=30, json={
            "kind": "committee", "name": "基准测试评审委员会", "region_code": "650100", "contact": contact}).json()
        requests.post(api + f"/admin/organizations/{org['id']}/staff", headers=auth, timeout=30, json={
            "username": "bench_staff", "password": "Passw0rd-2026", "name": "审核员", "phone": "13900000000"})
        token = requests.post(api + "/auth/login", json={"username": "bench_staff", "password": "Passw0rd-2026"},
                              timeout=30).json()["token"]
        open_here, seconds = load(stack, org["id"], args.applications, args.waiting, committee["id"])
        print(f"loaded {args.applications} applications at one department ({open_here} waiting there) "
              f"and {args.applications} elsewhere in {seconds:.1f} s", flush=True)
        with_indexes = measure(stack, token, args.requests)
        plan = explain(stack, org["id"])
        drop_indexes(stack)
        without = measure(stack, token, max(20, args.requests // 10))
        restore_indexes(stack)
        print(f"{'':40} {'with indexes':>24} {'without':>24}")
        for label, figures in with_indexes.items():
            other = without[label]
            print(f"{label:<40} p50 {figures['p50_ms']:6.1f} p99 {figures['p99_ms']:6.1f} ms   "
                  f"p50 {other['p50_ms']:6.1f} p99 {other['p99_ms']:6.1f} ms   (total {figures['total']})",
                  flush=True)
        print("task-list query plan (with indexes):\n  " + "\n  ".join(plan), flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

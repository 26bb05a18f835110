"""The reviewer's task list (申请书审核) and query (申请书查询, name search included)
at 1,000,000 applications in PostgreSQL: server time against the 20 ms goal.

    .venv/bin/python -m bench.review_tasks [--applications 1000000] [--fresh] [--runs 30]
                                           [--plans] [--http] [--drop]

Makes (or reuses, unless ``--fresh``) the PostgreSQL database
``zc_bench_review_<applications>``, migrates review's tables to head and seeds them
in SQL (INSERT … SELECT over generate_series, a minute or two for a million): 400
base units (a few with tens of thousands of applications), 40 departments, 20
committees (the busiest holds about a fifth), years 2022–2026, every past year done
and 2026's applications waiting at the unit, department or committee, applicants
with common Chinese surnames and given names. Then calls the real read functions
(``views.task_list`` / ``views.query``) in-process on a real session as a
reviewer of the busiest committee, department and a mid-sized unit — page 1, deep
pages, status, year, number, name fragments of 2 and 3 characters and
combinations — prints p50/p99 per query and the ratio of p99 to the 20 ms goal,
and EXPLAIN ANALYZEs every statement each one issued (``--plans`` prints the plans).

``--http`` also starts a copy of the system on the seeded review database, gives
the busiest committee a staff account and times whole requests through the
gateway against its bare RPC echo (``GET /echo``), the bench/ convention.
"""
import argparse
import os
import statistics
import time
from contextlib import closing

import psycopg2
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from zc_common.db import make_engine

GOAL_MS = 20.0
PG_ADMIN_DSN = os.environ.get("ZC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")

# Surnames and given-name characters by rough frequency: the first ones repeated,
# so a random pick from the list lands on 王/李/张 about as often as in China.
SURNAMES = ("王李张刘陈" * 6 + "杨黄赵吴周徐孙马朱胡郭何高林罗" * 3
            + "郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆"
            + "汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰" * 3
         + "文红建国志海燕辉鹏飞晨宇浩然子涵欣怡梓轩博文佳琪思雨家豪俊杰雅婷"
         + "晓东春梅德福永庆学成玲凤云斌林波宁丹萍亮红兵金凤荣新安")
COUNT_ORGS = {"unit": 400, "department": 40, "committee": 20}


def admin():
    connection = psycopg2.connect(PG_ADMIN_DSN)
    connection.autocommit = True
    return connection


def db_url(name):
    return PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg2://") + "/" + name


def dsn(name):
    return PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + name


def org_id(kind, n):
    """The seeded organisations' ids, as the SQL below makes them."""
    import hashlib
    return hashlib.md5(f"{kind}-{n}".encode()).hexdigest()


def prepare(name, applications, fresh):
    """Create (or reuse) the database, migrate it to head and seed it once."""
    with closing(admin()) as connection, connection.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    os.environ["ZC_REVIEW_DB"] = db_url(name)
    from zc_common.migrate import upgrade
    started = time.perf_counter()
    upgrade("review")
    print(f"migrated to head in {time.perf_counter() - started:.1f} s", flush=True)
    with psycopg2.connect(dsn(name)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM review_cases")
        have = cursor.fetchone()[0]
    if have == applications:
        print(f"reusing {name}: {have} applications", flush=True)
        return
    if have:
        raise SystemExit(f"{name} holds {have} applications, not {applications}: run with --fresh")
    started = time.perf_counter()
    seed(name, applications)
    print(f"seeded {applications} applications in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    vacuum(name)
    print(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)


SEED = """
SELECT setseed(0.2026);
CREATE TEMP TABLE seed AS
SELECT g, md5('app-' || g) AS app_id, year, unit_n, unit_n %% 40 AS dept_n, committee_n,
       stage, status, surname || given AS name,
       make_timestamptz(year, 1, 5, 0, 0, 0, 'UTC') + day_at_unit * interval '1 day' AS t_unit,
       make_timestamptz(year, 1, 5, 0, 0, 0, 'UTC') + (day_at_unit + days_to_dept) * interval '1 day' AS t_dept,
       make_timestamptz(year, 1, 5, 0, 0, 0, 'UTC')
           + (day_at_unit + days_to_dept + days_to_committee) * interval '1 day' AS t_committee
FROM (
    SELECT g, year, unit_n, committee_n, stage, day_at_unit, days_to_dept, days_to_committee,
           substr(%(surnames)s, 1 + floor(random() * char_length(%(surnames)s))::int, 1) AS surname,
           substr(%(given)s, 1 + floor(random() * char_length(%(given)s))::int, 1)
           || CASE WHEN random() < 0.7
                   THEN substr(%(given)s, 1 + floor(random() * char_length(%(given)s))::int, 1) ELSE '' END
           AS given,
           CASE WHEN stage = 0 AND r_status < 0.1 THEN 'returned'
                WHEN stage < 3 THEN 'submitted'
                WHEN year = 2026 THEN CASE WHEN r_status < 0.5 THEN 'formal_review_passed'
                                           WHEN r_status < 0.8 THEN 'ready_for_meeting' ELSE 'passed' END
                ELSE CASE WHEN r_status < 0.6 THEN 'approved' WHEN r_status < 0.8 THEN 'failed'
                          WHEN r_status < 0.9 THEN 'passed' ELSE 'formal_review_passed' END END AS status
    FROM (
        SELECT g, year,
               floor(400 * power(random(), 1.6))::int AS unit_n,
               floor(20 * power(random(), 2))::int AS committee_n,
               CASE WHEN year < 2026 THEN 3 ELSE floor(random() * 4)::int END AS stage,
               random() AS r_status,
               random() * 300 AS day_at_unit, 1 + random() * 10 AS days_to_dept,
               1 + random() * 20 AS days_to_committee
        FROM (SELECT g, 2022 + floor(random() * 5)::int AS year
              FROM generate_series(1, %(applications)s) AS g) AS a
    ) AS b
) AS c;

INSERT INTO review_cases (application_id, number, year, status, applicant_id, applicant_name, unit_id,
                          unit_name, committee_id, committee_name, title, level, round, withdrawn_round,
                          recommending_unit_id, updated_at)
SELECT app_id, 'RSSQ' || year || lpad(g::text, 7, '0'), year, status, md5('person-' || g), name,
       md5('unit-' || unit_n), '基层单位' || unit_n, md5('committee-' || committee_n),
       '评审委员会' || committee_n, '高级工程师', '副高', 1, 0, NULL, t_unit
FROM seed;

INSERT INTO review_visits (org_id, application_id, first_arrived_at, status, year)
SELECT md5('unit-' || unit_n), app_id, t_unit, status, year FROM seed
UNION ALL
SELECT md5('department-' || dept_n), app_id, t_dept, status, year FROM seed WHERE stage >= 1
UNION ALL
SELECT md5('committee-' || committee_n), app_id, t_committee, status, year FROM seed WHERE stage >= 2;

INSERT INTO review_tasks (id, application_id, round, position, node, org_id, org_name, state, arrived_at,
                          due_at, action, acted_at)
SELECT md5('task-' || g || '-' || position), app_id, 1, position, node, org, org_name,
       CASE WHEN waiting THEN 'open' ELSE 'done' END, arrived, arrived + interval '10 days',
       CASE WHEN waiting THEN NULL WHEN status = 'returned' THEN 'return' ELSE 'forward' END,
       CASE WHEN waiting THEN NULL ELSE arrived + interval '2 days' END
FROM (
    SELECT g, app_id, 1 AS position, 'unit' AS node, md5('unit-' || unit_n) AS org,
           '基层单位' || unit_n AS org_name, t_unit AS arrived, status,
           stage = 0 AND status = 'submitted' AS waiting FROM seed
    UNION ALL
    SELECT g, app_id, 2, 'department', md5('department-' || dept_n), '主管部门' || dept_n, t_dept, status,
           stage = 1 FROM seed WHERE stage >= 1
    UNION ALL
    SELECT g, app_id, 3, 'committee', md5('committee-' || committee_n), '评审委员会' || committee_n,
           t_committee, status, stage = 2 FROM seed WHERE stage >= 2
) AS t;
"""


TABLES = ("review_cases", "review_tasks", "review_visits")


def seed(name, applications):
    """Into tables without their indexes and keys, which are then built once: a
    bulk build is many times faster than a million random inserts into each."""
    with closing(psycopg2.connect(dsn(name))) as connection, connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid::regclass::text IN %s AND contype IN ('p', 'u')", (TABLES,))
        constraints = cursor.fetchall()
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN %s "
                       "AND indexname NOT IN (SELECT conname FROM pg_constraint)", (TABLES,))
        indexes = cursor.fetchall()
        for index, _ in indexes:
            cursor.execute(f'DROP INDEX "{index}"')
        for table, constraint, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
        started = time.perf_counter()
        cursor.execute(SEED, {"applications": applications, "surnames": SURNAMES, "given": GIVEN})
        print(f"  rows in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        for table, constraint, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {definition}')
        for _, definition in indexes:
            cursor.execute(definition)
        print(f"  {len(constraints)} keys and {len(indexes)} indexes in {time.perf_counter() - started:.1f} s",
              flush=True)
        connection.commit()


def vacuum(name):
    """What autovacuum does soon after a bulk load: statistics and the visibility map
    (without which index-only scans visit the heap)."""
    connection = psycopg2.connect(dsn(name))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE review_cases, review_tasks, review_visits")
    connection.close()


class Recorder:
    """The statements a call issues (to EXPLAIN them afterwards)."""

    def __init__(self, engine):
        self.on = False
        self.statements = []

        @event.listens_for(engine, "before_cursor_execute")
        def record(conn, cursor, statement, parameters, context, executemany):
            if self.on:
                self.statements.append((statement, parameters))


def timed(engine, call, runs):
    """p50 and p99 wall time, p50 of this process's CPU time, and the last answer."""
    latencies, cpu, answer = [], [], None
    for i in range(runs + 3):
        with Session(engine) as session:
            started, started_cpu = time.perf_counter(), time.thread_time()
            answer = call(session)
            elapsed, elapsed_cpu = time.perf_counter() - started, time.thread_time() - started_cpu
            session.rollback()
        if i >= 3:  # warm-up
            latencies.append(elapsed)
            cpu.append(elapsed_cpu)
    latencies.sort()
    return (1000 * statistics.median(latencies), 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            1000 * statistics.median(cpu), answer)


def explain(engine, recorder, call):
    recorder.statements, recorder.on = [], True
    with Session(engine) as session:
        call(session)
        session.rollback()
    recorder.on = False
    plans = []
    with engine.connect() as connection:
        cursor = connection.connection.cursor()
        for statement, parameters in recorder.statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plans.append([row[0] for row in cursor.fetchall()])
        connection.rollback()
    return plans


def execution_ms(plan):
    return sum(float(line.split(":")[1].split()[0]) for line in plan if line.startswith("Execution Time"))


def cases(session_engine):
    """(org label, org id, label, call) — the reads a reviewer makes."""
    from services.review import views
    with session_engine.connect() as connection:
        number = connection.exec_driver_sql(
            "SELECT c.number, c.applicant_name FROM review_visits v JOIN review_cases c USING (application_id) "
            "WHERE v.org_id = %(org)s AND char_length(c.applicant_name) = 3 "
            "ORDER BY v.application_id LIMIT 1", {"org": org_id("committee", 0)}).first()
    number, full_name = number
    orgs = [("committee 0 (busiest)", org_id("committee", 0)), ("department 0", org_id("department", 0)),
            ("unit 200", org_id("unit", 200))]
    reads = [
        ("tasks page 1", lambda a: lambda s: views.task_list(s, a)),
        ("tasks page 200", lambda a: lambda s: views.task_list(s, a, page=200)),
        ("tasks page 500 (offset 9980)", lambda a: lambda s: views.task_list(s, a, page=500)),
        ("query page 1", lambda a: lambda s: views.query(s, a)),
        ("query page 500", lambda a: lambda s: views.query(s, a, page=500)),
        ("status=approved", lambda a: lambda s: views.query(s, a, status="approved")),
        ("status=returned", lambda a: lambda s: views.query(s, a, status="returned")),
        ("year=2024", lambda a: lambda s: views.query(s, a, year=2024)),
        ("year=2026 status=passed", lambda a: lambda s: views.query(s, a, status="passed", year=2026)),
        (f"number={number}", lambda a: lambda s: views.query(s, a, number=number)),
        ("number=(absent)", lambda a: lambda s: views.query(s, a, number="RSSQ20269999999")),
        ("name=王伟 (2 chars)", lambda a: lambda s: views.query(s, a, name="王伟")),
        (f"name={full_name[1:]} (2 chars, given)", lambda a: lambda s: views.query(s, a, name=full_name[1:])),
        (f"name={full_name} (3 chars)", lambda a: lambda s: views.query(s, a, name=full_name)),
        ("name=王伟 status=approved", lambda a: lambda s: views.query(s, a, name="王伟", status="approved")),
        ("name=王伟 year=2024 status=approved",
         lambda a: lambda s: views.query(s, a, name="王伟", year=2024, status="approved")),
        ("name=张敏 year=2026", lambda a: lambda s: views.query(s, a, name="张敏", year=2026)),
        ("name=欧阳修 (absent)", lambda a: lambda s: views.query(s, a, name="欧阳修")),
    ]
    for org_label, oid in orgs:
        actor = {"role": "committee_staff", "org_id": oid}
        for label, make in reads:
            yield org_label, label, make(actor)


def measure(engine, runs, show_plans):
    """Each read's wall time (p50, p99), the Python CPU it took (p50), the server's
    execution time of its statements (EXPLAIN ANALYZE) and p99 against the goal;
    first the floor: ``SELECT 1`` through a session, what the machine gives now."""
    recorder = Recorder(engine)
    worst, rows = 0.0, []
    floor50, floor99, floor_cpu, _ = timed(engine, lambda session: session.execute(select(1)).scalar(), runs)
    print(f"floor (SELECT 1 through a session): p50 {floor50:.2f} ms  p99 {floor99:.2f} ms  "
          f"cpu {floor_cpu:.2f} ms; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    print(f"{'organisation':<22} {'read':<36} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms':>7} {'SQL ms':>7} "
          f"{'total':>6} {'p50/floor':>9} {'p99/goal':>8}", flush=True)
    for org_label, label, call in cases(engine):
        p50, p99, cpu, answer = timed(engine, call, runs)
        plans = explain(engine, recorder, call)
        sql_ms = sum(execution_ms(plan) for plan in plans)
        total = f"{answer['total']}{'+' if answer.get('total_is_lower_bound') else ''}"
        worst = max(worst, p99)
        rows.append((org_label, label, p99))
        print(f"{org_label:<22} {label:<36} {p50:7.2f} {p99:7.2f} {cpu:7.2f} {sql_ms:7.2f} {total:>6} "
              f"{p50 / floor50:9.1f} {p99 / GOAL_MS:8.2f}", flush=True)
        if show_plans:
            for plan in plans:
                print("    " + "\n    ".join(plan), flush=True)
    over = [f"{o} / {label}" for o, label, p99 in rows if p99 > GOAL_MS]
    print(f"server time: worst p99 {worst:.2f} ms against the {GOAL_MS:.0f} ms goal "
          f"(ratio {worst / GOAL_MS:.2f}); over the goal: {', '.join(over) or 'none'}", flush=True)


def http(name, runs):
    """Whole requests through a running gateway, as the busiest committee's staff,
    against the gateway's bare RPC echo measured in the same run."""
    import requests

    from tests.stack import ADMIN_PASSWORD, Stack
    seeded = org_id("committee", 0)
    stack = Stack(env={"ZC_REVIEW_DB": db_url(name)}).start()
    real = None
    try:
        api = stack.base_url + "/api/v1"
        token = requests.post(api + "/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                              timeout=30).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        committee = requests.post(api + "/admin/organizations", headers=auth, timeout=30, json={
            "kind": "committee", "name": "基准测试评审委员会", "region_code": "650100",
            "contact": {"person": "王五", "phone": "0991-7654321"}}).json()
        requests.post(api + f"/admin/organizations/{committee['id']}/staff", headers=auth, timeout=30, json={
            "username": "bench_staff", "password": "Passw0rd-2026", "name": "审核员", "phone": "13900000000"})
        staff = requests.post(api + "/auth/login", json={"username": "bench_staff", "password": "Passw0rd-2026"},
                              timeout=30).json()["token"]
        real = committee["id"]
        rename(name, seeded, real)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {staff}"
        reads = [("GET /echo (floor)", "/echo", {}), ("GET /review/tasks", "/review/tasks", {}),
                 ("GET /review/tasks?page=500", "/review/tasks", {"page": 500}),
                 ("GET /review/applications", "/review/applications", {}),
                 ("GET /review/applications?name=王伟", "/review/applications", {"name": "王伟"}),
                 ("GET /review/applications?name=王伟&year=2024", "/review/applications",
                  {"name": "王伟", "year": 2024}),
                 ("GET /review/applications?status=approved&year=2024", "/review/applications",
                  {"status": "approved", "year": 2024})]
        echo_p99 = None
        for label, path, params in reads:
            latencies = []
            for i in range(runs + 5):
                started = time.perf_counter()
                response = session.get(api + path, params=params, timeout=60)
                elapsed = time.perf_counter() - started
                response.raise_for_status()
                if i >= 5:
                    latencies.append(elapsed)
            latencies.sort()
            p50 = 1000 * statistics.median(latencies)
            p99 = 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            echo_p99 = echo_p99 or p99
            print(f"{label:<50} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  p99 ÷ echo {p99 / echo_p99:5.2f}", flush=True)
    finally:
        if real:
            rename(name, real, seeded)
        stack.stop()


def rename(name, old, new):
    with psycopg2.connect(dsn(name)) as connection, connection.cursor() as cursor:
        cursor.execute("UPDATE review_visits SET org_id = %s WHERE org_id = %s", (new, old))
        cursor.execute("UPDATE review_tasks SET org_id = %s WHERE org_id = %s", (new, old))
    vacuum(name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--fresh", action="store_true", help="drop and seed the database again")
    parser.add_argument("--runs", type=int, default=30, help="timed calls per read")
    parser.add_argument("--plans", action="store_true", help="print every EXPLAIN ANALYZE")
    parser.add_argument("--http", action="store_true", help="also time requests through a running gateway")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    name = f"zc_bench_review_{args.applications}"
    prepare(name, args.applications, args.fresh)
    engine = make_engine(db_url(name))
    try:
        measure(engine, args.runs, args.plans)
        engine.dispose()
        if args.http:
            http(name, args.runs)
    finally:
        engine.dispose()
        if args.drop:
            with closing(admin()) as connection, connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()

"""The submission deadline, as it happens: N applicants with complete applications
arrive at random moments of a W-second window (open loop: each applicant is a task
started at its arrival time), read their application, submit it and list their
applications again, while the base units' reviewers keep reading their task lists.
Then it checks that nothing was lost.

    .venv/bin/python -m bench.surge [--n 2000] [--window 60] [--db postgres|sqlite]
                                    [--close-at S] [--double 0.05] [--nokey 0.02]

Starts its own copy of the system (tests.stack; PostgreSQL databases as the tests
make them, or SQLite files as ``make run`` does by default).

Setup (printed apart): committees, qualifications, base units and one complete
application per committee are made through the API as real users make them
(registration, sections, uploads). The N applicants are then *cloned* from those
straight into the services' own tables (accounts users and sessions, applications
rows with their numbers, documents attachment rows plus their objects put into the
object store), because registering and logging in 2,000 people through the API
costs two argon2 hashes each (minutes of CPU on this machine). The tokens are
signed with the copy's own secret for the stored sessions, so the gateway and
accounts authenticate them exactly as after a login.

Bad input under the surge: a ``--double`` share of applicants double-click
submit (two concurrent submits with one Idempotency-Key), a ``--nokey`` share
double-click without a key; ``--close-at S`` closes the first committee's window
S seconds in (the admin's settings change), after which its submits must be
refused with ``window_closed`` and nothing of them stored.

Printed: setup time; p50/p99/max per step; statuses; refusal codes; the echo floor
measured through the same gateway just before the surge; CPU seconds per process
during the surge (from /proc); and the checks. Exit code 1 if anything was lost or
half-applied, or any 5xx was answered.
"""
import argparse
import asyncio
import copy
import io
import json
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import aiohttp
import jwt
from sqlalchemy import func, insert, select

from bench.common import closed_loop
from bench.cpu import BackendWatch, cpu_delta, cpu_snapshot
from deploy import launcher
from tests.client import ApiClient
from tests.integration import test_applications_world as world_builders
from tests.integration.accounts_helpers import id_number, login, phone, register_unit
from zc_common.clock import iso, now
from zc_common.db import make_engine

SERVICES_READ = ("accounts", "applications", "documents", "review")
SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
SUBMIT_PATH = "/api/v1/applications/{}/submit"


# -- setup ------------------------------------------------------------------------------

@dataclass
class World:
    committees: list          # [{"committee", "qualification", "window"}]
    units: list               # [{"unit_id", "name", "token", ...}]
    applicants: list          # [{"user_id", "name", "token", "application_id", "number", "unit_id", "committee_id"}]
    api_seconds: float = 0.0
    clone_seconds: float = 0.0


def engines_for(stack):
    return {s: make_engine(stack.db_url(s)) for s in SERVICES_READ}


def _secret(stack):
    return stack.env.get("ZC_SECRET_KEY") or (Path(stack.env["ZC_DATA_DIR"]) / "secret.key").read_text().strip()


def _id_numbers(count):
    found = set()
    while len(found) < count:
        found.add(id_number())
    return sorted(found)


def _make_unit(api):
    """A registered base unit whose administrator has a mobile phone (so arrival notices
    have somewhere to go: a landline contact gets none), logged in."""
    unit = register_unit(api, contact_phone=phone())
    return {**unit, "token": login(api, unit["username"])["token"]}


def build_world(stack, n, committees=2, units=4, seed=1):
    """Committees, units and one real complete application per committee through the
    API; then ``n`` applicants cloned from those into the services' tables."""
    random.seed(seed)
    api = ApiClient(stack.base_url)
    admin = api.admin_token()
    started = time.perf_counter()
    made_committees = []
    for _ in range(committees):
        window = world_builders.window(opens_in_days=-1, closes_in_days=20)
        built = world_builders.make_committee(api, admin, maximum=2, **window)
        made_committees.append({"committee": built["committee"], "qualification": built["qualifications"]["中级"],
                                "window": window})
    made_units = [_make_unit(api) for _ in range(units)]
    templates = []
    for entry in made_committees:
        person = world_builders.make_applicant(api)
        application = world_builders.complete_application(api, person, entry["qualification"], made_units[0])
        templates.append((entry, person, application))
    api_seconds = time.perf_counter() - started
    started = time.perf_counter()
    applicants = _clone(stack, n, templates, made_units)
    return World(made_committees, made_units, applicants, api_seconds, time.perf_counter() - started)


def _clone(stack, n, templates, units):
    from services.accounts.models import Session, User
    from services.applications.models import Application, NumberSequence
    from services.documents.models import Attachment

    engines = engines_for(stack)
    secret = _secret(stack)
    moment = now()
    expires = moment + timedelta(hours=8)
    ids = _id_numbers(n)
    run = uuid.uuid4().hex[:6]
    people, sessions, tokens = [], [], []
    with engines["accounts"].connect() as connection:
        template_users = {person["user_id"]: dict(connection.execute(
            select(User.__table__).where(User.id == person["user_id"])).mappings().one())
            for _, person, _ in templates}
    for i in range(n):
        entry, person, application = templates[i % len(templates)]
        user = dict(template_users[person["user_id"]])
        user_id = uuid.uuid4().hex
        name = random.choice(SURNAMES) + random.choice(GIVEN) + random.choice(GIVEN)
        user.update(id=user_id, username=f"sg{run}{i:05d}", name=name, id_number=ids[i],
                    phone=f"138{random.randrange(0, 10**8):08d}", created_at=moment, password_changed_at=None)
        people.append(user)
        session_id = uuid.uuid4().hex
        sessions.append({"id": session_id, "user_id": user_id, "region_code": user["region_code"],
                         "impersonator_id": None, "address": "127.0.0.1", "created_at": moment,
                         "expires_at": expires, "revoked_at": None})
        tokens.append(jwt.encode({"sid": session_id, "sub": user_id, "iat": int(moment.timestamp()),
                                  "exp": int(expires.timestamp())}, secret, algorithm="HS256"))
    with engines["accounts"].begin() as connection:
        connection.execute(insert(User.__table__), people)
        connection.execute(insert(Session.__table__), sessions)

    with engines["applications"].begin() as connection:
        template_rows = {application["id"]: dict(connection.execute(
            select(Application.__table__).where(Application.id == application["id"])).mappings().one())
            for _, _, application in templates}
        # Numbers from the service's own sequence table (its autoincrement is the number).
        seqs = [connection.execute(insert(NumberSequence.__table__).values(issued_at=moment)
                                   .returning(NumberSequence.seq)).scalar_one() for _ in range(n)]
    from services.accounts.schemas import identity_of
    from services.applications.rules import format_number
    rows, applicants = [], []
    for i, user in enumerate(people):
        entry, _, application = templates[i % len(templates)]
        unit = units[i % len(units)]
        row = copy.deepcopy(template_rows[application["id"]])
        app_id = uuid.uuid4().hex
        sections = row["sections"]
        if isinstance(sections, dict) and "basic_info" in sections:
            # the clone's own identity: applications checks it against the ID number at submit
            sections["basic_info"] = {**sections["basic_info"], "name": user["name"], "phone": user["phone"],
                                      **identity_of(user["id_number"])}
        row.update(id=app_id, number=format_number(seqs[i]), applicant_id=user["id"], applicant_name=user["name"],
                   unit_id=unit["unit_id"], unit_name=unit["name"], created_at=moment, updated_at=moment)
        rows.append(row)
        applicants.append({"user_id": user["id"], "name": user["name"], "token": tokens[i], "application_id": app_id,
                           "number": row["number"], "unit_id": unit["unit_id"],
                           "committee_id": entry["committee"]["id"]})
    with engines["applications"].begin() as connection:
        connection.execute(insert(Application.__table__), rows)

    # Attachments: a row per file and the file in the object store, as documents stores them.
    from minio import Minio
    client = Minio(stack.env["ZC_S3_ENDPOINT"], access_key=stack.env["ZC_S3_ACCESS_KEY"],
                   secret_key=stack.env["ZC_S3_SECRET_KEY"], secure=False)
    bucket = stack.env.get("ZC_S3_BUCKET", "zhicheng")
    with engines["documents"].connect() as connection:
        template_files = {application["id"]: [dict(r) for r in connection.execute(
            select(Attachment.__table__).where(Attachment.application_id == application["id"])).mappings()]
            for _, _, application in templates}
    contents = {}
    for files in template_files.values():
        for row in files:
            response = client.get_object(bucket, row["object_key"])
            contents[row["object_key"]] = response.read()
            response.close()
            response.release_conn()
    attachment_rows, puts = [], []
    for i, applicant in enumerate(applicants):
        _, _, application = templates[i % len(templates)]
        for template_row in template_files[application["id"]]:
            attachment_id = uuid.uuid4().hex
            key = f"attachments/{applicant['application_id']}/{attachment_id}/{uuid.uuid4().hex}"
            attachment_rows.append({**template_row, "id": attachment_id, "application_id": applicant["application_id"],
                                    "object_key": key, "display_key": None, "uploaded_by": applicant["user_id"],
                                    "stored_at": moment})
            puts.append((key, contents[template_row["object_key"]], template_row["content_type"],
                         template_row["sha256"]))

    def put(item):
        key, data, content_type, digest = item
        client.put_object(bucket, key, io.BytesIO(data), len(data), content_type=content_type,
                          metadata={"sha256": digest})

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(put, puts))
    with engines["documents"].begin() as connection:
        connection.execute(insert(Attachment.__table__), attachment_rows)
    for engine in engines.values():
        engine.dispose()
    return applicants


# -- the surge ---------------------------------------------------------------------------------

@dataclass
class Record:
    who: int
    step: str              # read | submit | list | review_tasks | close
    status: int
    code: str | None
    sent: float            # seconds from the surge's start
    seconds: float
    keyed: bool = True
    extra: dict = field(default_factory=dict)


async def _call(session, method, url, t0, records, who, step, headers=None, json_body=None, keyed=True):
    sent = time.perf_counter()
    try:
        async with session.request(method, url, headers=headers, json=json_body) as response:
            body = await response.read()
            status = response.status
    except (TimeoutError, aiohttp.ClientError) as exc:
        records.append(Record(who, step, 0, type(exc).__name__, sent - t0, time.perf_counter() - sent, keyed))
        return 0, None
    code, parsed = None, None
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    if status >= 400 and isinstance(parsed, dict):
        code = (parsed.get("error") or {}).get("code")
    records.append(Record(who, step, status, code, sent - t0, time.perf_counter() - sent, keyed,
                          {"bytes": len(body)}))
    return status, parsed


async def _applicant(session, base, who, person, arrival, mode, t0, records, seen_in_list):
    await asyncio.sleep(max(0.0, t0 + arrival - time.perf_counter()))
    auth = {"Authorization": f"Bearer {person['token']}"}
    app_id = person["application_id"]
    await _call(session, "GET", f"{base}/api/v1/applications/{app_id}", t0, records, who, "read", auth)
    url = base + SUBMIT_PATH.format(app_id)
    if mode == "single":
        await _call(session, "POST", url, t0, records, who, "submit", {**auth, "Idempotency-Key": uuid.uuid4().hex})
    elif mode == "double":
        key = uuid.uuid4().hex
        await asyncio.gather(*(_call(session, "POST", url, t0, records, who, "submit", {**auth, "Idempotency-Key": key})
                               for _ in range(2)))
    else:  # nokey: a double click from a client that sends no key
        await asyncio.gather(*(_call(session, "POST", url, t0, records, who, "submit", auth, keyed=False)
                               for _ in range(2)))
    status, listed = await _call(session, "GET", f"{base}/api/v1/applications", t0, records, who, "list", auth)
    if status == 200 and isinstance(listed, list):
        seen_in_list[who] = {a.get("id"): a.get("status") for a in listed if isinstance(a, dict)}.get(app_id)


async def _reviewer(session, base, who, unit, t0, records, stop):
    auth = {"Authorization": f"Bearer {unit['token']}"}
    while not stop.is_set():
        await _call(session, "GET", f"{base}/api/v1/review/tasks", t0, records, who, "review_tasks", auth)
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except TimeoutError:
            pass


async def _close_window(session, base, admin_token, committee, at, t0, records, closed):
    await asyncio.sleep(max(0.0, t0 + at - time.perf_counter()))
    closes_at = now()
    body = {"submit_opens_at": committee["window"]["submit_opens_at"], "submit_closes_at": iso(closes_at),
            "max_submissions": 2, "fee_fen": 30000, "receiving_department_ids": []}
    closed["closes_at"] = time.perf_counter() - t0
    status, _ = await _call(session, "PUT", f"{base}/api/v1/admin/committees/{committee['committee']['id']}/settings",
                            t0, records, -1, "close", {"Authorization": f"Bearer {admin_token}"}, body)
    closed["answered_at"] = time.perf_counter() - t0
    closed["status"] = status


def plan(n, double, nokey, window, seed=2):
    """Arrival moment and double-click mode per applicant (at least one of each
    bad-input kind when the shares ask for any)."""
    rng = random.Random(seed)
    arrivals = [rng.uniform(0, window) for _ in range(n)]
    modes = ["double" if r < double else "nokey" if r < double + nokey else "single"
             for r in (rng.random() for _ in range(n))]
    if double > 0 and "double" not in modes and n >= 1:
        modes[0] = "double"
    if nokey > 0 and "nokey" not in modes and n >= 2:
        modes[1] = "nokey"
    return arrivals, modes


async def surge(stack, world, window, modes, arrivals, close_at=None):
    base = stack.base_url
    records, seen_in_list, closed = [], {}, {}
    admin_token = ApiClient(base).admin_token()
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=180)
    stop = asyncio.Event()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        t0 = time.perf_counter() + 0.2
        reviewers = [asyncio.create_task(_reviewer(session, base, -2 - i, unit, t0, records, stop))
                     for i, unit in enumerate(world.units)]
        closer = []
        if close_at is not None:
            closer = [asyncio.create_task(_close_window(session, base, admin_token, world.committees[0], close_at,
                                                        t0, records, closed))]
        await asyncio.gather(*(_applicant(session, base, i, person, arrivals[i], modes[i], t0, records, seen_in_list)
                               for i, person in enumerate(world.applicants)), *closer)
        elapsed = time.perf_counter() - t0
        stop.set()
        await asyncio.gather(*reviewers)
    return {"records": records, "seen_in_list": seen_in_list, "closed": closed, "elapsed": elapsed}


# -- settling and the checks ----------------------------------------------------------------

def queue_depths(stack):
    """{queue: (ready, unacked)} in this copy's vhost (rabbitmqctl, as the launcher uses it)."""
    vhost = launcher.vhost_of(stack.amqp_uri)
    out = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "messages_ready",
                          "messages_unacknowledged"], capture_output=True, text=True, timeout=60)
    depths = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            depths[parts[0]] = (int(parts[1]), int(parts[2]))
    return depths


def _payload(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def gather(stack, world):
    """What the services' databases hold about the surge's applications."""
    from services.accounts.models import Notification
    from services.applications.models import Application, OutboxEvent, Transition
    from services.review.models import ProcessedEvent, Task

    ids = [a["application_id"] for a in world.applicants]
    users = [a["user_id"] for a in world.applicants]
    engines = engines_for(stack)
    state = {}
    try:
        with engines["applications"].connect() as c:
            state["apps"] = {r.id: r for r in c.execute(select(
                Application.id, Application.status, Application.submissions_used).where(Application.id.in_(ids)))}
            state["submit_transitions"] = dict(c.execute(
                select(Transition.application_id, func.count()).where(
                    Transition.application_id.in_(ids), Transition.action == "submit")
                .group_by(Transition.application_id)).all())
            events = {}
            for row in c.execute(select(OutboxEvent.event_id, OutboxEvent.event_type, OutboxEvent.payload,
                                        OutboxEvent.published)):
                payload = _payload(row.payload)
                events.setdefault(payload.get("application_id"), []).append(
                    (row.event_id, row.event_type, bool(row.published)))
            state["events"] = events
            state["unpublished"] = c.execute(select(func.count()).select_from(OutboxEvent)
                                             .where(OutboxEvent.published.is_(False))).scalar_one()
        with engines["review"].connect() as c:
            tasks = {}
            for row in c.execute(select(Task.application_id, Task.node, Task.org_id, Task.state, Task.round)
                                 .where(Task.application_id.in_(ids))):
                tasks.setdefault(row.application_id, []).append(row)
            state["tasks"] = tasks
            state["consumed"] = {(r.event_id, r.handler) for r in c.execute(
                select(ProcessedEvent.event_id, ProcessedEvent.handler))}
        with engines["accounts"].connect() as c:
            status_notes, task_notes = {}, {}
            for row in c.execute(select(Notification.user_id, Notification.kind, Notification.subject)
                                 .where(Notification.kind.in_(("application_status", "review_task")))):
                if row.kind == "application_status" and row.user_id in users:
                    status_notes[row.user_id] = status_notes.get(row.user_id, 0) + 1
                elif row.kind == "review_task":
                    number = row.subject.rsplit("：", 1)[-1]
                    task_notes[number] = task_notes.get(number, 0) + 1
            state["status_notes"], state["task_notes"] = status_notes, task_notes
    finally:
        for engine in engines.values():
            engine.dispose()
    state["queues"] = queue_depths(stack)
    return state


def settled(state, accepted_count):
    busy = {q: d for q, d in state["queues"].items() if d != (0, 0)}
    tasks = sum(1 for ts in state["tasks"].values() if ts)
    return state["unpublished"] == 0 and not busy and tasks >= accepted_count


def settle(stack, world, accepted_count, seconds=180):
    """Poll until the outbox and the queues are empty and every accepted submit has
    its task — twice in a row (a handler still notifying leaves an unacked message,
    but not for long) — or ``seconds`` pass; the last state either way."""
    started, calm = time.monotonic(), 0
    while True:
        state = gather(stack, world)
        calm = calm + 1 if settled(state, accepted_count) else 0
        if calm >= 2 or time.monotonic() - started > seconds:
            return state, time.monotonic() - started
        time.sleep(1.0)


REFUSALS_OF_A_TWIN = {"not_editable", "submission_limit"}


def check(world, result, state):
    """Everything that must hold after the surge; returns (problems, warnings, codes).
    Problems: something lost, half-applied, refused for no stated rule, or a 5xx."""
    problems, warnings, codes = [], [], {}
    by_who, failures = {}, {}
    for record in result["records"]:
        by_who.setdefault(record.who, []).append(record)
        if record.status >= 500 or record.status == 0:
            what = (record.step, record.status, record.code)
            failures[what] = failures.get(what, []) + [record.who]
    for (step, status, code), who in sorted(failures.items(), key=str):
        problems.append(f"{step}: {len(who)} × {status} {code} (by #{', #'.join(map(str, who[:5]))}"
                        f"{' …' if len(who) > 5 else ''})")
    unknown = {"applied": 0, "not applied": 0}
    closed = result["closed"]
    closed_committee = world.committees[0]["committee"]["id"] if closed else None
    for who, person in enumerate(world.applicants):
        app_id, number = person["application_id"], person["number"]
        records = by_who.get(who, [])
        submits = [r for r in records if r.step == "submit"]
        for r in records:
            if r.step in ("read", "list") and r.status != 200 and 0 < r.status < 500:   # 5xx: counted above
                problems.append(f"{r.step} of {number}: {r.status} {r.code}")
        accepted = [r for r in submits if r.status == 200]
        refused = [r for r in submits if 400 <= r.status < 500]
        app = state["apps"].get(app_id)
        if app is None:
            problems.append(f"{number}: the application is gone")
            continue
        # A double click's loser is explained by the winner having submitted — also a
        # winner whose own answer was a 5xx.
        twin_won = len(submits) == 2 and (bool(accepted) or app.status == "submitted")
        for r in refused:
            codes[r.code] = codes.get(r.code, 0) + 1
            if r.code is None:
                problems.append(f"{number}: submit refused {r.status} without an error code")
            elif r.code == "window_closed":
                # Judged when the service ran it: a request sent before the close may reach it after.
                if person["committee_id"] != closed_committee or r.sent + r.seconds < closed.get("closes_at", 1e9):
                    problems.append(f"{number}: window_closed while its window was open")
            elif r.code in REFUSALS_OF_A_TWIN and twin_won:
                if r.keyed:
                    warnings.append(f"{number}: a double-click with one Idempotency-Key answered {r.code} "
                                    "(the contract says a retry with the key answers the first result)")
            else:
                problems.append(f"{number}: submit refused {r.status} {r.code} (no rule of the surge explains it)")
        if closed_committee == person["committee_id"] and "answered_at" in closed:
            late = [r for r in accepted if r.sent > closed["answered_at"]]
            if late:
                problems.append(f"{number}: submit sent after the window closed was accepted")
        events = state["events"].get(app_id, [])
        submitted_events = [e for e in events if e[1] == "application_submitted"]
        tasks = state["tasks"].get(app_id, [])
        # A submit answered only by a 5xx (or no answer) has an outcome the applicant
        # does not know: the stored state must then be whole either way.
        unanswered = not accepted and any(r.status >= 500 or r.status == 0 for r in submits)
        if unanswered:
            unknown["applied" if app.status == "submitted" else "not applied"] += 1
        if accepted or (unanswered and app.status == "submitted"):
            if app.status != "submitted" or app.submissions_used != 1:
                problems.append(f"{number}: accepted, but status {app.status}, submissions_used {app.submissions_used}")
            if state["submit_transitions"].get(app_id, 0) != 1:
                problems.append(f"{number}: {state['submit_transitions'].get(app_id, 0)} submit transitions")
            if len(submitted_events) != 1:
                problems.append(f"{number}: {len(submitted_events)} application_submitted events")
            for event_id, event_type, published in events:
                if not published:
                    problems.append(f"{number}: {event_type} still in the outbox")
                elif event_type in ("application_submitted", "application_status_changed") and \
                        (event_id, event_type) not in state["consumed"]:
                    problems.append(f"{number}: {event_type} never consumed by review")
            unit_tasks = [t for t in tasks if t.node == "unit" and t.org_id == person["unit_id"] and t.round == 1]
            if len(unit_tasks) != 1 or len(tasks) != 1 or unit_tasks[0].state != "open":
                problems.append(f"{number}: tasks {[(t.node, t.state) for t in tasks]} instead of one open at its unit")
            if state["status_notes"].get(person["user_id"], 0) != 1:
                problems.append(f"{number}: {state['status_notes'].get(person['user_id'], 0)} status notifications "
                                "to the applicant")
            if state["task_notes"].get(number, 0) != 1:
                problems.append(f"{number}: {state['task_notes'].get(number, 0)} task notifications to the unit")
            if accepted and result["seen_in_list"].get(who) not in ("submitted", None):
                problems.append(f"{number}: listed as {result['seen_in_list'].get(who)} after its submit was accepted")
        else:
            if not refused and not unanswered:
                problems.append(f"{number}: submit neither accepted nor refused")
            half = []
            if app.status != "draft" or app.submissions_used != 0:
                half.append(f"status {app.status}/{app.submissions_used}")
            if state["submit_transitions"].get(app_id) or events:
                half.append(f"{state['submit_transitions'].get(app_id, 0)} transitions, {len(events)} events")
            if tasks:
                half.append(f"{len(tasks)} tasks")
            if state["status_notes"].get(person["user_id"]) or state["task_notes"].get(number):
                half.append("notifications")
            if half:
                problems.append(f"{number}: refused, but half-applied: {', '.join(half)}")
    if state["unpublished"]:
        problems.append(f"applications outbox: {state['unpublished']} events never published")
    busy = {q: d for q, d in state["queues"].items() if d != (0, 0)}
    if busy:
        problems.append(f"queues not drained: {busy}")
    if any(unknown.values()):
        warnings.append(f"submits answered only by a 5xx: {unknown['applied']} applied whole afterwards, "
                        f"{unknown['not applied']} left untouched")
    return problems, warnings, codes


# -- report ----------------------------------------------------------------------------------

def percentiles(values):
    values = sorted(values)
    if not values:
        return None
    return (statistics.median(values), values[min(len(values) - 1, int(len(values) * 0.99))], values[-1])


def report(result, world, echo, cpu, restarted, checked, setup, settle_seconds, args):
    records = result["records"]
    accepted_apps = checked["accepted"]
    print(f"\nsetup: {setup['api']:.1f} s through the API (committees, units, {len(world.committees)} real "
          f"applications), {setup['clone']:.1f} s cloning {len(world.applicants)} applicants into the databases")
    print(f"surge: {len(world.applicants)} applicants over {args.window:.0f} s ({args.db}); last answer at "
          f"{result['elapsed']:.1f} s; settled {settle_seconds:.1f} s later")
    if echo:
        print(f"echo floor (same gateway, 50 clients, 3 s): {echo['rps']:.0f} req/s, p50 {echo['p50_ms']:.1f} ms, "
              f"p99 {echo['p99_ms']:.1f} ms")
    print(f"{'step':<14}{'count':>7}{'p50 s':>9}{'p99 s':>9}{'max s':>9}{'bytes':>8}   statuses")
    for step in ("read", "submit", "list", "review_tasks", "close"):
        mine = [r for r in records if r.step == step]
        if not mine:
            continue
        p50, p99, top = percentiles([r.seconds for r in mine])
        statuses = {}
        for r in mine:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        shown = "  ".join(f"{s}×{c}" for s, c in sorted(statuses.items()))
        size = statistics.mean(r.extra.get("bytes", 0) for r in mine)  # the answer's body, mean
        print(f"{step:<14}{len(mine):>7}{p50:>9.2f}{p99:>9.2f}{top:>9.2f}{size:>8.0f}   {shown}")
    print(f"submits accepted: {accepted_apps} applications; refusals by code: {checked['codes'] or '{}'}")
    if result["closed"]:
        print(f"window of the first committee closed at {result['closed'].get('closes_at', 0):.1f} s "
              f"(answered {result['closed'].get('status')} at {result['closed'].get('answered_at', 0):.1f} s)")
    print(f"CPU seconds during the surge and until settled: {'total':>8} {'per applicant':>14} "
          f"{'per accepted submit':>20}")
    for name, seconds in sorted(cpu.items(), key=lambda item: -item[1]):
        per = f"{seconds / accepted_apps * 1000:17.1f} ms" if accepted_apps else f"{'-':>20}"
        print(f"  {name:<45}{seconds:8.1f} s {seconds / len(world.applicants) * 1000:11.1f} ms {per}")
    if restarted:
        print(f"  restarted during the surge: {', '.join(restarted)}")
    for warning in checked["warnings"][:20]:
        print(f"warning: {warning}")
    if checked["problems"]:
        print(f"LOST OR BROKEN ({len(checked['problems'])}):")
        shown = sorted(checked["problems"], key=lambda problem: "×" in problem)   # the 5xx summary last
        for problem in shown[:50]:
            print(f"  {problem}")
    else:
        print("checks: nothing lost — every accepted submit is submitted once with its task at the unit, "
              "both notifications, its events published and consumed; every refusal is a stated rule and "
              "left nothing behind; outbox and queues drained; no 5xx")
    sys.stdout.flush()


def run(stack, n, window, close_at=None, double=0.05, nokey=0.02, settle_seconds=180, echo=True,
        committees=2, units=4):
    """Setup, echo floor, surge, settle, check; returns the figures (tests use it)."""
    world = build_world(stack, n, committees=committees, units=units)
    echo_figures = asyncio.run(closed_loop(f"{stack.base_url}/api/v1/echo", 50, 3)) if echo else None
    arrivals, modes = plan(n, double, nokey, window)
    before = cpu_snapshot(stack)
    with BackendWatch(stack) as watch:
        result = asyncio.run(surge(stack, world, window, modes, arrivals, close_at))
        accepted = {r.who for r in result["records"] if r.step == "submit" and r.status == 200}
        state, settle_took = settle(stack, world, len(accepted), settle_seconds)
        after = watch.counted(cpu_snapshot(stack))
    cpu, restarted = cpu_delta(before, after)
    problems, warnings, codes = check(world, result, state)
    checked = {"problems": problems, "warnings": warnings, "codes": codes, "accepted": len(accepted)}
    return {"world": world, "result": result, "state": state, "checked": checked, "cpu": cpu,
            "restarted": restarted, "echo": echo_figures, "settle_seconds": settle_took, "modes": modes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="applicants")
    parser.add_argument("--window", type=float, default=60, help="seconds over which they arrive")
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--close-at", type=float, default=None, help="close the first committee's window S s in")
    parser.add_argument("--double", type=float, default=0.05, help="share double-clicking with one key")
    parser.add_argument("--nokey", type=float, default=0.02, help="share double-clicking without a key")
    parser.add_argument("--settle", type=float, default=180, help="seconds to wait for events to drain")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    from tests.stack import Stack
    stack = Stack(database=args.db).start()
    try:
        started = time.perf_counter()
        figures = run(stack, args.n, args.window, args.close_at, args.double, args.nokey, args.settle)
        world = figures["world"]
        setup = {"api": world.api_seconds, "clone": world.clone_seconds}
        report(figures["result"], world, figures["echo"], figures["cpu"], figures["restarted"], figures["checked"],
               setup, figures["settle_seconds"], args)
        print(f"(whole run {time.perf_counter() - started:.0f} s)")
        failed = bool(figures["checked"]["problems"])
    finally:
        stack.stop()
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()

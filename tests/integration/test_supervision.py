"""Every process supervised (deploy/processes.py): ``kill -9`` of one process in the
middle of an application's journey — the process is restarted, the others keep
answering meanwhile, the journey completes afterwards and nothing is lost or
doubled. And a process that keeps crashing at start backs off, then is given up,
without spinning or stopping the others.

The kills run against a copy of their own (killing would disturb the session's)."""
import os
import signal
import subprocess
import sys
import time

import pytest

from deploy import launcher, processes
from tests.client import ApiClient, expect, wait_for
from tests.integration.test_review_setup import build_world, new_application, status_of, submit, task_of
from tests.stack import running_stack

SERVICES = ["accounts", "applications", "review", "documents", "payments"]
WATCHED = SERVICES + ["gateway"]
# When to kill: just after the step that leaves the victim work in flight.
KILL_AFTER = {"payments": "committee"}   # the fee order follows formal_review_passed
STEPS = ["submit", "unit", "middle", "top", "committee"]


@pytest.fixture(scope="module")
def copy():
    with running_stack() as running:
        yield running


@pytest.fixture(scope="module")
def copy_api(copy):
    return ApiClient(copy.base_url)


@pytest.fixture(scope="module")
def world(copy_api):
    return build_world(copy_api, copy_api.admin_token())


def reviewer_of(world, step):
    if step == "unit":
        return world.unit_token
    org = {"middle": world.middle, "top": world.top, "committee": world.committee}[step]
    return world.staff[org["id"]][0]


def take_step(api, world, app, step):
    if step == "submit":
        submit(api, app)
        return
    token = reviewer_of(world, step)
    wait_for(lambda: task_of(api, token, app["id"]), seconds=60, what=f"the task at {step}")
    expect(api.post(f"/review/applications/{app['id']}/forward", token=token, json={"opinion": "同意"}), 200)


def healthy(api):
    try:
        return api.get("/health").status_code == 200
    except OSError:
        return False


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def watch_the_others_while_restarting(copy, api, target, victim, others):
    """Until ``target`` runs again under a new pid: every other process keeps its pid,
    and (unless the gateway is the victim) another service's public route stays 200
    and the health check finds every other service ok. Returns the new pid."""
    probe = "/public/notices" if target == "accounts" else "/public/committees"   # applications' / accounts'
    deadline = time.monotonic() + 90
    while True:
        assert all(alive(pid) for pids in others.values() for pid in pids), "another process died"
        if target != "gateway":
            expect(api.get(probe), 200)
            services = api.get("/health").json()["services"]
            assert all(state == "ok" for name, state in services.items() if name != target), services
        fresh = [pid for pid in copy.pids_of(target) if pid != victim]
        if fresh:
            return fresh[0]
        assert time.monotonic() < deadline, f"{target} was not restarted"
        time.sleep(0.3)


@pytest.mark.timeout(280)
@pytest.mark.parametrize("target", WATCHED)
def test_kill_9_mid_journey_restarts_it_and_loses_nothing(copy, copy_api, world, target):
    api = copy_api
    app = new_application(api, world)
    attachments = expect(api.get(f"/applications/{app['id']}/attachments", token=app["token"]), 200)
    for step in STEPS:
        take_step(api, world, app, step)
        if step != KILL_AFTER.get(target, "submit"):
            continue
        others = {name: copy.pids_of(name) for name in WATCHED if name != target}
        assert all(len(pids) == 1 for pids in others.values()), others
        [victim] = copy.pids_of(target)
        os.kill(victim, signal.SIGKILL)
        watch_the_others_while_restarting(copy, api, target, victim, others)
        wait_for(lambda: healthy(api), seconds=90, what="health after the restart", every=0.5)
        assert {name: copy.pids_of(name) for name in others} == others   # nobody else was restarted

    # The journey completed: the fee is zero, so payments moves it to ready_for_meeting.
    wait_for(lambda: status_of(api, app) == "ready_for_meeting", seconds=60, what="ready_for_meeting")
    seen = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
    assert all(node["state"] == "done" for node in seen["route"])
    assert [(o["node"], o["action"]) for o in seen["opinions"]] == [
        ("unit", "forward"), ("department", "forward"), ("department", "forward"), ("committee", "forward")]
    assert expect(api.get(f"/applications/{app['id']}/attachments", token=app["token"]), 200) == attachments
    assert_nothing_lost_or_doubled(copy, world, app)


def assert_nothing_lost_or_doubled(copy, world, app):
    app_id = app["id"]
    # applications: one transition per step; every event it queued has left.
    transitions = copy.sql("applications", "SELECT action FROM transitions "
                           "WHERE application_id = %s ORDER BY id", app_id)
    assert [t["action"] for t in transitions] == [
        "submit", "forward", "forward", "forward", "pass_formal_review", "fee_paid"], transitions
    wait_for(lambda: all(r["published"] for r in copy.sql(
        "applications", "SELECT published FROM outbox WHERE payload->>'application_id' = %s", app_id)),
        seconds=60, what="the applications outbox to drain")
    # review: one task per node of the route, each decided once.
    tasks = copy.sql("review", "SELECT node, position, state, action FROM review_tasks "
                     "WHERE application_id = %s ORDER BY position", app_id)
    assert [(t["node"], t["position"], t["action"]) for t in tasks] == [
        ("unit", 1, "forward"), ("department", 2, "forward"), ("department", 3, "forward"),
        ("committee", 4, "forward")], tasks
    # payments: one fee order; its outbox drained.
    orders = copy.sql("payments", "SELECT status FROM fee_orders WHERE application_id = %s", app_id)
    assert len(orders) == 1 and orders[0]["status"] != "pricing", orders
    wait_for(lambda: all(r["published"] for r in copy.sql(
        "payments", "SELECT published FROM outbox WHERE payload->>'application_id' = %s", app_id)),
        seconds=60, what="the payments outbox to drain")
    # accounts: each reviewer of each node told once of the arrival, and every message sent.
    # (Only accounts with a phone or an email can be told: the unit's own account has neither.)
    orgs = [world.unit["unit_id"], world.middle["id"], world.top["id"], world.committee["id"]]
    expected = {row["id"] for row in copy.sql(
        "accounts", "SELECT id FROM users WHERE org_id = ANY(%s) "
        "AND (COALESCE(phone, '') <> '' OR COALESCE(email, '') <> '')", orgs)}
    assert len(expected) >= 6   # two staff at each of the three organisations

    def arrivals():
        rows = copy.sql("accounts", "SELECT user_id, status FROM notifications WHERE kind = 'review_task' "
                        "AND body LIKE %s", f"%{app['number']}%")
        return rows if expected <= {r["user_id"] for r in rows} and all(r["status"] == "sent" for r in rows) \
            else None
    rows = wait_for(arrivals, seconds=60, what="every arrival notice sent")
    recipients = [r["user_id"] for r in rows]
    assert len(recipients) == len(set(recipients)), "a notice was sent twice"


# -- a process that keeps crashing at start ---------------------------------------------------

def test_a_process_crashing_at_start_backs_off_then_is_given_up_alone(tmp_path):
    programs = [("steady", f"{sys.executable} -c 'import time; time.sleep(600)'"),
                ("crasher", f"{sys.executable} -c 'raise SystemExit(3)'")]
    config = processes.write_config({"ZC_DATA_DIR": str(tmp_path)}, programs)
    output = open(tmp_path / "supervisord.out", "wb")
    started = time.monotonic()
    manager = subprocess.Popen([sys.executable, "-m", "supervisor.supervisord", "--nodaemon",
                                "--configuration", str(config)],
                               stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    log = tmp_path / "logs" / "supervisord.log"
    try:
        steady = wait_for(lambda: "spawned: 'steady'" in read(log) and pid_below(manager, "time.sleep"),
                          seconds=20, what="the steady process")
        budget = sum(range(1, processes.START_RETRIES + 1)) + 20
        wait_for(lambda: "gave up: crasher entered FATAL state" in read(log), seconds=budget,
                 what="supervisord to give up on the crasher", every=0.5)
        took = time.monotonic() - started
        text = read(log)
        # Back-off, not a spin: START_RETRIES + 1 starts, 1 + 2 + … seconds apart.
        assert text.count("spawned: 'crasher'") == processes.START_RETRIES + 1, text
        assert took >= sum(range(1, processes.START_RETRIES + 1)), took
        assert "too many start retries too quickly" in text
        # The others run on, and the manager with them.
        assert alive(steady) and manager.poll() is None
        assert pid_below(manager, "time.sleep") == steady
    finally:
        launcher.stop_processes(manager)
        output.close()
    assert not alive(steady)


def read(path):
    return path.read_text(errors="replace") if path.exists() else ""


def pid_below(manager, fragment):
    for pid in launcher.descendants(manager.pid):
        try:
            if fragment.encode() in open(f"/proc/{pid}/cmdline", "rb").read():
                return pid
        except OSError:
            continue
    return None


def test_pausing_the_system_stops_every_supervised_process(tmp_path):
    """deploy/backup.py pauses the running system through runner.pgid: supervisord
    starts each process in a group of its own, so the pause must reach them too."""
    programs = [("steady", f"{sys.executable} -c 'import time; time.sleep(600)'")]
    config = processes.write_config({"ZC_DATA_DIR": str(tmp_path)}, programs)
    manager = subprocess.Popen([sys.executable, "-m", "supervisor.supervisord", "--nodaemon",
                                "--configuration", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        steady = wait_for(lambda: pid_below(manager, "time.sleep"), seconds=20, what="the steady process")
        assert os.getpgid(steady) != manager.pid
        launcher.signal_system(manager.pid, signal.SIGSTOP)
        assert wait_for(lambda: state_of(steady) == "T" and state_of(manager.pid) == "T", seconds=5,
                        what="every process stopped")
        launcher.signal_system(manager.pid, signal.SIGCONT)
        assert wait_for(lambda: state_of(steady) != "T" and state_of(manager.pid) != "T", seconds=5,
                        what="every process resumed")
    finally:
        launcher.stop_processes(manager)


def state_of(pid):
    return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]

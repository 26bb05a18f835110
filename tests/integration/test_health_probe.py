"""Health on a real stack of its own (two accounts replicas): the exec probe
(``python -m deploy.probe``) passes for every service, the gateway's health counts
each service's instances, and a service whose database is dropped under it is
reported not ok, with the reason, by both. The drop runs last: it breaks payments."""
import os
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.client import ApiClient
from tests.stack import _pg_admin, running_stack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def copy():
    with running_stack(env={"ZC_REPLICAS": "accounts=2"}) as running:
        yield running


def probe(copy, *args):
    env = {**copy.env, "PYTHONPATH": str(ROOT) + os.pathsep + copy.env.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "deploy.probe", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_the_probe_passes_for_every_service(copy):
    for service in ("accounts", "applications", "review", "documents", "payments"):
        done = probe(copy, service, "--timeout", "10")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"{service}: ok (")
        assert "database" in done.stdout
    assert "object_store" in probe(copy, "documents").stdout


def test_gateway_health_counts_instances_and_shows_checks(copy):
    body = ApiClient(copy.base_url).get("/health").json()
    assert body["status"] == "ok"
    assert body["instances"]["accounts"] == 2
    assert body["instances"]["review"] == 1
    assert body["checks"]["documents"]["object_store"]["ok"] is True
    assert all(body["checks"][s]["database"]["ok"] for s in body["services"])


def test_a_service_whose_database_is_gone_is_not_ok_with_the_reason(copy):
    with closing(_pg_admin()) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{copy.databases["payments"]}" WITH (FORCE)')
    done = probe(copy, "payments", "--timeout", "10")
    assert done.returncode == 1
    line = done.stderr.strip()
    assert "\n" not in line
    assert line.startswith("payments: not ok: ") and "database: OperationalError" in line
    assert "does not exist" in line

    # the gateway reuses one round of checks for a second
    deadline = time.monotonic() + 10
    while (response := ApiClient(copy.base_url).get("/health")).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert response.status_code == 503
    body = response.json()
    assert body["services"]["payments"] == "unhealthy"
    assert body["services"]["accounts"] == "ok"
    assert "does not exist" in body["checks"]["payments"]["database"]["error"]
    # the others stay well
    assert probe(copy, "review").returncode == 0

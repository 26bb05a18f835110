"""Health and metrics on a real stack of its own (two accounts replicas, metrics
on): the exec probe (``python -m deploy.probe``) passes for every service, the
gateway's health counts each service's instances, every service process (each
replica on its own port) and the gateway expose their metrics, and a service whose
database is dropped under it is reported not ok, with the reason, by the probe and
the gateway. The drop runs last: it breaks payments."""
import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from deploy.launcher import free_port_block
from tests.client import ApiClient, expect
from tests.stack import _pg_admin, running_stack
from zc_common.metrics import PORTS_PER_SERVICE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def copy():
    # below the stacks' own ranges (gateway 61000–65500, object store 22000–32700) and the
    # ephemeral range: a stack started after the pick cannot take one of these
    base = free_port_block(size=PORTS_PER_SERVICE * 5, start=12000, end=19000)
    with running_stack(env={"ZC_REPLICAS": "accounts=2", "ZC_METRICS_PORT": str(base)}) as running:
        running.metrics_base = base
        yield running


def scrape(url):
    """{(name, sorted labels): value} of a Prometheus text page."""
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def total(samples, name, **labels):
    return sum(v for (n, ls), v in samples.items() if n == name and labels.items() <= dict(ls).items())


def probe(copy, *args):
    env = {**copy.env, "PYTHONPATH": str(ROOT) + os.pathsep + copy.env.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "deploy.probe", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_the_probe_passes_for_every_service(copy):
    services = ("accounts", "applications", "review", "documents", "payments")
    with ThreadPoolExecutor(max_workers=len(services)) as pool:   # a Python start-up each: side by side
        runs = [pool.submit(probe, copy, service, "--timeout", "10") for service in services]
        plain = pool.submit(probe, copy, "documents")
    for service, run in zip(services, runs):
        done = run.result()
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"{service}: ok (")
        assert "database" in done.stdout
    assert "object_store" in plain.result().stdout


def test_gateway_health_counts_instances_and_shows_checks(copy):
    body = ApiClient(copy.base_url).get("/health").json()
    assert body["status"] == "ok"
    assert body["instances"]["accounts"] == 2
    assert body["instances"]["review"] == 1
    assert body["checks"]["documents"]["object_store"]["ok"] is True
    assert all(body["checks"][s]["database"]["ok"] for s in body["services"])


def test_every_service_process_and_the_gateway_expose_metrics(copy):
    api = ApiClient(copy.base_url)
    for i in range(6):
        expect(api.get(f"/echo?text=m{i}"), 200)
    expect(api.get("/public/committees"), 200)
    base = copy.metrics_base

    # the two accounts replicas, each on its own port, shared the echoes between them
    replicas = [scrape(f"http://127.0.0.1:{base + n}/metrics") for n in (0, 1)]
    echoes = [total(r, "zc_service_calls_total", service="accounts", method="echo", outcome="ok") for r in replicas]
    assert sum(echoes) >= 6
    for samples in replicas:
        assert total(samples, "zc_service_workers_max", service="accounts") > 0
        assert ("zc_service_outbox_backlog", (("service", "accounts"),)) in samples

    for index, service in enumerate(("accounts", "applications", "review", "documents", "payments")):
        samples = scrape(f"http://127.0.0.1:{base + PORTS_PER_SERVICE * index}/metrics")
        assert total(samples, "zc_service_calls_total", service=service, method="health") >= 1, service
        assert ("zc_service_db_connections_in_use", (("service", service),)) in samples, service
        assert total(samples, "zc_service_call_seconds_count", service=service, kind="rpc") >= 1
    applications = scrape(f"http://127.0.0.1:{base + PORTS_PER_SERVICE}/metrics")
    assert ("zc_service_outbox_backlog", (("service", "applications"),)) in applications

    gateway = scrape(f"{copy.base_url}/metrics")
    assert total(gateway, "zc_gateway_rpc_seconds_count", target="accounts.echo", outcome="ok") >= 6
    assert total(gateway, "zc_gateway_request_seconds_count", route="/api/v1/echo", status="200") >= 6
    assert ("zc_gateway_uploads_in_flight", ()) in gateway


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
    # the others stay well, and payments itself is alive: liveness ignores the database
    assert probe(copy, "review").returncode == 0
    live = probe(copy, "payments", "--live")
    assert live.returncode == 0, live.stderr
    assert live.stdout.startswith("payments: ok (") and "answers" in live.stdout

"""deploy/grafana/deadline-day.json stays true to the code: it parses, every metric of
ours it queries is one the code exposes, every route it names is a gateway route,
and the queue metrics are the RabbitMQ Prometheus plugin's."""
import json
import re
from pathlib import Path

import gateway.app  # noqa: F401  (registers every route)
from gateway.api import API_PREFIX, api

ROOT = Path(__file__).resolve().parents[3]
DASHBOARD = json.loads((ROOT / "deploy/grafana/deadline-day.json").read_text())
EXPOSED = (ROOT / "zc_common/metrics.py").read_text() + (ROOT / "gateway/metrics.py").read_text()
RABBITMQ = {"rabbitmq_queue_messages_ready", "rabbitmq_queue_messages_unacked", "rabbitmq_queue_consumers"}


def expressions():
    return [t["expr"] for p in DASHBOARD["panels"] for t in p["targets"]]


def test_the_deadline_day_panels_are_there():
    titles = " / ".join(p["title"] for p in DASHBOARD["panels"])
    for wanted in ("Submits per minute", "p99 latency per route", "Queue depth per service", "Error rate"):
        assert wanted in titles


def test_every_metric_queried_is_exposed():
    for expr in expressions():
        for name in re.findall(r"\b((?:zc|rabbitmq)_[a-z_]+)", expr):
            if name.startswith("rabbitmq_"):
                assert name in RABBITMQ, name
                continue
            base = re.sub(r"_(bucket|count|sum)$", "", name)
            assert f'"{base}"' in EXPOSED, f"{name} in {expr!r} is exposed by no code"


def test_every_route_named_is_a_gateway_route():
    routes = {API_PREFIX + op.path for op in api.operations}
    named = {r for expr in expressions() for r in re.findall(r'route="([^"]+)"', expr)}
    assert named and named <= routes

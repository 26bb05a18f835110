"""What one forward costs: RPC calls, events, and its latency through the gateway.

    .venv/bin/python -m bench.review_forward [--applications 10]

1. RPC calls review makes for one forward, counted on a worker (nameko's
   worker_factory, SQLite, the counting stand-ins of the unit tests) — at the base
   unit, at a department, at the committee.
2. Against its own running copy of the system: ``--applications`` applications
   climb unit → department → department → committee; every forward is timed
   through the gateway, and the events it caused are counted in applications'
   outbox (the owner of status publishes them).
"""
import argparse
import statistics
import time
from collections import Counter

from bench.common import start_stack


class Counting:
    """Counts every call made through a dependency."""

    def __init__(self, target, name, calls):
        self._target, self._name, self._calls = target, name, calls

    def __getattr__(self, method):
        inner = getattr(self._target, method)
        if not callable(inner):
            return inner

        def call(*args, **kwargs):
            self._calls[f"{self._name}.{method}"] += 1
            return inner(*args, **kwargs)
        return call


def rpc_counts():
    from nameko.testing.services import worker_factory

    from services.review.models import Base
    from services.review.service import ReviewService
    from tests.unit.dbutil import session_for
    from tests.unit.review.standins import ADMIN, Accounts, Applications, staff

    calls = Counter()
    accounts, applications = Accounts(), Applications()
    applications.add("a1")
    worker = worker_factory(ReviewService, db=session_for(Base), accounts=Counting(accounts, "accounts", calls),
                            applications=Counting(applications, "applications", calls))
    worker.on_application_submitted({"application_id": "a1", "submission_no": 1, "status": "submitted",
                                     "event_id": "e1", "applicant_id": "p1", "number": "RSSQ1"})
    figures = {"application_submitted event (opens the unit's task)": dict(calls)}
    for label, actor in (("forward at the base unit", ADMIN), ("forward at a department", staff("d1")),
                         ("forward at the receiving department", staff("d2")),
                         ("forward at the committee (formal_review_passed)", staff("c1", role="committee_staff"))):
        calls.clear()
        worker.forward_application(actor, "a1", "同意")
        figures[label] = dict(calls)
    return figures


def outbox_types(stack, after_id):
    return [r["event_type"] for r in stack.sql("applications", "SELECT event_type FROM outbox WHERE id > %s "
                                                               "ORDER BY id", after_id)]


def last_outbox_id(stack):
    return stack.sql("applications", "SELECT coalesce(max(id), 0) AS n FROM outbox")[0]["n"]


def through_the_gateway(stack, n):
    from tests.client import ApiClient, expect
    from tests.integration.test_review_setup import build_world, new_application, submit, wait_task

    api = ApiClient(stack.base_url)
    world = build_world(api, api.admin_token())
    apps = []
    for i in range(n):
        app = new_application(api, world, name=f"基准{i}")
        submit(api, app)
        apps.append(app)
    latencies = {"unit": [], "department": [], "committee": []}
    events = {}
    steps = [("unit", world.unit_token), ("department", world.staff[world.middle["id"]][0]),
             ("department", world.staff[world.top["id"]][0]), ("committee", world.staff[world.committee["id"]][0])]
    for app in apps:
        for node, token in steps:
            wait_task(api, token, app["id"])
            time.sleep(0.3)  # let the previous step's asynchronous follow-ups settle before counting
            before = last_outbox_id(stack)
            started = time.perf_counter()
            expect(api.post(f"/review/applications/{app['id']}/forward", token=token,
                            json={"opinion": "同意推荐"}), 200)
            latencies[node].append(time.perf_counter() - started)
            events.setdefault(node, outbox_types(stack, before))
    return latencies, events


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=10)
    args = parser.parse_args()
    print("RPC calls review makes (gateway adds 2 per request: accounts.authenticate + review.<method>):")
    for label, calls in rpc_counts().items():
        print(f"  {label:<52} {sum(calls.values()):2d}  {dict(sorted(calls.items()))}", flush=True)
    stack = start_stack()
    try:
        latencies, events = through_the_gateway(stack, args.applications)
        for node, values in latencies.items():
            values.sort()
            print(f"POST /review/applications/{{id}}/forward at {node:<10} n={len(values):3d}  "
                  f"p50 {1000 * statistics.median(values):6.1f} ms  max {1000 * values[-1]:6.1f} ms", flush=True)
        for node, types in events.items():
            print(f"events published by applications for one forward at {node}: {len(types)} {types}", flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

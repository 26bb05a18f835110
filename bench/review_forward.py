"""What one forward costs: RPC calls, events, and its latency through the gateway.

    .venv/bin/python -m bench.review_forward [--applications 10]

1. RPC calls review makes for one forward, counted on a worker (nameko's
   worker_factory, SQLite, the counting stand-ins of the unit tests) — at the base
   unit, at a department, at the committee.
2. Against its own running copy of the system: ``--applications`` applications
   are submitted and climb unit → department → department → committee (one more
   is returned, one withdrawn); every decision is timed through the gateway, and
   a tap on the vhost (tests/rpc_tap.py) counts the synchronous RPCs it made (the
   gateway's included), the notices sent without waiting, the RPCs event handlers
   made afterwards, and the events published.
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


def through_the_gateway(stack, n):
    from tests.client import ApiClient, expect
    from tests.integration.test_review_setup import build_world, new_application, submit, wait_task
    from tests.rpc_tap import Tap, count

    api = ApiClient(stack.base_url)
    world = build_world(api, api.admin_token())
    tap = Tap(stack.amqp_uri)
    latencies, counts = {}, {}

    def timed(label, act):
        took = []

        def run():
            started = time.perf_counter()
            answer = act()
            took.append(time.perf_counter() - started)
            return answer
        _, seen = count(tap, run)
        latencies.setdefault(label, []).append(took[0])
        counts.setdefault(label, seen)

    apps = [new_application(api, world, name=f"基准{i}") for i in range(n)]
    for app in apps:
        timed("submit", lambda app=app: submit(api, app))
    steps = [("forward at unit", world.unit_token), ("forward at department", world.staff[world.middle["id"]][0]),
             ("forward at receiving department", world.staff[world.top["id"]][0]),
             ("forward at committee", world.staff[world.committee["id"]][0])]
    for app in apps:
        for label, token in steps:
            wait_task(api, token, app["id"])
            timed(label, lambda app=app, token=token: expect(api.post(
                f"/review/applications/{app['id']}/forward", token=token, json={"opinion": "同意推荐"}), 200))
    for i in range(n):
        returned = new_application(api, world, name=f"退回{i}")
        submit(api, returned)
        wait_task(api, world.unit_token, returned["id"])
        timed("return at unit", lambda app=returned: expect(api.post(
            f"/review/applications/{app['id']}/return", token=world.unit_token, json={"opinion": "材料不全"}), 200))
        submit(api, returned)
        wait_task(api, world.unit_token, returned["id"])
        timed("withdraw", lambda app=returned: expect(api.post(
            f"/applications/{app['id']}/withdraw", token=app["token"]), 200))
    tap.close()
    return latencies, counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=10)
    args = parser.parse_args()
    print("RPC calls review makes (stand-ins; copies warm after the first decision):")
    for label, calls in rpc_counts().items():
        print(f"  {label:<52} {sum(calls.values()):2d}  {dict(sorted(calls.items()))}", flush=True)
    stack = start_stack()
    try:
        latencies, counts = through_the_gateway(stack, args.applications)
        for label, values in latencies.items():
            values.sort()
            seen = counts[label]
            print(f"{label:<32} n={len(values):3d}  p50 {1000 * statistics.median(values):6.1f} ms  "
                  f"sync RPCs {sum(seen['sync'].values())} {dict(sorted(seen['sync'].items()))}  "
                  f"notices {sum(seen['notices'].values())}  later RPCs {dict(sorted(seen['async'].items()))}  "
                  f"events {dict(sorted(seen['events'].items()))}", flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

"""What each step of a deadline visit costs, in CPU milliseconds per request and per
process: the echo (the floor), the applicant's read, list and submit (the submit's
events and notices counted until every queue is drained), and a reviewer's task
list. The surge (bench/surge.py) says whether the platform keeps up; this says
where the time goes, so a change can be weighed before the surge is rerun.

    .venv/bin/python -m bench.steps [--n 300] [--clients 10] [--db postgres|sqlite]
"""
import argparse
import asyncio
import time
import uuid

import aiohttp

from bench.cpu import BackendWatch, cpu_delta, cpu_snapshot, per_request
from bench.surge import build_world, queue_depths

SHOWN = ("gateway", "applications", "review", "accounts", "documents", "supervisord (logs)", "rabbitmq (shared)",
         "postgres backends")


async def _each(base, requests, clients):
    """Every (method, path, token, headers) once, ``clients`` at a time; statuses counted."""
    statuses, latencies = {}, []
    queue = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients + 5)) as session:
        async def worker():
            while not queue.empty():
                method, path, token, headers = queue.get_nowait()
                started = time.perf_counter()
                async with session.request(method, base + path,
                                           headers={"Authorization": f"Bearer {token}", **headers}) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                latencies.append(time.perf_counter() - started)
        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {"statuses": statuses, "rps": len(latencies) / elapsed,
            "p50_ms": 1000 * latencies[len(latencies) // 2]}


def _drain(stack, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(queue_depths(stack).values()):
            return
        time.sleep(0.2)


def measure(stack, label, requests, clients, drain=False):
    before = cpu_snapshot(stack)
    with BackendWatch(stack) as watch:
        figures = asyncio.run(_each(stack.base_url, requests, clients))
        if drain:
            time.sleep(0.5)  # the last events on their way to their queues
            _drain(stack)
        after = watch.counted(cpu_snapshot(stack))
    delta, _ = cpu_delta(before, after)
    costs = per_request(delta, len(requests))
    total = sum(v for k, v in costs.items() if k != "bench client")
    shown = "  ".join(f"{name.split(' ')[0]} {costs.get(name, 0):5.1f}" for name in SHOWN)
    print(f"{label:<13}{figures['rps']:7.0f}/s p50 {figures['p50_ms']:6.1f} ms  cpu {total:6.1f} ms = {shown}"
          f"   {figures['statuses']}", flush=True)
    return costs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="applicants (each read, listed and submitted once)")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    args = parser.parse_args()
    from tests.stack import Stack
    stack = Stack(database=args.db).start()
    try:
        world = build_world(stack, args.n)
        people = world.applicants
        unit_tokens = [u["token"] for u in world.units]
        print(f"{args.n} applicants, {args.clients} clients; CPU ms per request by process "
              f"(submit: until its events and notices are consumed)")
        measure(stack, "echo", [("GET", "/api/v1/echo", p["token"], {}) for p in people], args.clients)
        measure(stack, "read", [("GET", f"/api/v1/applications/{p['application_id']}", p["token"], {})
                                for p in people], args.clients)
        measure(stack, "list", [("GET", "/api/v1/applications", p["token"], {}) for p in people], args.clients)
        measure(stack, "submit", [("POST", f"/api/v1/applications/{p['application_id']}/submit", p["token"],
                                   {"Idempotency-Key": uuid.uuid4().hex}) for p in people], args.clients,
                drain=True)
        measure(stack, "review_tasks", [("GET", "/api/v1/review/tasks", unit_tokens[i % len(unit_tokens)], {})
                                        for i in range(len(people))], args.clients)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

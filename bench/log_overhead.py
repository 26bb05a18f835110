"""What the per-request log lines cost: the bare echo and an applicant's
``GET /applications/{id}`` (applications, review, documents: four lines per request
with the gateway's) on a copy logging at INFO (the default: one JSON line per request
and per RPC worker) against a copy logging at WARNING (none of them). Both copies run
at once and are measured in alternation, round after round, so a machine busy with
other work weighs on both alike; each read is also shown as a ratio of its copy's echo.

    .venv/bin/python -m bench.log_overhead [--seconds 3] [--rounds 4] [--clients 20]
"""
import argparse
import asyncio

import requests

from bench.common import closed_loop, show
from bench.me_vs_echo import applicant_with_application
from tests.stack import ADMIN_PASSWORD, Stack

LEVELS = ("WARNING", "INFO")


def prepared(stack):
    token = requests.post(f"{stack.base_url}/api/v1/auth/login",
                          json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["token"]
    applicant_token, application_id = applicant_with_application(stack, token)
    return {"echo": (f"{stack.base_url}/api/v1/echo", None),
            "read": (f"{stack.base_url}/api/v1/applications/{application_id}",
                     {"Authorization": f"Bearer {applicant_token}"})}


def combined(parts):
    requests_ = sum(p["requests"] for p in parts)
    return {"requests": requests_, "errors": sum(p["errors"] for p in parts),
            "rps": sum(p["rps"] for p in parts) / len(parts),
            "p50_ms": sorted(p["p50_ms"] for p in parts)[len(parts) // 2],
            "p99_ms": max(p["p99_ms"] for p in parts)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    stacks = {}
    try:
        for level in LEVELS:
            stacks[level] = Stack(env={"ZC_LOG_LEVEL": level}).start()
        targets = {level: prepared(stack) for level, stack in stacks.items()}
        for level in LEVELS:   # warm-up
            for url, headers in targets[level].values():
                asyncio.run(closed_loop(url, args.clients, 1, headers=headers))
        runs = {(level, kind): [] for level in LEVELS for kind in ("echo", "read")}
        for _round in range(args.rounds):
            for level in LEVELS:
                for kind, (url, headers) in targets[level].items():
                    runs[level, kind].append(asyncio.run(closed_loop(url, args.clients, args.seconds, headers=headers)))
    finally:
        for stack in stacks.values():
            stack.stop()
    figures = {key: combined(parts) for key, parts in runs.items()}
    for level in LEVELS:
        show(f"echo, ZC_LOG_LEVEL={level}", figures[level, "echo"])
        show(f"GET /applications/{{id}}, {level}", figures[level, "read"])
        print(f"  GET ÷ echo throughput at {level}: "
              f"{figures[level, 'read']['rps'] / figures[level, 'echo']['rps']:.2f}", flush=True)
    print(f"INFO ÷ WARNING throughput: echo "
          f"{figures['INFO', 'echo']['rps'] / figures['WARNING', 'echo']['rps']:.2f}, GET /applications/{{id}} "
          f"{figures['INFO', 'read']['rps'] / figures['WARNING', 'read']['rps']:.2f}", flush=True)


if __name__ == "__main__":
    main()

"""Logged-in reads against a bare RPC echo through the same gateway: ``GET /me``
(the actor only) and an applicant's ``GET /applications/{id}`` (their page, reloaded:
kept by the gateway until something on it changes; put together from three RPCs when not).

    .venv/bin/python -m bench.me_vs_echo [--seconds 10] [--clients 1,50]
    ZC_ACTOR_CACHE_SECONDS=0 .venv/bin/python -m bench.me_vs_echo   # accounts asked on every request
    ZC_PAGE_CACHE_SECONDS=0 .venv/bin/python -m bench.me_vs_echo    # the page put together on every read

Starts its own copy of the system (tests.stack; it inherits this environment),
logs the bootstrap admin and a fresh applicant in, and prints throughput and p99
for each, each as a ratio of the echo floor, and where each request's CPU went
(milliseconds per request, per process).
"""
import argparse
import asyncio
import os

import requests

from bench.common import closed_loop, show, start_stack
from bench.cpu import cpu_delta, cpu_snapshot, per_request
from tests.client import ApiClient
from tests.stack import ADMIN_PASSWORD


def applicant_with_application(stack, admin_token):
    """An applicant's token and one of their applications (a draft)."""
    from tests.integration.accounts_helpers import register_unit
    from tests.integration.test_documents_attachments import make_committee, new_applicant, new_application
    api = ApiClient(stack.base_url)
    person = new_applicant(api)
    application = new_application(api, make_committee(api, admin_token), register_unit(api), person)
    return person["token"], application["id"]


def measured(stack, url, clients, seconds, headers=None):
    before = cpu_snapshot(stack)
    figures = asyncio.run(closed_loop(url, clients, seconds, headers=headers))
    figures["cpu_ms"] = per_request(cpu_delta(before, cpu_snapshot(stack))[0], figures["requests"])
    return figures


def show_cpu(figures):
    print("  CPU ms per request: " + ", ".join(f"{name} {ms:.2f}" for name, ms in figures["cpu_ms"].items()
                                               if ms >= 0.05), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="1,50")
    args = parser.parse_args()
    print(f"ZC_ACTOR_CACHE_SECONDS={os.environ.get('ZC_ACTOR_CACHE_SECONDS', '(default 60)')}  "
          f"ZC_PAGE_CACHE_SECONDS={os.environ.get('ZC_PAGE_CACHE_SECONDS', '(default 15)')}", flush=True)
    stack = start_stack()
    try:
        token = requests.post(f"{stack.base_url}/api/v1/auth/login",
                              json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        applicant_token, application_id = applicant_with_application(stack, token)
        applicant = {"Authorization": f"Bearer {applicant_token}"}
        reads = [("GET /me", f"{stack.base_url}/api/v1/me", auth),
                 ("GET /applications/{id}", f"{stack.base_url}/api/v1/applications/{application_id}", applicant)]
        for clients in [int(c) for c in args.clients.split(",")]:
            asyncio.run(closed_loop(f"{stack.base_url}/api/v1/echo", clients, 2))  # warm-up
            echo = measured(stack, f"{stack.base_url}/api/v1/echo", clients, args.seconds)
            show(f"echo (1 RPC), {clients} clients", echo)
            show_cpu(echo)
            for label, url, headers in reads:
                figures = measured(stack, url, clients, args.seconds, headers)
                show(f"{label}, {clients} clients", figures)
                show_cpu(figures)
                print(f"  {label} ÷ echo throughput: {figures['rps'] / echo['rps']:.2f}   "
                      f"p99 ratio: {figures['p99_ms'] / echo['p99_ms']:.2f}", flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

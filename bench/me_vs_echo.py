"""Authenticated ``GET /api/v1/me`` against a bare RPC echo through the same gateway.

    .venv/bin/python -m bench.me_vs_echo [--seconds 10] [--clients 1,50]

Starts its own copy of the system (tests.stack), logs the bootstrap admin in, and
prints throughput and p99 for each, and /me as a ratio of the echo floor.
"""
import argparse
import asyncio

import requests

from bench.common import closed_loop, show, start_stack
from tests.stack import ADMIN_PASSWORD


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="1,50")
    args = parser.parse_args()
    stack = start_stack()
    try:
        token = requests.post(f"{stack.base_url}/api/v1/auth/login",
                              json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        for clients in [int(c) for c in args.clients.split(",")]:
            asyncio.run(closed_loop(f"{stack.base_url}/api/v1/echo", clients, 2))  # warm-up
            echo = asyncio.run(closed_loop(f"{stack.base_url}/api/v1/echo", clients, args.seconds))
            me = asyncio.run(closed_loop(f"{stack.base_url}/api/v1/me", clients, args.seconds, headers=auth))
            show(f"echo (1 RPC), {clients} clients", echo)
            show(f"GET /me (1 RPC), {clients} clients", me)
            print(f"  /me ÷ echo throughput: {me['rps'] / echo['rps']:.2f}   "
                  f"p99 ratio: {me['p99_ms'] / echo['p99_ms']:.2f}", flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

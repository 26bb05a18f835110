"""What the metrics cost: the bare echo and an applicant's ``GET /applications/{id}``
(applications, review, documents behind it) on a copy with metrics off
(``ZC_GATEWAY_METRICS=0``, no ``ZC_METRICS_PORT``) against a copy with them on —
the gateway timing every request and RPC, every service process timing every
worker — and scraped meanwhile: the gateway's ``/metrics`` and every service's
endpoint once a second (fifteen times Prometheus' default rate: a pessimistic
load). Both copies run at once and are measured in alternation, round after round,
so a machine busy with other work weighs on both alike.

    .venv/bin/python -m bench.metrics_overhead [--seconds 3] [--rounds 4] [--clients 20]

Prints each copy's figures, the on ÷ off throughput ratio, how long one scrape of
the gateway's /metrics took (median), and the exec probe's latency:
``python -m deploy.probe`` as a pod runs it (a new interpreter each time) and the
health RPC round trip inside it.
"""
import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter

from bench.common import closed_loop, show
from bench.log_overhead import combined, prepared
from deploy.launcher import free_port_block
from deploy.probe import probe
from tests.stack import Stack
from zc_common.config import SERVICES
from zc_common.metrics import PORTS_PER_SERVICE

MODES = ("off", "on")
SCRAPE_EVERY = 1.0


class Scraper(threading.Thread):
    """Reads every metrics endpoint of the copy each SCRAPE_EVERY seconds."""

    def __init__(self, stack, base):
        super().__init__(daemon=True)
        self.urls = [f"{stack.base_url}/metrics"] + [
            f"http://127.0.0.1:{base + PORTS_PER_SERVICE * i}/metrics" for i in range(len(SERVICES))]
        self.gateway_ms = []
        self.failures = 0
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(SCRAPE_EVERY):
            for url in self.urls:
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        response.read()
                except OSError:
                    self.failures += 1
                    continue
                if url == self.urls[0]:
                    self.gateway_ms.append(1000 * (time.perf_counter() - started))


def merged(parts):
    """log_overhead's ``combined``, with the statuses that ``show`` lists for errors."""
    figures = combined(parts)
    figures["statuses"] = dict(sum((Counter(p.get("statuses", {})) for p in parts), Counter()))
    return figures


def probe_latency(stack, times=7):
    """Median milliseconds of the whole exec probe (interpreter start included) and of
    the health RPC round trip alone (connect, consumer count, call)."""
    env = {**stack.env, "PYTHONPATH": os.getcwd()}
    whole, inside = [], []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "deploy.probe", "applications"], env=env, check=True,
                       capture_output=True)
        whole.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        asyncio.run(probe("applications", 5, uri=stack.amqp_uri))
        inside.append(1000 * (time.perf_counter() - started))
    return statistics.median(whole), statistics.median(inside)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    base = free_port_block(size=PORTS_PER_SERVICE * len(SERVICES), start=12000, end=19000)
    settings = {"off": {"ZC_GATEWAY_METRICS": "0"},
                "on": {"ZC_GATEWAY_METRICS": "1", "ZC_METRICS_PORT": str(base)}}
    stacks, scraper = {}, None
    try:
        for mode in MODES:
            stacks[mode] = Stack(env=settings[mode]).start()
        targets = {mode: prepared(stack) for mode, stack in stacks.items()}
        for mode in MODES:   # warm-up
            for url, headers in targets[mode].values():
                asyncio.run(closed_loop(url, args.clients, 1, headers=headers))
        scraper = Scraper(stacks["on"], base)
        scraper.start()
        runs = {(mode, kind): [] for mode in MODES for kind in ("echo", "read")}
        for _round in range(args.rounds):
            for mode in MODES:
                for kind, (url, headers) in targets[mode].items():
                    runs[mode, kind].append(asyncio.run(closed_loop(url, args.clients, args.seconds, headers=headers)))
        probe_ms = probe_latency(stacks["on"])
    finally:
        if scraper is not None:
            scraper.done.set()
        for stack in stacks.values():
            stack.stop()
    figures = {key: merged(parts) for key, parts in runs.items()}
    for mode in MODES:
        show(f"echo, metrics {mode}", figures[mode, "echo"])
        show(f"GET /applications/{{id}}, metrics {mode}", figures[mode, "read"])
        print(f"  GET ÷ echo throughput, metrics {mode}: "
              f"{figures[mode, 'read']['rps'] / figures[mode, 'echo']['rps']:.2f}", flush=True)
    if any(f["errors"] for f in figures.values()):
        print("  (some requests failed — see the error counts: the ratios are not comparable; run again)", flush=True)
    print(f"metrics on ÷ off throughput: echo {figures['on', 'echo']['rps'] / figures['off', 'echo']['rps']:.2f}, "
          f"GET /applications/{{id}} {figures['on', 'read']['rps'] / figures['off', 'read']['rps']:.2f}", flush=True)
    if scraper.gateway_ms:
        print(f"gateway /metrics scrape: median {statistics.median(scraper.gateway_ms):.1f} ms over "
              f"{len(scraper.gateway_ms)} scrapes ({scraper.failures} failed scrapes of any endpoint)", flush=True)
    print(f"python -m deploy.probe applications: median {probe_ms[0]:.0f} ms (a new interpreter); "
          f"its connect + health RPC {probe_ms[1]:.0f} ms", flush=True)


if __name__ == "__main__":
    main()

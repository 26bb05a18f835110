"""Shared bits for benchmarks: a stack of one's own, and a closed-loop HTTP load."""
import asyncio
import statistics
import time

import aiohttp


def start_stack():
    """A whole running system in its own vhost / databases / data dir (as the tests use)."""
    from tests.stack import Stack
    return Stack().start()


async def closed_loop(url, clients, seconds, headers=None, method="GET", body=None):
    """``clients`` concurrent loops hitting ``url`` for ``seconds``; returns figures."""
    latencies, errors, statuses = [], 0, {}
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=clients + 5)
    async with aiohttp.ClientSession(connector=connector, headers=headers or {}) as session:
        async def one_client():
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with session.request(method, url, json=body) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                    if response.status >= 400:
                        errors += 1
                latencies.append(time.perf_counter() - started)
        began = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "statuses": statuses,
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def show(label, figures):
    failed = sorted((k, v) for k, v in figures.get("statuses", {}).items() if k >= 400)
    print(f"{label:<34} {figures['rps']:8.0f} req/s   p50 {figures['p50_ms']:6.1f} ms   "
          f"p99 {figures['p99_ms']:6.1f} ms   ({figures['requests']} requests, {figures['errors']} errors"
          + (f": {failed}" if failed else "")
          + ")",
          flush=True)

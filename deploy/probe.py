"""``python -m deploy.probe <service> [--timeout S] [--any] [--live]``: the exec
readiness and liveness probe of a Nameko service.

It calls the service's ``health`` RPC over the broker (``ZC_AMQP_URI``, as the
services read it) and exits 0 when the answer is ok, 1 with one line saying why
otherwise: the broker is unreachable, nobody consumes ``rpc-<service>`` (the
service is down), the answer did not come within the timeout, or the service
answered not ok (its database or object store, with the error).

Replicas share one queue, so any of them may take the call. A probe run inside a
pod must judge that pod: by default an answer counts only when it comes from an
instance on this host (``health`` answers ``<hostname>-<pid>``, and a pod's
hostname is its name); answers from other hosts are skipped and the call repeated
(RabbitMQ hands successive messages to the consumers in turn) until this host's
instance answers or the timeout ends — a hung instance next to healthy ones
therefore fails its own probe. ``--any`` accepts any instance (a probe run from
elsewhere, or a service-wide check). Locally every replica is on one host.

``--live`` asks for no checks (``health(deep=False)``): the instance takes and
answers RPCs. A liveness probe should not fail while only the database is down —
restarting every replica would not bring it back.
"""
import argparse
import asyncio
import socket
import sys
import time

import aio_pika

from gateway.rpc import RemoteError, RpcClient, ServiceTimeout, ServiceUnavailable
from zc_common.config import SERVICES, amqp_uri

DEFAULT_TIMEOUT = 5.0


class ProbeFailed(Exception):
    """One line saying why the service is not healthy."""


def on_this_host(instance, host=None):
    """``instance`` is ``<hostname>-<pid>`` (zc_common.health.instance_id)."""
    return instance.rsplit("-", 1)[0] == (host or socket.gethostname())


def summary(answer):
    """``database 1.2 ms, object_store 3.4 ms`` — or the failed checks with their errors."""
    checks = answer.get("checks") or {}
    failed = {name: c for name, c in checks.items() if not c.get("ok")}
    if failed:
        return "; ".join(f"{name}: {c.get('error', 'not ok')}" for name, c in failed.items())
    return ", ".join(f"{name} {c.get('ms', 0):g} ms" for name, c in checks.items()) or "answers"


async def consumers(client, service):
    channel = await client.connection.channel(publisher_confirms=False)
    try:
        queue = await channel.declare_queue(f"rpc-{service}", passive=True, timeout=2)
    except aio_pika.exceptions.ChannelClosed:   # NOT_FOUND: the service never started here
        raise ProbeFailed(f"service down: no queue rpc-{service} on the broker") from None
    finally:
        if not channel.is_closed:
            await channel.close()
    return queue.declaration_result.consumer_count


async def probe(service, timeout, any_instance=False, uri=None, deep=True):
    """The healthy answer, or ProbeFailed with the reason."""
    deadline = time.monotonic() + timeout
    client = RpcClient(uri or amqp_uri(), timeout=timeout)
    try:
        await asyncio.wait_for(client.start(), timeout)
    except (TimeoutError, OSError, aio_pika.exceptions.AMQPError) as exc:
        raise ProbeFailed(f"broker unreachable: {type(exc).__name__}: {exc}".strip(": ")) from None
    try:
        if await consumers(client, service) == 0:
            raise ProbeFailed(f"service down: no consumer on rpc-{service}")
        others = set()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                elsewhere = f" on this host (answered by {', '.join(sorted(others))})" if others else ""
                raise ProbeFailed(f"timeout: no answer from {service}{elsewhere} within {timeout:g} s")
            try:
                answer = await client.call(service, "health", deep=deep, timeout=left)
            except ServiceTimeout:
                raise ProbeFailed(f"timeout: no answer from {service} within {timeout:g} s") from None
            except ServiceUnavailable:
                raise ProbeFailed(f"service down: {service} unreachable over the broker") from None
            except RemoteError as exc:
                raise ProbeFailed(f"error: {service}.health raised {exc}") from None
            if any_instance or on_this_host(answer["instance"]):
                break
            others.add(answer["instance"])
    finally:
        await client.close()
    if not answer.get("ok"):
        raise ProbeFailed(f"not ok: {answer['instance']}: {summary(answer)}")
    return answer


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deploy.probe",
                                     description="Exit 0 when the service answers its health RPC ok.")
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds for the whole probe (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--any", action="store_true", dest="any_instance",
                        help="accept an answer from any instance, not only one on this host")
    parser.add_argument("--live", action="store_true",
                        help="no database or object store checks: only that the instance answers")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        answer = asyncio.run(probe(args.service, args.timeout, args.any_instance, deep=not args.live))
    except ProbeFailed as exc:
        print(f"{args.service}: {exc}", file=sys.stderr)
        return 1
    elapsed = (time.perf_counter() - started) * 1000
    print(f"{args.service}: ok ({answer['instance']}: {summary(answer)}; probe {elapsed:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

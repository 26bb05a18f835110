"""Does a second instance carry more load? Each service's typical call with 1, 2 and 3
instances, and the gateway with 1 and 2, in one run, against the bare echo.

    .venv/bin/python -m bench.scale_out [--seconds 5] [--clients 32] [--services review,documents]

Starts one copy of the system (tests.stack, PostgreSQL) with three replicas of every
service and two gateways (``ZC_REPLICAS``), then for each service stops or starts its
replicas through supervisord so that exactly N consume its RPC queue, and drives it
closed-loop straight over the broker (the gateway's own RPC client, ``--clients``
calls in flight), so the gateway is not what is measured:

  accounts      authenticate(token)            — an actor for a login token
  applications  get_application(actor, id)     — the applicant's read
  review        list_tasks(actor)              — a base unit's task page (申请书审核)
  documents     list_attachments(id)           — an application's scans
  payments      handle_callback(sandbox, …)    — a repeated, signed provider callback

Each service's ``ping`` (an RPC that does nothing) with the same N is its floor; the
gateway is measured over HTTP with ``GET /api/v1/echo`` (accounts' echo, all three
accounts replicas running), with one and with two gateway processes sharing the
port. The bench client runs on the same two cores: what it spends is printed too.
"""
import argparse
import asyncio
import base64
import itertools
import time

import aio_pika
import requests

from bench.callbacks import body_for, open_orders
from bench.common import closed_loop as http_loop
from bench.cpu import cpu_delta, cpu_snapshot
from bench.me_vs_echo import applicant_with_application
from deploy import processes
from gateway.rpc import RpcClient
from services.payments import signing
from tests.client import ApiClient, wait_for
from tests.integration.accounts_helpers import login
from tests.integration.payments_helpers import sandbox_secret
from tests.stack import ADMIN_PASSWORD, Stack

SERVICES = ("accounts", "applications", "review", "documents", "payments")
MOST = 3
GATEWAYS = 2


class Calls:
    """The typical call of each service, with what it needs made up front."""

    def __init__(self, stack, rpc):
        self.stack, self.rpc = stack, rpc

    async def prepare(self):
        stack = self.stack
        admin = requests.post(f"{stack.base_url}/api/v1/auth/login",
                              json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["token"]
        self.applicant_token, self.application_id = applicant_with_application(stack, admin)
        self.applicant = await self.rpc.accounts.authenticate(self.applicant_token)
        api = ApiClient(stack.base_url)
        application = api.get(f"/applications/{self.application_id}", token=self.applicant_token).json()
        unit_admin = _unit_admin(stack, application["unit"]["id"])
        self.reviewer = await self.rpc.accounts.authenticate(login(api, unit_admin)["token"])
        secret = sandbox_secret(stack)
        order_no = open_orders(stack, 1)[0]
        paid = body_for(order_no, "S" + order_no[-12:])
        # The first callback books the payment; the typical one after it is a repeat.
        await self.rpc.payments.handle_callback("sandbox", base64.b64encode(paid).decode(),
                                                signing.signed_headers(secret, paid))
        self.repeat = lambda: ("sandbox", base64.b64encode(paid).decode(), signing.signed_headers(secret, paid))

    def typical(self, service):
        rpc = self.rpc
        return {
            "accounts": lambda: rpc.accounts.authenticate(self.applicant_token),
            "applications": lambda: rpc.applications.get_application(self.applicant, self.application_id),
            "review": lambda: rpc.review.list_tasks(self.reviewer),
            "documents": lambda: rpc.documents.list_attachments(self.application_id),
            "payments": lambda: rpc.payments.handle_callback(*self.repeat()),
        }[service]

    def ping(self, service):
        return lambda: getattr(self.rpc, service).ping()


def _unit_admin(stack, unit_id):
    rows = stack.sql("accounts", "SELECT username FROM users WHERE org_id = %s AND role = 'unit_admin'", unit_id)
    return rows[0]["username"]


async def rpc_loop(call, clients, seconds):
    """``clients`` calls in flight for ``seconds``: calls per second and errors (by kind)."""
    done = errors = 0
    kinds = {}
    deadline = time.perf_counter() + seconds

    async def one():
        nonlocal done, errors
        while time.perf_counter() < deadline:
            try:
                await call()
            except Exception as exc:   # noqa: BLE001 — counted, shown; the bench goes on
                errors += 1
                kind = f"{type(exc).__name__}: {str(exc)[:80]}"
                kinds[kind] = kinds.get(kind, 0) + 1
            done += 1
    began = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(clients)))
    return {"requests": done, "errors": errors, "error_kinds": kinds, "rps": done / (time.perf_counter() - began)}


async def consumers(amqp_uri, queue_name):
    connection = await aio_pika.connect(amqp_uri)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, passive=True)
        return queue.declaration_result.consumer_count
    finally:
        await connection.close()


def set_instances(stack, name, count, most):
    """Exactly ``count`` of ``name``'s replicas running (supervisord's names
    ``zhicheng:<name>-<i>``); waits until the RPC queue has that many consumers."""
    control = processes.control(stack.data_dir).supervisor
    for index in range(most):
        process = f"{processes.GROUP}:{name}-{index}"
        state = control.getProcessInfo(process)["statename"]
        if index < count and state != "RUNNING":
            control.startProcess(process, True)
        elif index >= count and state == "RUNNING":
            control.stopProcess(process, True)
    if name != "gateway":
        wait_for(lambda: asyncio.run(consumers(stack.amqp_uri, f"rpc-{name}")) == count,
                 seconds=90, what=f"{count} consumers of rpc-{name}")
    else:
        wait_for(lambda: len(stack.pids_of("gateway")) == count, seconds=60, what=f"{count} gateways")
        time.sleep(1.0)   # a started gateway binds its port after its imports


def measured(stack, coroutine_factory):
    before = cpu_snapshot(stack)
    figures = asyncio.run(coroutine_factory())
    spent, _ = cpu_delta(before, cpu_snapshot(stack))
    figures["cpu"] = spent
    return figures


def cpu_line(figures, names):
    per = {name: 1000 * figures["cpu"].get(name, 0.0) / max(1, figures["requests"]) for name in names}
    return ", ".join(f"{name} {ms:.2f}" for name, ms in per.items())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--services", default=",".join(SERVICES))
    args = parser.parse_args()
    chosen = [name for name in args.services.split(",") if name]
    replicas = ",".join(f"{name}={MOST}" for name in SERVICES) + f",gateway={GATEWAYS}"
    started = time.perf_counter()
    stack = Stack(env={"ZC_REPLICAS": replicas}).start()
    print(f"copy with {replicas} started in {time.perf_counter() - started:.0f}s", flush=True)
    try:
        echo_url = f"{stack.base_url}/api/v1/echo"
        asyncio.run(http_loop(echo_url, args.clients, 2))   # warm-up
        floor = measured(stack, lambda: http_loop(echo_url, args.clients, args.seconds))
        print(f"echo through the gateway (2 gateways, 3 accounts), {args.clients} clients: "
              f"{floor['rps']:.0f} req/s — the floor the ratios below divide by", flush=True)
        rows = []

        prepared = {}

        async def prepare_calls():
            client = RpcClient(stack.amqp_uri, timeout=30)
            await client.start()
            try:
                prepared["calls"] = Calls(stack, client)
                await prepared["calls"].prepare()
            finally:
                await client.close()   # each asyncio.run has its loop: drive() opens its own client

        asyncio.run(prepare_calls())
        calls = prepared["calls"]

        async def drive(make_call):
            client = RpcClient(stack.amqp_uri, timeout=30)
            await client.start()
            calls.rpc = client
            try:
                await rpc_loop(make_call(), args.clients, 1.0)   # warm-up
                return await rpc_loop(make_call(), args.clients, args.seconds)
            finally:
                await client.close()

        for name in chosen:
            for count in range(1, MOST + 1):
                set_instances(stack, name, count, MOST)
                ping = measured(stack, lambda name=name: drive(lambda: calls.ping(name)))
                typical = measured(stack, lambda name=name: drive(lambda: calls.typical(name)))
                rows.append((name, count, ping, typical))
                print(f"{name:<13} ×{count}: ping {ping['rps']:6.0f}/s   typical {typical['rps']:6.0f}/s "
                      f"({typical['rps'] / floor['rps']:.2f}× echo; errors {typical['errors']})   "
                      f"CPU ms/call: {cpu_line(typical, (name, 'rabbitmq (shared)', 'bench client'))}", flush=True)
                for kind, count in {**ping["error_kinds"], **typical["error_kinds"]}.items():
                    print(f"    {count} × {kind}", flush=True)
            set_instances(stack, name, MOST, MOST)
        gateway_rows = []
        for count in range(1, GATEWAYS + 1):
            set_instances(stack, "gateway", count, GATEWAYS)
            asyncio.run(http_loop(echo_url, args.clients, 1))   # warm-up
            figures = measured(stack, lambda: http_loop(echo_url, args.clients, args.seconds))
            gateway_rows.append((count, figures))
            print(f"gateway       ×{count}: echo {figures['rps']:6.0f} req/s, p99 {figures['p99_ms']:.0f} ms   "
                  f"CPU ms/request: {cpu_line(figures, ('gateway', 'accounts', 'rabbitmq (shared)', 'bench client'))}",
                  flush=True)
        print_table(rows, gateway_rows, floor)
    finally:
        stack.stop()


def print_table(rows, gateway_rows, floor):
    print("\nthroughput by instances (calls/s; in brackets, the gain over one instance)")
    print(f"{'service':<13} {'call':<10} " + " ".join(f"{'×' + str(n):>16}" for n in range(1, MOST + 1)))
    for name, group in itertools.groupby(rows, key=lambda row: row[0]):
        group = list(group)
        for label, index in (("ping", 2), ("typical", 3)):
            first = group[0][index]["rps"]
            cells = [f"{row[index]['rps']:8.0f} ({row[index]['rps'] / first:4.2f}×)" for row in group]
            print(f"{name:<13} {label:<10} " + " ".join(f"{cell:>16}" for cell in cells))
    first = gateway_rows[0][1]["rps"]
    cells = [f"{figures['rps']:8.0f} ({figures['rps'] / first:4.2f}×)" for _, figures in gateway_rows]
    print(f"{'gateway':<13} {'echo':<10} " + " ".join(f"{cell:>16}" for cell in cells))
    print(f"(echo floor with every replica running: {floor['rps']:.0f} req/s)")


if __name__ == "__main__":
    main()

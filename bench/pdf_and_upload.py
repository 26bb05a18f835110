"""评审表 rendering against a cached download, and 2 MB uploads through the gateway.

    .venv/bin/python -m bench.pdf_and_upload [--renders 10] [--cached 20] [--uploads 20] [--concurrent 50]

Starts its own copy of the system (tests.stack), makes an applicant with a filled
application, then prints:
- the floor: a bare RPC echo through the same gateway and client (median of
  ``--echo`` calls), which the download and upload figures are divided by;
- 评审表: the first render (cold process), the steady-state render median (each
  download after a change to the attachment set, so the cache cannot answer), the
  cached download median, and render ÷ cached;
- 2 MB uploads: sequential p50, then ``--concurrent`` at once with the gateway
  process's RSS sampled throughout (growth = peak − before, and after − before);
- certificates: one approval of ``--certificates`` applications, time per
  certificate (render + store), then the holder's cached download median, and
  render ÷ cached.
"""
import argparse
import asyncio
import io
import os
import statistics
import threading
import time
from pathlib import Path

import aiohttp
from pypdf import PdfReader

from bench.common import start_stack
from gateway.rpc import RpcClient
from tests.client import ApiClient
from tests.integration.accounts_helpers import register_unit
from tests.integration.test_documents_attachments import make_committee, new_applicant, new_application, upload
from tests.unit.applications.helpers import answers
from tests.unit.documents import images

TWO_MB = 2 * 1024 * 1024


def two_megabyte_pdf():
    content = images.pdf("bench")
    return content + b"0" * (TWO_MB - len(content))


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssSampler(threading.Thread):
    def __init__(self, pid, every=0.01):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak, self.running = pid, every, rss_mib(pid), True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mib(self.pid))
            time.sleep(self.every)

    def stop(self):
        self.running = False
        self.join()
        return self.peak


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def echo_figure(api, count):
    """The floor: one RPC that does nothing, through the same gateway and client."""
    for _ in range(5):  # warm the connection
        api.get("/echo")
    seconds = []
    for _ in range(count):
        took, response = timed(lambda: api.get("/echo"))
        assert response.status_code == 200, response.text[:200]
        seconds.append(took)
    echo = statistics.median(seconds)
    print(f"echo (1 RPC), median            {1000 * echo:8.1f} ms   ({count} calls)", flush=True)
    return echo


def review_form_figures(api, app, args, echo):
    url = f"/applications/{app['id']}/review-form.pdf"
    first, response = timed(lambda: api.get(url, token=app["token"]))
    assert response.status_code == 200 and response.headers["X-Render-Cache"] == "miss", response.text[:200]
    renders, cached = [], []
    for n in range(args.renders):
        # A new attachment changes what the form shows: the next download must render.
        assert upload(api, app["id"], app["token"], images.png(8 + n, 8), section="basic_info").status_code == 201
        seconds, response = timed(lambda: api.get(url, token=app["token"]))
        assert response.headers["X-Render-Cache"] == "miss"
        renders.append(seconds)
    for _ in range(args.cached):
        seconds, response = timed(lambda: api.get(url, token=app["token"]))
        assert response.headers["X-Render-Cache"] == "hit"
        cached.append(seconds)
    pages = len(PdfReader(io.BytesIO(response.content)).pages)
    steady, hit = statistics.median(renders), statistics.median(cached)
    print(f"评审表 ({len(response.content) // 1024} KiB, {pages} pages)", flush=True)
    print(f"  first render (cold process)   {1000 * first:8.1f} ms")
    print(f"  steady-state render, median  {1000 * steady:8.1f} ms   ({args.renders} renders)")
    print(f"  cached download, median      {1000 * hit:8.1f} ms   ({args.cached} downloads)")
    print(f"  render ÷ cached              {steady / hit:8.1f} ×")
    print(f"  cached ÷ echo                {hit / echo:8.1f} ×", flush=True)


async def upload_async(session, base_url, app, content):
    form = aiohttp.FormData()
    form.add_field("section", "work_history")
    form.add_field("file", content, filename="bench.pdf", content_type="application/pdf")
    started = time.perf_counter()
    async with session.post(f"{base_url}/api/v1/applications/{app['id']}/attachments", data=form,
                            headers={"Authorization": f"Bearer {app['token']}"}) as response:
        await response.read()
        assert response.status == 201, response.status
    return time.perf_counter() - started


async def concurrent_uploads(base_url, app, content, count):
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=count + 5)) as session:
        return await asyncio.gather(*(upload_async(session, base_url, app, content) for _ in range(count)))


def upload_figures(stack, api, app, args, echo):
    content = two_megabyte_pdf()
    sequential = []
    for _ in range(args.uploads):
        seconds, response = timed(lambda: upload(api, app["id"], app["token"], content))
        assert response.status_code == 201, response.text[:200]
        sequential.append(seconds)
    [pid] = stack.pids_of("gateway")
    before = rss_mib(pid)
    sampler = RssSampler(pid)
    sampler.start()
    began = time.perf_counter()
    latencies = asyncio.run(concurrent_uploads(stack.base_url, app, content, args.concurrent))
    elapsed = time.perf_counter() - began
    peak = sampler.stop()
    time.sleep(1)
    after = rss_mib(pid)
    p50 = statistics.median(sequential)
    print(f"2 MB upload, sequential p50     {1000 * p50:8.1f} ms   ({args.uploads} uploads; "
          f"{p50 / echo:.1f} × echo)")
    print(f"{args.concurrent} concurrent 2 MB uploads     all done in {elapsed:.2f} s, "
          f"p50 {1000 * statistics.median(latencies):.0f} ms, max {1000 * max(latencies):.0f} ms")
    print(f"  gateway RSS: before {before:.1f} MiB, peak {peak:.1f} MiB (+{peak - before:.1f}), "
          f"after {after:.1f} MiB (+{after - before:.1f})", flush=True)


def certificate_figures(stack, api, app, args, echo):
    """Issue ``args.certificates`` certificates in one approval, as review does (the
    first for the bench's applicant): time per certificate; then that holder's
    downloads, all from the bucket."""
    count = args.certificates
    async def run():
        client = RpcClient(stack.amqp_uri, timeout=300)
        await client.start()
        try:
            before = (await client.documents.render_counts())["certificate"]
            approval = {
                "document_no": "新职称评〔2026〕99号", "approved_on": "2026-11-20", "year": 2026,
                "committee": {"id": "bench", "name": "自治区工程系列高级评审委员会", "region_code": "650000"},
                "applications": [{"application_id": f"bench-{n}-{app['id']}",
                                  "applicant_id": app["user_id"] if n == 0 else f"bench-{n}",
                                  "name": f"测试{n}", "title": "高级工程师", "level": "副高"} for n in range(count)]}
            started = time.perf_counter()
            issued = await client.documents.issue_certificates(approval)
            elapsed = time.perf_counter() - started
            renders = (await client.documents.render_counts())["certificate"] - before
            return elapsed, issued, renders
        finally:
            await client.close()
    elapsed, issued, renders = asyncio.run(run())
    each = elapsed / len(issued)
    print(f"certificates: {len(issued)} issued in one approval in {elapsed:.2f} s "
          f"({1000 * each:.0f} ms each, render + store; {renders} renders counted)", flush=True)
    url = f"/certificates/{issued[0]['no']}.pdf"
    cached = []
    for _ in range(args.cached):
        seconds, response = timed(lambda: api.get(url, token=app["token"]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), response.text[:200]
        cached.append(seconds)
    hit = statistics.median(cached)
    print(f"  cached download, median      {1000 * hit:8.1f} ms   ({args.cached} downloads, "
          f"{len(response.content) // 1024} KiB)")
    print(f"  render ÷ cached              {each / hit:8.1f} ×")
    print(f"  cached ÷ echo                {hit / echo:8.1f} ×", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--cached", type=int, default=20)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--certificates", type=int, default=10)
    parser.add_argument("--echo", type=int, default=50)
    args = parser.parse_args()
    # One applicant sends every concurrent upload: lift the per-user limit (default 2)
    # for this copy, so the figure is the gateway's memory under load, not 429s.
    os.environ.setdefault("ZC_UPLOADS_PER_USER", str(args.concurrent))
    stack = start_stack()
    try:
        api = ApiClient(stack.base_url)
        catalog = make_committee(api, api.admin_token())
        owner = new_applicant(api)
        application = new_application(api, catalog, register_unit(api), owner)
        for section in application["template"]["sections"]:
            api.put(f"/applications/{application['id']}/sections/{section['key']}", token=owner["token"],
                    json=answers(section["key"], application))
        app = {"id": application["id"], "token": owner["token"], "user_id": owner["id"]}
        print(f"(cpu count {os.cpu_count()}, load average {os.getloadavg()[0]:.1f})", flush=True)
        echo = echo_figure(api, args.echo)
        review_form_figures(api, app, args, echo)
        upload_figures(stack, api, app, args, echo)
        certificate_figures(stack, api, app, args, echo)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

"""A backup that restores: a running system is backed up mid-journey (one
application submitted and forwarded part way, another past formal review with its
fee order open, attachments in the bucket), then destroyed — processes stopped,
databases dropped, data dir and bucket gone. The backup goes into fresh PostgreSQL
databases and a fresh object store, the system starts on them, and the journey
finishes: the attachment downloads with the same sha256, the review continues
where it stopped, the fee is paid, the meeting, publicity and approval follow and
the certificates issue."""
import hashlib
import time
from datetime import timedelta

import pytest

from deploy import backup, launcher, restore
from tests.client import ApiClient, expect, wait_for
from tests.integration.payments_helpers import notice, send_signed
from tests.integration.test_review_setup import (
    build_world,
    new_application,
    submit,
    wait_status,
    wait_task,
)
from tests.stack import Stack
from zc_common.clock import now

FEE = 12345


class RestoredStack(Stack):
    """A whole system started on a backup instead of on empty databases."""

    def start_from(self, folder):
        made = self.vhost_ahead()   # while the databases are made and restored
        try:
            self.create_databases()
            self.restored = restore.restore(self.env, folder)
            launcher.migrate_all(self.env)
        finally:
            made.exception()
        self.vhost_made(made)
        self._log = open(self.log_path, "wb")
        self.process = launcher.start_processes(self.env, log_file=self._log)
        launcher.wait_healthy(self.base_url, self.process, wait=120)
        return self


def forward(api, token, app, opinion="同意"):
    wait_task(api, token, app["id"])
    expect(api.post(f"/review/applications/{app['id']}/forward", token=token, json={"opinion": opinion}), 200)


def fee_of(api, app):
    def ready():
        response = api.get(f"/applications/{app['id']}/fee", token=app["token"])
        return response.json() if response.status_code == 200 else None
    return wait_for(ready, what="the fee order")


def pay(api, stack, app):
    """The provider's signed callback for the application's fee order."""
    [order] = stack.sql("payments", "SELECT * FROM fee_orders WHERE application_id = %s", app["id"])
    response, _, _ = send_signed(api, stack, notice(order))
    assert response.status_code == 200, response.text
    wait_status(api, app, "ready_for_meeting")


def attachment_digests(api, app):
    listed = expect(api.get(f"/applications/{app['id']}/attachments", token=app["token"]), 200)
    digests = {}
    for item in listed:
        content = expect(api.get(f"/applications/{app['id']}/attachments/{item['id']}", token=app["token"]), 200)
        digests[item["id"]] = hashlib.sha256(content).hexdigest()
    return digests


@pytest.fixture
def systems():
    made = []
    yield made
    for stack in made:
        stack.stop()


@pytest.mark.timeout(900)   # two whole systems start, one after the other
def test_backup_mid_journey_restores_into_fresh_stores_and_the_journey_finishes(systems, tmp_path):
    original = Stack()
    systems.append(original)
    original.start()
    api = ApiClient(original.base_url)
    world = build_world(api, api.admin_token(), fee_fen=FEE)
    committee = world.staff[world.committee["id"]][0]

    # Past formal review, its fee order open; and one at the middle department.
    paid = new_application(api, world, name="备份甲")
    submit(api, paid)
    forward(api, world.unit_token, paid, "同意推荐")
    for org in (world.middle, world.top):
        forward(api, world.staff[org["id"]][0], paid)
    forward(api, committee, paid, "形式审核通过")
    wait_status(api, paid, "formal_review_passed")
    fee = fee_of(api, paid)
    assert fee["status"] == "unpaid" and fee["amount_fen"] == FEE
    halfway = new_application(api, world, name="备份乙")
    submit(api, halfway)
    forward(api, world.unit_token, halfway, "同意推荐")
    wait_task(api, world.staff[world.middle["id"]][0], halfway["id"])
    digests = attachment_digests(api, halfway)
    assert digests

    clock = time.monotonic()
    folder, manifest = backup.take(original.env, tmp_path / "backups")
    took = time.monotonic() - clock
    assert manifest["paused"] is True
    assert all(p["kind"] == "postgresql" and p["alembic_head"] for p in manifest["databases"].values())
    assert len(manifest["bucket"]["objects"]) >= len(digests)
    print(f"\n{backup.summary(folder, manifest)}\n  backup took {took:.2f}s")
    # The system goes on working after the pause.
    expect(api.get("/health"), 200)

    # Destroyed: processes, databases, data dir with the object store's volumes.
    original.stop()
    systems.remove(original)
    assert not original.data_dir.exists()

    restored = RestoredStack()
    systems.append(restored)
    clock = time.monotonic()
    restored.start_from(folder)
    print(f"  restore {restored.restored}; restored system healthy after {time.monotonic() - clock:.1f}s")
    api = ApiClient(restored.base_url)

    # Every attachment, byte for byte; the sessions and the review where they were.
    assert attachment_digests(api, halfway) == digests
    assert expect(api.get(f"/applications/{paid['id']}/fee", token=paid["token"]), 200)["order_no"] == fee["order_no"]
    forward(api, world.staff[world.middle["id"]][0], halfway)
    forward(api, world.staff[world.top["id"]][0], halfway)
    forward(api, committee, halfway, "形式审核通过")
    wait_status(api, halfway, "formal_review_passed")
    fee_of(api, halfway)
    for app in (paid, halfway):
        pay(api, restored, app)

    # Meeting, publicity (a short window: the committee allows 0 days), approval.
    results = [{"application_id": a["id"], "experts_present": 7, "votes_for": 7, "votes_against": 0,
                "votes_abstain": 0} for a in (paid, halfway)]
    meeting = expect(api.post("/committee/meetings", token=committee, json={
        "year": now().year, "held_on": now().date().isoformat(), "results": results}), 201)
    start = now()
    expect(api.post(f"/committee/meetings/{meeting['id']}/publicity", token=committee, json={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(seconds=2)).isoformat()}), 201)
    wait_for(lambda: now() > start + timedelta(seconds=2), seconds=10, what="the end of the publicity")
    approval = expect(api.post(f"/committee/meetings/{meeting['id']}/approval", token=committee,
                               json={"document_no": "新职改字〔2026〕备1号"}), 201)
    assert sorted(approval["approved"]) == sorted([paid["id"], halfway["id"]]) and approval["certificates_issued"]
    for app in (paid, halfway):
        wait_status(api, app, "approved")
        [certificate] = expect(api.get("/certificates", token=app["token"]), 200)
        assert expect(api.get(f"/certificates/{certificate['no']}.pdf", token=app["token"]), 200)[:4] == b"%PDF"

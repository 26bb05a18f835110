"""Slow uploads against the real stack: four applicants trickling a byte every two
seconds must not hold up a normal applicant's 1 MB scan, they are cut off with 408
soon after the grace period (``ZC_UPLOAD_RATE_GRACE`` is short in the test stack),
and one user cannot have more than ``ZC_UPLOADS_PER_USER`` uploads in flight."""
import select
import socket
import threading
import time

from tests.client import expect
from tests.integration.accounts_helpers import register_unit
from tests.integration.test_documents_attachments import (
    _bucket_and_rows,
    make_committee,
    new_applicant,
    new_application,
    upload,
)
from tests.unit.documents import images

BOUNDARY = "zcslow"
TRICKLE_EVERY = 2.0
GIVE_UP_AFTER = 25.0  # the test's own bound: a server that never cuts them off fails it


class SlowUpload(threading.Thread):
    """A client that announces a 1 MB upload and then sends a byte every 2 s."""

    def __init__(self, stack, application_id, token):
        super().__init__(daemon=True)
        self.stack, self.application_id, self.token = stack, application_id, token
        self.answer, self.elapsed = b"", None
        self.connected = threading.Event()

    def run(self):
        prelude = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"section\"\r\n\r\nwork_history\r\n"
                   f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.pdf\"\r\n"
                   "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode()
        length = len(prelude) + 1024 * 1024
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.stack.port), timeout=5) as sock:
            sock.sendall((f"POST /api/v1/applications/{self.application_id}/attachments HTTP/1.1\r\n"
                          f"Host: 127.0.0.1:{self.stack.port}\r\nAuthorization: Bearer {self.token}\r\n"
                          f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                          f"Content-Length: {length}\r\nConnection: close\r\n\r\n").encode() + prelude)
            self.connected.set()
            while time.monotonic() - started < GIVE_UP_AFTER:
                readable, _, _ = select.select([sock], [], [], TRICKLE_EVERY)
                if readable:
                    self.answer = sock.recv(65536)
                    break
                try:
                    sock.sendall(b"0")
                except OSError:
                    break
        self.elapsed = time.monotonic() - started

    @property
    def status(self):
        return int(self.answer.split(b" ", 2)[1]) if self.answer.startswith(b"HTTP/1.1 ") else None


def test_slow_uploads_neither_block_others_nor_hold_anything(api, stack, admin_token):
    catalog = make_committee(api, admin_token)
    unit = register_unit(api)
    people = [new_applicant(api) for _ in range(5)]
    applications = [new_application(api, catalog, unit, person) for person in people]
    slow = [SlowUpload(stack, application["id"], person["token"])
            for person, application in zip(people[:4], applications[:4])]
    for client in slow:
        client.start()
        assert client.connected.wait(5)
    time.sleep(1.0)  # they are past authentication and reading, a byte at a time

    normal, application = people[4], applications[4]
    scan = images.pdf("扫描件") + b"%" + b"0" * (1024 * 1024)
    started = time.monotonic()
    response = api.http.post(api.url(f"/applications/{application['id']}/attachments"),
                             headers={"Authorization": f"Bearer {normal['token']}"}, timeout=15,
                             data={"section": "work_history"}, files={"file": ("扫描件.pdf", scan, "application/pdf")})
    assert response.status_code == 201, response.text
    assert time.monotonic() - started < 8

    for client in slow:
        client.join(GIVE_UP_AFTER + 5)
        assert client.status == 408, client.answer[:300]
        assert b"upload_too_slow" in client.answer
        assert client.elapsed < 12  # cut off near the grace period, not left to trickle
    for application in applications[:4]:
        assert _bucket_and_rows(stack, application["id"]) == ([], [])


def test_one_user_has_at_most_two_uploads_in_flight(api, stack, admin_token):
    catalog = make_committee(api, admin_token)
    person = new_applicant(api)
    application = new_application(api, catalog, register_unit(api), person)
    slow = [SlowUpload(stack, application["id"], person["token"]) for _ in range(2)]
    for client in slow:
        client.start()
        assert client.connected.wait(5)
    time.sleep(1.0)
    response = upload(api, application["id"], person["token"], images.pdf())
    expect(response, 429, "too_many_uploads")
    assert int(response.headers["Retry-After"]) > 0
    for client in slow:
        client.join(GIVE_UP_AFTER + 5)
        assert client.status == 408, client.answer[:300]
    # Cut off, they hold nothing: the same user uploads at once.
    expect(upload(api, application["id"], person["token"], images.pdf()), 201)

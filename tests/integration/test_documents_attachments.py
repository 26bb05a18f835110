"""Attachments through the gateway, stored in the stack's real SeaweedFS."""
import hashlib
import io
import select
import socket
from datetime import timedelta

import pytest
from PIL import Image

from services.documents.storage import make_bucket
from tests.client import expect
from tests.integration.accounts_helpers import create_org, login, register_applicant, register_unit
from tests.unit.documents import images
from zc_common.clock import now

YEAR = 2026
SECTION = "work_history"


def bucket_of(stack):
    """The stack's bucket, reached with the stack's own credentials."""
    env = stack.env
    return make_bucket({"endpoint": env["ZC_S3_ENDPOINT"], "access_key": env["ZC_S3_ACCESS_KEY"],
                        "secret_key": env["ZC_S3_SECRET_KEY"], "bucket": env.get("ZC_S3_BUCKET", "zhicheng"),
                        "secure": False})


def make_committee(api, admin_token):
    """A committee with an open window, a receiving department and one qualification."""
    committee = create_org(api, admin_token, kind="committee", region_code="650100")
    department = create_org(api, admin_token, kind="department", region_code="650100")
    moment = now()
    expect(api.put(f"/admin/committees/{committee['id']}/settings", token=admin_token, json={
        "submit_opens_at": (moment - timedelta(days=10)).isoformat(),
        "submit_closes_at": (moment + timedelta(days=30)).isoformat(),
        "max_submissions": 3, "fee_fen": 0, "receiving_department_ids": [department["id"]]}), 200)
    qualification = expect(api.post("/admin/qualifications", token=admin_token, json={
        "region_code": "650100", "series": "卫生", "specialty": f"临床医学{committee['id'][:6]}",
        "level": "副高", "title": "副主任医师", "committee_id": committee["id"]}), 201)
    return {"committee": committee, "department": department, "qualification": qualification}


def new_applicant(api):
    person = register_applicant(api, name="阿依古丽")
    person["token"] = login(api, person["username"])["token"]
    person["id"] = expect(api.get("/me", token=person["token"]), 200)["id"]
    return person


def new_application(api, catalog, unit, person):
    return expect(api.post("/applications", token=person["token"], json={
        "qualification_id": catalog["qualification"]["id"], "unit_id": unit["unit_id"], "year": YEAR}), 201)


@pytest.fixture(scope="module")
def world(api, admin_token):
    catalog = make_committee(api, admin_token)
    unit = register_unit(api)
    owner = new_applicant(api)
    return {"catalog": catalog, "unit": unit, "owner": owner, "other": new_applicant(api),
            "application": new_application(api, catalog, unit, owner)}


def upload(api, application_id, token, content, name="scan.pdf", section=SECTION, declared="application/pdf"):
    return api.post(f"/applications/{application_id}/attachments", token=token,
                    data={"section": section}, files={"file": (name, content, declared)})


def download(api, application_id, attachment_id, token, **params):
    return api.get(f"/applications/{application_id}/attachments/{attachment_id}", token=token, params=params)


def test_files_round_trip_byte_for_byte_through_the_object_store(api, stack, world):
    app_id, token = world["application"]["id"], world["owner"]["token"]
    bucket = bucket_of(stack)
    for content, name, declared, kind in [
        (images.pdf("学历证书"), "学历证书.pdf", "application/pdf", "application/pdf"),
        (images.jpeg(300, 200), "职称证.jpg", "image/jpeg", "image/jpeg"),
        (images.png(64, 64), "scan.png", "application/octet-stream", "image/png"),
    ]:
        receipt = expect(upload(api, app_id, token, content, name=name, declared=declared), 201)
        assert receipt["name"] == name and receipt["size"] == len(content)
        assert receipt["content_type"] == kind
        assert receipt["sha256"] == hashlib.sha256(content).hexdigest()
        assert receipt["stored_at"].endswith("+08:00")
        response = download(api, app_id, receipt["id"], token)
        assert response.status_code == 200 and response.content == content
        assert response.headers["Content-Type"].startswith(kind)
        stored = [k for k in bucket.keys(f"attachments/{app_id}/{receipt['id']}/")]
        assert len(stored) == 1 and bucket.get(stored[0]) == content
    listed = expect(api.get(f"/applications/{app_id}/attachments", token=token), 200)
    assert {a["name"] for a in listed} >= {"学历证书.pdf", "职称证.jpg", "scan.png"}
    application = expect(api.get(f"/applications/{app_id}", token=token), 200)
    assert {a["id"] for a in application["attachments"]} == {a["id"] for a in listed}


def _bucket_and_rows(stack, app_id):
    rows = stack.sql("documents", "SELECT id FROM attachments WHERE application_id = %s", app_id)
    return sorted(bucket_of(stack).keys(f"attachments/{app_id}/")), sorted(r["id"] for r in rows)


def test_refused_uploads_leave_no_object_and_no_row(api, stack, world):
    app_id, token = world["application"]["id"], world["owner"]["token"]
    before = _bucket_and_rows(stack, app_id)
    too_big = images.pdf() + b"0" * (2 * 1024 * 1024 + 10)
    expect(upload(api, app_id, token, too_big), 413, "file_too_large")
    expect(upload(api, app_id, token, b"%PDX just text, named like a pdf\n", name="论文.pdf"),
           415, "unsupported_file_type")
    expect(upload(api, app_id, token, images.pdf(), section="no_such_section"), 422, "unknown_section")
    expect(upload(api, app_id, world["other"]["token"], images.pdf()), 404, "not_found")
    expect(api.post(f"/applications/{app_id}/attachments", token=token, json={"section": SECTION}),
           400, "multipart_required")
    assert _bucket_and_rows(stack, app_id) == before


def test_an_oversized_stream_is_refused_before_it_ends(stack, world):
    """20 MB, chunked (no Content-Length): the gateway must answer 413 (or cut the
    connection) long before the body has been sent — it never reads it all."""
    app_id, token = world["application"]["id"], world["owner"]["token"]
    boundary = "zcboundary7e3"
    total, chunk = 20 * 1024 * 1024, b"0" * (64 * 1024)
    sock = socket.create_connection(("127.0.0.1", stack.port), timeout=10)
    sock.sendall((f"POST /api/v1/applications/{app_id}/attachments HTTP/1.1\r\n"
                  f"Host: 127.0.0.1:{stack.port}\r\nAuthorization: Bearer {token}\r\n"
                  f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                  "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode())

    def send_chunk(data):
        sock.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    send_chunk((f"--{boundary}\r\nContent-Disposition: form-data; name=\"section\"\r\n\r\n{SECTION}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
                "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode())
    sent, answer, cut = 0, b"", False
    try:
        while sent < total:
            send_chunk(chunk)
            sent += len(chunk)
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                answer = sock.recv(65536)
                break
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        cut = True
    if not answer:
        try:
            answer = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            cut = True
    sock.close()
    assert sent < total
    assert cut or answer.startswith(b"HTTP/1.1 413"), answer[:200]
    if answer:
        assert b"file_too_large" in answer


def test_only_the_owner_reads_and_nobody_else_learns_the_file_exists(api, world, admin_token):
    app_id, token = world["application"]["id"], world["owner"]["token"]
    receipt = expect(upload(api, app_id, token, images.png()), 201)
    expect(download(api, app_id, receipt["id"], world["other"]["token"]), 404, "not_found")
    expect(api.get(f"/applications/{app_id}/attachments", token=world["other"]["token"]), 404)
    expect(api.get(f"/applications/{app_id}/review-form.pdf", token=world["other"]["token"]), 404)
    # The base unit has not been reached yet (nothing submitted).
    unit_token = login(api, world["unit"]["username"])["token"]
    expect(download(api, app_id, receipt["id"], unit_token), 404)
    expect(download(api, app_id, receipt["id"], None), 401, "not_logged_in")
    expect(download(api, app_id, "no-such-file", token), 404)


def test_a_rotated_photo_is_kept_as_sent_and_shown_upright(api, world):
    app_id, token = world["application"]["id"], world["owner"]["token"]
    original = images.jpeg(width=120, height=60, orientation=6)
    receipt = expect(upload(api, app_id, token, original, name="照片.jpg", declared="image/jpeg"), 201)
    assert receipt["has_display_copy"] is True
    kept = download(api, app_id, receipt["id"], token)
    assert kept.content == original
    shown = download(api, app_id, receipt["id"], token, display="1")
    assert shown.status_code == 200 and shown.headers["Content-Type"].startswith("image/jpeg")
    with Image.open(io.BytesIO(shown.content)) as image:
        assert image.size == (60, 120)
        assert image.getexif().get(0x0112, 1) == 1


def test_replace_and_delete_in_draft(api, stack, world):
    app_id, token = world["application"]["id"], world["owner"]["token"]
    receipt = expect(upload(api, app_id, token, images.pdf("旧")), 201)
    new = images.png(32, 32)
    replaced = expect(api.put(f"/applications/{app_id}/attachments/{receipt['id']}", token=token,
                              files={"file": ("新.png", new, "image/png")}), 200)
    assert replaced["id"] == receipt["id"] and replaced["sha256"] == hashlib.sha256(new).hexdigest()
    assert download(api, app_id, receipt["id"], token).content == new
    assert len(bucket_of(stack).keys(f"attachments/{app_id}/{receipt['id']}/")) == 1
    expect(api.put(f"/applications/{app_id}/attachments/{receipt['id']}", token=token,
                   files={"file": ("x.pdf", b"not a pdf at all", "application/pdf")}), 415)
    assert download(api, app_id, receipt["id"], token).content == new
    expect(api.delete(f"/applications/{app_id}/attachments/{receipt['id']}",
                      token=world["other"]["token"]), 404)
    expect(api.delete(f"/applications/{app_id}/attachments/{receipt['id']}", token=token), 200)
    expect(download(api, app_id, receipt["id"], token), 404)
    assert bucket_of(stack).keys(f"attachments/{app_id}/{receipt['id']}/") == []

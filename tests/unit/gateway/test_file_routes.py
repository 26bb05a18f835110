"""File routes with a fake RPC client and an in-memory object store: downloads
stream the object documents names, with its headers; uploads are staged in the
store and handed to documents by key; what documents refuses is answered as is."""
import asyncio

import pytest

from gateway import staging
from gateway.app import init_app
from gateway.objects import OBJECTS
from gateway.rpc import RemoteError, ServiceUnavailable
from tests.unit.gateway.memory_objects import MemoryObjects
from tests.unit.gateway.test_core import FakeRpc, raiser

APP = "a" * 32
ATT = "b" * 32
PDF = b"%PDF-1.4\n" + b"x" * 200_000


def user(token):
    return {"id": token, "role": "applicant"}


@pytest.fixture
async def files(aiohttp_client):
    store = MemoryObjects()
    store.objects["review-forms/a/k.pdf"] = PDF
    rpc = FakeRpc({
        ("accounts", "authenticate"): user,
        ("documents", "review_form_object"): lambda actor, app_id: {
            "key": "review-forms/a/k.pdf", "name": "评审表-测试表-ZC1.pdf", "content_type": "application/pdf",
            "cached": True},
        ("documents", "store_staged_attachment"): lambda actor, app_id, section, name, staged: {
            "id": staged["key"].split("/")[2], "name": name, "section": section, "size": staged["size"]},
    })
    app = init_app(rpc=rpc)
    app[OBJECTS] = store
    client = await aiohttp_client(app)
    client.rpc, client.store = rpc, store
    return client


def bearer(token="u1"):
    return {"Authorization": f"Bearer {token}"}


async def test_a_download_streams_the_named_object_with_its_name_and_etag(files):
    response = await files.get(f"/api/v1/applications/{APP}/review-form.pdf", headers=bearer())
    assert response.status == 200
    assert await response.read() == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Length"] == str(len(PDF))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;") and "filename*=UTF-8''%E8%AF%84%E5%AE%A1%E8%A1%A8" in disposition
    assert response.headers["X-Render-Cache"] == "hit"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    etag = response.headers["ETag"]
    again = await files.get(f"/api/v1/applications/{APP}/review-form.pdf",
                            headers={**bearer(), "If-None-Match": etag})
    assert again.status == 304 and await again.read() == b"" and again.headers["ETag"] == etag
    assert [c[1] for c in files.rpc.calls if c[0] == "documents"] == ["review_form_object"] * 2


async def test_an_object_gone_meanwhile_is_asked_for_once_more_then_503(files):
    keys = iter(["review-forms/a/old.pdf", "review-forms/a/k.pdf"])
    files.rpc.answers[("documents", "review_form_object")] = lambda *_: {
        "key": next(keys), "name": "f.pdf", "content_type": "application/pdf", "cached": False}
    response = await files.get(f"/api/v1/applications/{APP}/review-form.pdf", headers=bearer())
    assert response.status == 200 and await response.read() == PDF
    files.store.objects.clear()
    files.rpc.answers[("documents", "review_form_object")] = lambda *_: {
        "key": "review-forms/a/gone.pdf", "name": "f.pdf", "content_type": "application/pdf", "cached": True}
    response = await files.get(f"/api/v1/applications/{APP}/review-form.pdf", headers=bearer())
    assert response.status == 503 and (await response.json())["error"]["code"] == "file_unavailable"


def multipart(content, section="work_history"):
    return (b'--b\r\nContent-Disposition: form-data; name="section"\r\n\r\n' + section.encode()
            + b'\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n" + content + b"\r\n--b--\r\n")


async def upload(files, content, application_id=APP):
    return await files.post(f"/api/v1/applications/{application_id}/attachments", data=multipart(content),
                            headers={**bearer(), "Content-Type": "multipart/form-data; boundary=b"})


async def test_an_upload_is_staged_in_the_store_and_handed_to_documents_by_key(files):
    response = await upload(files, PDF)
    assert response.status == 201, await response.text()
    receipt = await response.json()
    [call] = [c for c in files.rpc.calls if c[1] == "store_staged_attachment"]
    actor, application_id, section, name, staged_file = call[2]
    assert application_id == APP and section == "work_history" and name == "scan.pdf"
    assert staged_file["size"] == len(PDF) and staged_file["key"].startswith(f"attachments/{APP}/{receipt['id']}/")
    assert files.store.objects[staged_file["key"]] == PDF


async def test_an_id_that_names_nothing_is_404_before_anything_is_stored(files):
    response = await upload(files, PDF, application_id="..x")
    assert response.status == 404
    response = await files.put(f"/api/v1/applications/{APP}/attachments/a.b", data=multipart(PDF),
                               headers={**bearer(), "Content-Type": "multipart/form-data; boundary=b"})
    assert response.status == 404
    assert list(files.store.objects) == ["review-forms/a/k.pdf"]


async def test_a_refusal_from_documents_is_answered_as_it_is(files):
    files.rpc.answers[("documents", "store_staged_attachment")] = raiser(RemoteError(
        "UnsupportedType", ["unsupported_file_type", "只能上传 JPEG、PNG 或 PDF 文件（按文件内容判断）", {}], "x"))
    response = await upload(files, b"plain text")
    assert response.status == 415 and (await response.json())["error"]["code"] == "unsupported_file_type"


async def test_when_documents_never_answers_it_is_asked_later_to_discard_the_object(files, monkeypatch):
    monkeypatch.setenv("ZC_RPC_TIMEOUT", "0.05")
    monkeypatch.setattr(staging, "DISCARD_MARGIN", 0.05)
    files.rpc.answers[("documents", "store_staged_attachment")] = raiser(ServiceUnavailable("documents"))
    discarded = []
    files.rpc.answers[("documents", "discard_staged_attachment")] = lambda key: discarded.append(key) or {}
    response = await upload(files, PDF)
    assert response.status == 503
    [staged_key] = [k for k in files.store.objects if k.startswith("attachments/")]
    for _ in range(50):
        if discarded:
            break
        await asyncio.sleep(0.02)
    assert discarded == [staged_key]  # documents decides: it removes the object unless a row holds it


async def test_a_file_documents_names_with_its_etag_is_kept_while_the_etag_holds(files):
    etag = files.store.etag("review-forms/a/k.pdf")
    source = {"key": "review-forms/a/k.pdf", "name": "f.pdf", "content_type": "application/pdf",
              "cached": True, "etag": etag.strip('"')}   # as the S3 client hands it out
    files.rpc.answers[("documents", "review_form_object")] = lambda *_: dict(source)
    url = f"/api/v1/applications/{APP}/review-form.pdf"
    for _ in range(3):
        response = await files.get(url, headers=bearer())
        assert response.status == 200 and await response.read() == PDF and response.headers["ETag"] == etag
    assert files.store.reads == ["review-forms/a/k.pdf"]  # once from the store, then from memory
    response = await files.get(url, headers={**bearer(), "If-None-Match": etag})
    assert response.status == 304 and files.store.reads == ["review-forms/a/k.pdf"]
    # The object is replaced: documents names the new ETag, and the new bytes are fetched.
    files.store.objects["review-forms/a/k.pdf"] = b"%PDF-1.4 new"
    source["etag"] = files.store.etag("review-forms/a/k.pdf").strip('"')
    response = await files.get(url, headers=bearer())
    assert await response.read() == b"%PDF-1.4 new" and len(files.store.reads) == 2
    assert files.rpc.calls.count(("documents", "review_form_object", ({"id": "u1", "role": "applicant"}, APP))) == 5

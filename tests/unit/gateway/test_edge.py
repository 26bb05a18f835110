"""The gateway's edge with a fake RPC client: hostile JSON, unstorable text and
broken multipart bodies are refused in API.md's shape before any service call,
and slow uploads neither block others nor hold anything for long."""
import asyncio
import time

import pytest

from gateway.app import init_app
from gateway.objects import OBJECTS
from gateway.rpc import RemoteError
from gateway.upload_limits import UploadSettings
from tests.unit.gateway.memory_objects import MemoryObjects
from tests.unit.gateway.test_core import FakeRpc, raiser
from zc_common.text import is_storable

SLOW = UploadSettings(at_once=1, per_owner=2, read_timeout=10, min_rate=1000, grace=3)


def answers():
    return {
        ("accounts", "authenticate"): lambda token: {"id": token, "role": "applicant"},
        ("accounts", "login"): {"token": "t"},
        ("applications", "save_section"): {"id": "a1"},
        ("accounts", "search_units"): [],
        ("documents", "store_staged_attachment"): lambda *args: {"id": "att", "name": args[3]},
    }


@pytest.fixture
async def edge(aiohttp_client):
    rpc = FakeRpc(answers())
    app = init_app(rpc=rpc, settings={"uploads": SLOW})
    app[OBJECTS] = MemoryObjects()
    client = await aiohttp_client(app)
    client.rpc = rpc
    return client


def bearer(user):
    return {"Authorization": f"Bearer {user}"}


async def error_of(response, status, code):
    assert response.status == status, await response.text()
    body = await response.json()
    assert body["error"]["code"] == code and body["error"]["message"], body
    return body["error"]


def non_auth_calls(rpc):
    return [c for c in rpc.calls if c[1] != "authenticate"]


async def test_deeply_nested_json_is_400_on_public_and_logged_in_routes(edge):
    nested = "[" * 2000 + "]" * 2000
    response = await edge.post("/api/v1/auth/login", data=nested, headers={"Content-Type": "application/json"})
    await error_of(response, 400, "json_too_deep")
    response = await edge.put("/api/v1/applications/a1/sections/basic_info", data='{"x": ' + nested + "}",
                              headers={**bearer("u1"), "Content-Type": "application/json"})
    await error_of(response, 400, "json_too_deep")
    assert non_auth_calls(edge.rpc) == []


async def test_a_json_body_over_the_limit_is_413(edge):
    big = '{"username": "' + "x" * (1024 * 1024 + 10) + '", "password": "p"}'
    response = await edge.post("/api/v1/auth/login", data=big, headers={"Content-Type": "application/json"})
    assert response.status == 413


async def test_a_json_body_that_never_finishes_is_408(edge, monkeypatch):
    from gateway import input_checks
    monkeypatch.setattr(input_checks, "BODY_READ_TIMEOUT", 0.5)

    async def dribble():
        yield b'{"username": "a", '
        await asyncio.sleep(5)
        yield b'"password": "p"}'
    started = time.monotonic()
    async with edge.post("/api/v1/auth/login", data=dribble(),
                         headers={"Content-Type": "application/json"}) as response:
        await error_of(response, 408, "body_too_slow")
    assert time.monotonic() - started < 3
    assert edge.rpc.calls == []


@pytest.mark.parametrize("body, field", [
    ('{"name": "\\udfff"}', "name"),
    ('{"rows": [{"a": "ok"}, {"a": "x\\u0000y"}]}', "rows[1].a"),
    ('{"note": "bell\\u0007"}', "note"),
    ('{"note": "back\\bspace"}', "note"),
])
async def test_unstorable_text_in_a_json_body_is_422_before_any_call(edge, body, field):
    response = await edge.put("/api/v1/applications/a1/sections/basic_info", data=body,
                              headers={**bearer("u1"), "Content-Type": "application/json"})
    assert (await error_of(response, 422, "invalid_text"))["field"] == field
    assert non_auth_calls(edge.rpc) == []


async def test_nul_in_login_query_and_path_is_422(edge):
    response = await edge.post("/api/v1/auth/login", json={"username": "admin\x00", "password": "p"})
    assert (await error_of(response, 422, "invalid_text"))["field"] == "username"
    response = await edge.get("/api/v1/units?q=%00")
    assert (await error_of(response, 422, "invalid_text"))["field"] == "q"
    response = await edge.get("/api/v1/applications/a%00b", headers=bearer("u1"))
    assert (await error_of(response, 422, "invalid_text"))["field"] == "id"
    response = await edge.get("/a%00b")  # the frontend's fallback route
    assert response.status == 404
    assert edge.rpc.calls == []


def multipart(*parts, boundary="b"):
    return b"".join(f"--{boundary}\r\n".encode() + part for part in parts) + f"--{boundary}--\r\n".encode()


FILE_PART = b'Content-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 x\r\n'


@pytest.mark.parametrize("body, content_type", [
    (b"garbage without any boundary", "multipart/form-data; boundary=b"),
    (b"--b\r\n" + FILE_PART[:-2], "multipart/form-data; boundary=b"),             # never ends
    (multipart(b"NoColonHeader\r\n\r\nx\r\n", FILE_PART), "multipart/form-data; boundary=b"),
    (multipart(b'Content-Disposition: form-data; name="x"\r\nContent-Type: multipart/mixed; boundary=c\r\n'
               b"\r\n--c--\r\n", FILE_PART), "multipart/form-data; boundary=b"),  # nested multipart
    (multipart(FILE_PART), "multipart/form-data; boundary="),                    # empty boundary
    (multipart(FILE_PART), "multipart/form-data"),                               # no boundary
])
async def test_a_malformed_multipart_body_is_400(edge, body, content_type):
    response = await edge.post("/api/v1/applications/a1/attachments", data=body,
                               headers={**bearer("u1"), "Content-Type": content_type})
    await error_of(response, 400, "malformed_multipart")
    assert non_auth_calls(edge.rpc) == []


async def test_unstorable_text_in_a_form_field_is_422(edge):
    body = multipart(b'Content-Disposition: form-data; name="section"\r\n\r\nwork\x00\r\n', FILE_PART)
    response = await edge.post("/api/v1/applications/a1/attachments", data=body,
                               headers={**bearer("u1"), "Content-Type": "multipart/form-data; boundary=b"})
    assert (await error_of(response, 422, "invalid_text"))["field"] == "section"


async def test_a_429_carries_retry_after_also_from_a_service(aiohttp_client):
    rpc = FakeRpc({("accounts", "login"): raiser(RemoteError(
        "TooManyAttempts", ["too_many_attempts", "请稍后再试", {"retry_after": "120"}], "x"))})
    client = await aiohttp_client(init_app(rpc=rpc))
    response = await client.post("/api/v1/auth/login", json={"username": "a", "password": "p"})
    assert response.status == 429 and response.headers["Retry-After"] == "120"


async def test_a_lone_surrogate_already_stored_still_loads(aiohttp_client):
    rpc = FakeRpc({("accounts", "authenticate"): {"id": "u1", "role": "applicant"},
                   ("applications", "list_applications"): [{"id": "a1", "name": "bad \udfff"}]})
    client = await aiohttp_client(init_app(rpc=rpc))
    response = await client.get("/api/v1/applications", headers=bearer("u1"))
    assert response.status == 200
    assert (await response.json())[0]["name"] == "bad \udfff"


# -- slow uploads ------------------------------------------------------------------------------------

PRELUDE = (b'--b\r\nContent-Disposition: form-data; name="section"\r\n\r\nwork_history\r\n'
           b'--b\r\nContent-Disposition: form-data; name="file"; filename="slow.pdf"\r\n\r\n%PDF-1.4\n')


async def trickle(every=0.3, count=100):
    """A body that sends a byte every ``every`` seconds: far below any sane rate."""
    yield PRELUDE
    for _ in range(count):
        await asyncio.sleep(every)
        yield b"0"


async def slow_upload(client, user):
    started = time.monotonic()
    async with client.post("/api/v1/applications/a1/attachments", data=trickle(),
                           headers={**bearer(user), "Content-Type": "multipart/form-data; boundary=b"}) as resp:
        return resp.status, await resp.json(), time.monotonic() - started


async def fast_upload(client, user, size=1024 * 1024):
    body = (PRELUDE + b"0" * size + b"\r\n--b--\r\n")
    return await client.post("/api/v1/applications/a1/attachments", data=body,
                             headers={**bearer(user), "Content-Type": "multipart/form-data; boundary=b"})


async def test_slow_uploads_hold_no_slot_and_are_cut_off(edge):
    # One slot only (SLOW.at_once): under the old rule the first slow client held it.
    slow = [asyncio.create_task(slow_upload(edge, f"slow{n}")) for n in range(4)]
    await asyncio.sleep(0.4)
    started = time.monotonic()
    response = await fast_upload(edge, "normal")
    assert response.status == 201, await response.text()
    assert time.monotonic() - started < 2.0
    assert not any(task.done() for task in slow)  # they were still trickling meanwhile
    for status, body, elapsed in await asyncio.gather(*slow):
        assert status == 408 and body["error"]["code"] == "upload_too_slow"
        assert elapsed < SLOW.grace + 2  # cut soon after the grace period, not after the trickle
    stored = [c for c in edge.rpc.calls if c[1] == "store_staged_attachment"]
    assert len(stored) == 1


async def test_too_many_uploads_of_one_user_is_429_with_retry_after(edge):
    slow = [asyncio.create_task(slow_upload(edge, "greedy")) for _ in range(SLOW.per_owner)]
    await asyncio.sleep(0.4)
    response = await fast_upload(edge, "greedy", size=10)
    error = await error_of(response, 429, "too_many_uploads")
    assert int(response.headers["Retry-After"]) > 0 and error["retry_after"]
    response = await fast_upload(edge, "someone_else", size=10)  # the limit is per user
    assert response.status == 201
    await asyncio.gather(*slow)
    response = await fast_upload(edge, "greedy", size=10)  # cut off: the turns are free again
    assert response.status == 201


async def test_a_token_header_that_is_not_utf8_is_401_without_a_call(edge):
    reader, writer = await asyncio.open_connection("127.0.0.1", edge.server.port)
    writer.write(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xed\xbf\xbf\xff\r\n"
                 b"Connection: close\r\n\r\n")
    answer = await reader.read()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 401") and b"not_logged_in" in answer, answer[:300]
    assert edge.rpc.calls == []


async def test_a_forwarded_address_that_is_not_utf8_reaches_the_service_as_storable_text(edge):
    # The test client connects from loopback, a trusted proxy: its X-Forwarded-For is believed.
    body = b'{"username": "someone", "password": "p"}'
    reader, writer = await asyncio.open_connection("127.0.0.1", edge.server.port)
    writer.write(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"X-Forwarded-For: 10.0.0.1\xff\xfe\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                 % len(body) + body)
    answer = await reader.read()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    (_, _, args), = [c for c in edge.rpc.calls if c[1] == "login"]
    address = args[3]
    assert address.startswith("10.0.0.1") and is_storable(address)
    address.encode("utf-8")

"""Hostile and broken input against the real stack (gateway, services, PostgreSQL,
object store): each is a 4xx in API.md's shape, never a 500, and leaves every
record readable."""
import pytest

from tests.client import expect
from tests.integration.accounts_helpers import PASSWORD, fresh_address, register_unit
from tests.integration.test_documents_attachments import (
    _bucket_and_rows,
    make_committee,
    new_applicant,
    new_application,
    upload,
)
from tests.unit.documents import images

NESTED = "[" * 1000 + "]" * 1000  # ~2 KB


@pytest.fixture(scope="module")
def world(api, admin_token):
    catalog = make_committee(api, admin_token)
    unit = register_unit(api)
    owner = new_applicant(api)
    return {"unit": unit, "owner": owner, "application": new_application(api, catalog, unit, owner)}


def raw_json(text):
    return {"data": text.encode(), "headers": {"Content-Type": "application/json"}}


def test_deeply_nested_json_is_refused_on_public_and_logged_in_routes(api, world):
    expect(api.post("/auth/login", **raw_json(NESTED)), 400, "json_too_deep")
    expect(api.post("/register/applicant", **raw_json('{"name": ' + NESTED + "}")), 400, "json_too_deep")
    app_id, token = world["application"]["id"], world["owner"]["token"]
    expect(api.put(f"/applications/{app_id}/sections/basic_info", token=token,
                   **raw_json('{"name": ' + NESTED + "}")), 400, "json_too_deep")
    expect(api.post("/applications", token=token, **raw_json(NESTED)), 400, "json_too_deep")


def test_a_lone_surrogate_in_a_section_is_refused_and_the_record_still_loads(api, world):
    app_id, token = world["application"]["id"], world["owner"]["token"]
    error = expect(api.put(f"/applications/{app_id}/sections/basic_info", token=token,
                           **raw_json('{"name": "\\udfff"}')), 422, "invalid_text")
    assert error["error"]["field"] == "name"
    error = expect(api.put(f"/applications/{app_id}/sections/basic_info", token=token,
                           **raw_json('{"name": "张\\u0000三"}')), 422, "invalid_text")
    application = expect(api.get(f"/applications/{app_id}", token=token), 200)
    assert "\udfff" not in str(application["sections"]) and "\x00" not in str(application["sections"])
    assert any(a["id"] == app_id for a in expect(api.get("/applications", token=token), 200))
    form = api.get(f"/applications/{app_id}/review-form.pdf", token=token)
    assert form.status_code == 200 and form.content.startswith(b"%PDF")


def test_nul_in_names_usernames_searches_and_ids_is_a_4xx(api, world):
    from tests.integration.accounts_helpers import TERMS_VERSION, id_number, phone
    body = {"id_number": id_number(), "name": "张\x00三", "password": PASSWORD, "phone": phone(),
            "region_code": "650100", "terms_version": TERMS_VERSION}
    error = expect(api.post("/register/applicant", json=body, headers=fresh_address()), 422, "invalid_text")
    assert error["error"]["field"] == "name"
    expect(api.post("/auth/login", json={"username": "admin\x00", "password": "x"}, headers=fresh_address()),
           422, "invalid_text")
    expect(api.get("/units", params={"q": "医院\x00"}), 422, "invalid_text")
    token = world["owner"]["token"]
    response = api.get("/applications/abc%00def", token=token)
    assert response.status_code in (404, 422), response.text
    expect(api.get("/applications/%ff%fe-not-an-id", token=token), 404)
    expect(api.get(f"/applications/{world['application']['id']}/attachments/x%00y", token=token), 422,
           "invalid_text")


def test_a_malformed_multipart_body_is_400_and_stores_nothing(api, stack, world):
    app_id, token = world["application"]["id"], world["owner"]["token"]
    before = _bucket_and_rows(stack, app_id)
    url = f"/applications/{app_id}/attachments"
    header = {"Content-Type": "multipart/form-data; boundary=zc"}
    expect(api.post(url, token=token, data=b"no boundary anywhere in here", headers=header),
           400, "malformed_multipart")
    unfinished = (b'--zc\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
                  + images.pdf())
    expect(api.post(url, token=token, data=unfinished, headers=header), 400, "malformed_multipart")
    bad_header = b"--zc\r\nNoColonHere\r\n\r\nx\r\n--zc--\r\n"
    expect(api.post(url, token=token, data=bad_header, headers=header), 400, "malformed_multipart")
    assert _bucket_and_rows(stack, app_id) == before


def test_a_decompression_bomb_is_refused_and_nothing_is_stored(api, stack, world):
    app_id, token = world["application"]["id"], world["owner"]["token"]
    before = _bucket_and_rows(stack, app_id)
    bomb = images.png_bomb(20000, 20000)
    assert len(bomb) < 100 * 1024  # a few tens of KB that decode to 400 million pixels
    error = expect(upload(api, app_id, token, bomb, name="scan.png", declared="image/png"), 422, "image_too_large")
    assert error["error"]["field"] == "file"
    assert _bucket_and_rows(stack, app_id) == before
    expect(upload(api, app_id, token, images.png(), name="scan.png", declared="image/png"), 201)

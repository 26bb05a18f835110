"""账号申诉 through the gateway: the scan goes to the documents service as a private
file; a platform administrator reads it and decides; approval resets the password
and queues the message."""
import io

from PIL import Image

from tests.client import expect
from tests.integration.accounts_helpers import (
    credit_code,
    fresh_address,
    login,
    register_applicant,
    register_unit,
    unique,
)


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def submit(api, fields, content=None, filename="scan.png"):
    files = {"file": (filename, content if content is not None else png_bytes(), "image/png")}
    return api.post("/appeals", data=fields, files=files, headers=fresh_address())


def test_applicant_appeal_approved(api, admin_token, stack):
    person = register_applicant(api)
    new_phone = "13612345678"
    created = expect(submit(api, {"kind": "applicant", "id_number": person["id_number"], "name": person["name"],
                                  "phone": new_phone, "email": f"{unique('ap')}@example.cn"}), 201)
    listed = expect(api.get("/admin/appeals", params={"status": "pending"}, token=admin_token), 200)
    entry = next(a for a in listed if a["id"] == created["id"])
    assert entry["account"]["username"] == person["username"]
    scan = api.get(f"/admin/appeals/{created['id']}/scan", token=admin_token)
    assert scan.status_code == 200 and scan.content == png_bytes()
    assert scan.headers["Content-Type"].startswith("image/png")
    decided = expect(api.post(f"/admin/appeals/{created['id']}/decision", json={"approve": True, "note": "核实"},
                              token=admin_token), 200)
    assert decided["status"] == "approved"
    assert login(api, person["username"], decided["temporary_password"])["token"]
    stored = stack.sql("accounts", "select phone from users where id = %s", person["user_id"])
    assert stored[0]["phone"] == new_phone
    sent = stack.sql("accounts", "select body from notifications where recipient = %s", new_phone)
    assert any(decided["temporary_password"] in row["body"] for row in sent)
    expect(api.post(f"/admin/appeals/{created['id']}/decision", json={"approve": False, "note": "再次"},
                    token=admin_token), 409, "appeal_decided")
    log = expect(api.get("/admin/audit", params={"user": person["username"], "kind": "appeal_decided"},
                         token=admin_token), 200)
    assert log["total"] == 1


def test_unit_appeal_rejected_changes_nothing(api, admin_token, stack):
    unit = register_unit(api)
    created = expect(submit(api, {"kind": "unit", "credit_code": unit["credit_code"], "name": unit["name"],
                                  "phone": "13512345678"}), 201)
    expect(api.post(f"/admin/appeals/{created['id']}/decision", json={"approve": False},
                    token=admin_token), 422, "note_required")
    decided = expect(api.post(f"/admin/appeals/{created['id']}/decision",
                              json={"approve": False, "note": "营业执照不清晰"}, token=admin_token), 200)
    assert decided["status"] == "rejected"
    assert login(api, unit["username"])["token"]  # the old password still works


def test_appeal_refusals(api, admin_token, stack):
    person = register_applicant(api)
    before = stack.sql("accounts", "select count(*) as n from appeals")[0]["n"]
    base = {"kind": "applicant", "id_number": person["id_number"], "name": person["name"], "phone": "13612345678"}
    expect(submit(api, {**base, "id_number": "110105194912310021"}), 422, "invalid_id_number")
    expect(submit(api, {**base, "phone": "1"}), 422, "invalid_phone")
    expect(submit(api, {**base, "kind": "someone"}), 422, "invalid_field")
    expect(submit(api, {**base, "id_number": "11010519491231002X"}), 404, "no_matching_account")
    expect(submit(api, base, content=b"plain text, not a scan"), 415, "unsupported_file_type")
    expect(submit(api, base, content=b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 10)), 413, "file_too_large")
    expect(api.post("/appeals", json=base, headers=fresh_address()), 400, "multipart_required")
    after = stack.sql("accounts", "select count(*) as n from appeals")[0]["n"]
    assert after == before
    user_token = login(api, person["username"])["token"]
    expect(api.get("/admin/appeals", token=user_token), 403, "forbidden")
    expect(api.post("/admin/appeals/missing/decision", json={"approve": True}, token=admin_token),
           404, "appeal_not_found")


def credit_code_appeal(api, unit, fields, scan=True, **kwargs):
    """The multipart form, with or without the licence scan (the fields as form parts)."""
    parts = {name: (None, value) for name, value in fields.items()}
    if scan:
        parts["file"] = ("licence.png", png_bytes(), "image/png")
    return api.post(f"/units/{unit['unit_id']}/credit-code-appeals", token=unit["token"], files=parts, **kwargs)


def test_unit_changes_its_credit_code_through_an_appeal(api, admin_token, stack):
    """变更统一社会信用代码: asked by the unit with its licence, approved by the platform
    administrator; the old code goes into the unit's history, the unit is told."""
    unit = register_unit(api)
    unit["token"] = login(api, unit["username"])["token"]
    new = credit_code()
    asked = expect(credit_code_appeal(api, unit, {"credit_code": new, "reason": "营业执照换发，代码变更"}), 201)
    assert (asked["status"], asked["old_credit_code"], asked["has_scan"]) == ("pending", unit["credit_code"], True)
    entry = next(a for a in expect(api.get("/admin/appeals", params={"status": "pending"}, token=admin_token), 200)
                 if a["id"] == asked["id"])
    assert entry["kind"] == "credit_code" and entry["unit"]["id"] == unit["unit_id"] and entry["credit_code"] == new
    scan = api.get(f"/admin/appeals/{asked['id']}/scan", token=admin_token)
    assert scan.status_code == 200 and scan.content == png_bytes()
    decided = expect(api.post(f"/admin/appeals/{asked['id']}/decision", json={"approve": True, "note": "核实"},
                              token=admin_token), 200)
    assert decided["status"] == "approved"
    view = expect(api.get(f"/units/{unit['unit_id']}", token=unit["token"]), 200)
    assert view["credit_code"] == new
    assert [(h["old_code"], h["new_code"]) for h in view["credit_code_history"]] == [(unit["credit_code"], new)]
    assert view["credit_code_appeals"][0]["status"] == "approved"
    inbox = expect(api.get("/inbox", token=unit["token"]), 200)
    assert any(new in m["body"] for m in inbox["items"])
    # The old code is free again; the new one now belongs to this unit.
    expect(credit_code_appeal(api, unit, {"credit_code": new, "reason": "再改"}, scan=False), 422,
           "credit_code_unchanged")


def test_credit_code_appeal_refusals(api, admin_token, stack):
    unit = register_unit(api)
    unit["token"] = login(api, unit["username"])["token"]
    other = register_unit(api)
    other["token"] = login(api, other["username"])["token"]
    person = register_applicant(api)
    before = stack.sql("accounts", "select count(*) as n from appeals where kind = 'credit_code'")[0]["n"]
    code = credit_code()
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    expect(credit_code_appeal(api, unit, {"credit_code": bad, "reason": "变更"}, scan=False), 422,
           "invalid_credit_code")
    expect(credit_code_appeal(api, unit, {"credit_code": unit["credit_code"], "reason": "变更"}), 422,
           "credit_code_unchanged")
    taken = credit_code_appeal(api, unit, {"credit_code": other["credit_code"], "reason": "变更"}, scan=False,
                               headers={"Accept-Language": "ug-CN"})
    error = expect(taken, 409, "credit_code_taken")["error"]
    assert error["message"] == "بۇ بىرلىككە كەلگەن ئىجتىمائىي ئىناۋەت كودىنى باشقا ئورۇن ئىشلەتكەن"
    expect(credit_code_appeal(api, unit, {"credit_code": code, "reason": " "}), 422, "invalid_field")
    # not the unit's own: another unit 404, a person or the platform administrator 403
    expect(credit_code_appeal(api, {**unit, "token": other["token"]}, {"credit_code": code, "reason": "x"}), 404)
    expect(credit_code_appeal(api, {**unit, "token": login(api, person["username"])["token"]},
                              {"credit_code": code, "reason": "x"}), 403, "forbidden")
    expect(credit_code_appeal(api, {**unit, "token": admin_token}, {"credit_code": code, "reason": "x"}), 403)
    after = stack.sql("accounts", "select count(*) as n from appeals where kind = 'credit_code'")[0]["n"]
    assert after == before
    # rejected with a reason: the code stays, the unit sees why
    asked = expect(credit_code_appeal(api, unit, {"credit_code": code, "reason": "变更"}, scan=False), 201)
    expect(credit_code_appeal(api, unit, {"credit_code": credit_code(), "reason": "又一次"}), 409, "appeal_pending")
    expect(api.get(f"/admin/appeals/{asked['id']}/scan", token=admin_token), 404, "scan_not_found")
    expect(api.post(f"/admin/appeals/{asked['id']}/decision", json={"approve": False, "note": "请附营业执照"},
                    token=admin_token), 200)
    view = expect(api.get(f"/units/{unit['unit_id']}", token=unit["token"]), 200)
    assert view["credit_code"] == unit["credit_code"] and view["credit_code_history"] == []
    assert view["credit_code_appeals"][0]["note"] == "请附营业执照"

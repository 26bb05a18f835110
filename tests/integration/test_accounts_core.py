"""Accounts through the gateway: bootstrap admin, login/me/logout, registration,
organisations and staff, base-unit information."""
import uuid

from tests.client import expect
from tests.integration.accounts_helpers import (
    PASSWORD,
    TERMS_VERSION,
    create_org,
    credit_code,
    fresh_address,
    id_number,
    login,
    phone,
    register_applicant,
    register_unit,
    unique,
)
from tests.stack import ADMIN_PASSWORD


def test_bootstrap_admin_logs_in_and_sees_self(api):
    body = expect(api.post("/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}), 200)
    assert body["token"]
    assert body["user"]["role"] == "platform_admin"
    assert body["user"]["region_code"] == "650000"
    me = expect(api.get("/me", token=body["token"]), 200)
    assert me["username"] == "admin"
    assert me["impersonated_by"] is None

def test_me_requires_login(api):
    expect(api.get("/me"), 401, "not_logged_in")
    expect(api.get("/me", token="not-a-token"), 401, "not_logged_in")

def test_logout_revokes_the_token_at_once(api):
    token = api.admin_token()
    expect(api.get("/me", token=token), 200)
    expect(api.post("/auth/logout", token=token), 200)
    expect(api.get("/me", token=token), 401, "not_logged_in")

def test_wrong_password_is_bad_credentials(api):
    expect(api.post("/auth/login", json={"username": "admin", "password": "wrong-password-1"},
                    headers=fresh_address()), 401, "bad_credentials")
    expect(api.post("/auth/login", json={"username": "nobody-" + uuid.uuid4().hex[:6], "password": "x1234567"},
                    headers=fresh_address()), 401, "bad_credentials")


def test_login_region_entry_and_switch(api):
    person = register_applicant(api)
    body = login(api, person["username"], region_code="653100")
    assert body["user"]["region_code"] == "653100"
    token = body["token"]
    expect(api.post("/auth/switch-region", json={"region_code": "650000"}, token=token), 200)
    assert expect(api.get("/me", token=token), 200)["region_code"] == "650000"
    expect(api.post("/auth/switch-region", json={"region_code": "999999"}, token=token), 422, "unknown_region")
    assert expect(api.get("/me", token=token), 200)["region_code"] == "650000"
    response = api.post("/auth/login", json={"username": person["username"], "password": PASSWORD,
                                             "region_code": "110000"}, headers=fresh_address())
    expect(response, 422, "unknown_region")


def test_applicant_registration_and_login(api):
    person = register_applicant(api, email="Zhang.San@example.cn")
    assert person["username"] == person["id_number"]
    body = login(api, person["username"])
    assert body["user"]["role"] == "applicant"
    assert body["user"]["can_apply"] is True


def test_one_account_per_id_number(api, stack):
    person = register_applicant(api)
    again = {"id_number": person["id_number"].lower(), "name": "张三", "password": PASSWORD,
             "phone": phone(), "region_code": "650100", "terms_version": TERMS_VERSION}
    expect(api.post("/register/applicant", json=again, headers=fresh_address()), 409, "id_number_taken")
    count = stack.sql("accounts", "select count(*) as n from users where id_number = %s", person["id_number"])
    assert count[0]["n"] == 1


def test_applicant_registration_refusals_leave_nothing(api, stack):
    def attempt(**changes):
        body = {"id_number": id_number(), "name": "王小明", "password": PASSWORD, "phone": phone(),
                "region_code": "650100", "terms_version": TERMS_VERSION, **changes}
        return body, api.post("/register/applicant", json=body, headers=fresh_address())

    good = id_number()
    broken_check = good[:17] + ("0" if good[17] != "0" else "1")
    cases = [
        ({"id_number": broken_check}, "invalid_id_number", "id_number"),
        ({"id_number": "999999" + good[6:]}, "invalid_id_number", "id_number"),
        ({"id_number": id_number(born="20990101")}, "invalid_id_number", "id_number"),
        ({"id_number": id_number(born="19850230")}, "invalid_id_number", "id_number"),
        ({"id_number": "12345"}, "invalid_id_number", "id_number"),
        ({"phone": "12345678901"}, "invalid_phone", "phone"),
        ({"password": "short1"}, "weak_password", "password"),
        ({"password": "onlyletters"}, "weak_password", "password"),
        ({"password": "1234567890"}, "weak_password", "password"),
        ({"region_code": "650199"}, "unknown_region", "region_code"),
        ({"email": "not-an-email"}, "invalid_email", "email"),
    ]
    for changes, code, field in cases:
        body, response = attempt(**changes)
        error = expect(response, 422, code)["error"]
        assert error["field"] == field, (changes, error)
        left = stack.sql("accounts", "select count(*) as n from users where id_number = %s", body["id_number"])
        assert left[0]["n"] == 0, changes
    number = id_number()
    _, response = attempt(id_number=number, password=f"x{number}")
    expect(response, 422, "weak_password")
    expect(api.post("/register/applicant", json={"name": "缺字段"}), 422, "invalid_field")


def test_unit_registration_assigns_numeric_username(api, stack):
    unit = register_unit(api)
    assert len(unit["username"]) == 8 and unit["username"].isdigit()
    body = login(api, unit["username"])
    assert body["user"]["role"] == "unit_admin"
    assert body["user"]["org_id"] == unit["unit_id"]
    assert body["user"]["can_apply"] is False
    stored = stack.sql("accounts", "select kind, credit_code from organizations where id = %s", unit["unit_id"])
    assert stored == [{"kind": "unit", "credit_code": unit["credit_code"]}]


def test_unit_registration_refusals(api, stack):
    unit = register_unit(api, name=unique("克拉玛依石化医院"))
    before = stack.sql("accounts", "select count(*) as n from organizations where kind = 'unit'")[0]["n"]

    def attempt(**changes):
        body = {"name": unique("新单位"), "credit_code": credit_code(), "region_code": "650100",
                "password": PASSWORD, "contact_person": "赵六", "contact_phone": "13912345678",
                "address": "乌鲁木齐市", "terms_version": TERMS_VERSION, **changes}
        return api.post("/register/unit", json=body, headers=fresh_address())

    code = credit_code()
    wrong_check = code[:17] + ("0" if code[17] != "0" else "1")
    expect(attempt(credit_code=wrong_check), 422, "invalid_credit_code")
    expect(attempt(credit_code=code[:17] + "I"), 422, "invalid_credit_code")
    expect(attempt(credit_code="9165010"), 422, "invalid_credit_code")
    expect(attempt(credit_code=unit["credit_code"]), 409, "unit_exists")
    # Full-width letters and stray spaces do not make a different unit.
    width_folded = unit["name"][:4] + " " + unit["name"][4:].translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789abcdef"})
    expect(attempt(name=width_folded), 409, "unit_exists")
    expect(attempt(region_code="110000"), 422, "unknown_region")
    expect(attempt(contact_phone="12"), 422, "invalid_phone")
    expect(attempt(password="abc"), 422, "weak_password")
    after = stack.sql("accounts", "select count(*) as n from organizations where kind = 'unit'")[0]["n"]
    assert after == before


def test_registration_without_accepting_the_terms_is_refused(api, stack):
    """注册须知: accounts refuses a registration that does not name the current
    version, stores nothing, and keeps the version and time of an accepted one."""
    person = {"id_number": id_number(), "name": "王小明", "password": PASSWORD, "phone": phone(),
              "region_code": "650100"}
    unit = {"name": unique("未同意须知的单位"), "credit_code": credit_code(), "region_code": "650100",
            "password": PASSWORD, "contact_person": "赵六", "contact_phone": "13912345678", "address": "乌鲁木齐市"}
    for path, body in (("/register/applicant", person), ("/register/unit", unit)):
        error = expect(api.post(path, json=body, headers=fresh_address()), 422, "terms_not_accepted")["error"]
        assert error["field"] == "terms_version" and "注册须知" in error["message"]
        assert error["params"]["current"] == TERMS_VERSION
        old = expect(api.post(path, json={**body, "terms_version": "2020-01"}, headers=fresh_address()),
                     422, "terms_not_accepted")["error"]
        assert old["params"] == {"current": TERMS_VERSION, "reason": "outdated"}
        ug = expect(api.post(path, json=body, headers={**fresh_address(), "Accept-Language": "ug-CN"}),
                    422, "terms_not_accepted")["error"]
        assert ug["message"] == "تىزىملىتىش ئۇقتۇرۇشىنى ئوقۇپ قوشۇلغاندىن كېيىن ئاندىن تىزىملىتىڭ"
    assert stack.sql("accounts", "select count(*) as n from users where id_number = %s", person["id_number"]) == [
        {"n": 0}]
    assert stack.sql("accounts", "select count(*) as n from organizations where credit_code = %s",
                     unit["credit_code"]) == [{"n": 0}]

    accepted = register_applicant(api)
    stored = stack.sql("accounts", "select terms_version, terms_accepted_at from users where id = %s",
                       accepted["user_id"])[0]
    assert stored["terms_version"] == TERMS_VERSION and stored["terms_accepted_at"] is not None


def test_concurrent_unit_registrations_get_consecutive_numbers(stack):
    """单位编号 is a running number: registrations at the same moment each get their
    own, one after the other (the counter row is advanced under its lock)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from tests.client import ApiClient
    together = threading.Barrier(4)

    def register(_):
        client = ApiClient(stack.base_url)
        together.wait(timeout=30)
        return register_unit(client)

    with ThreadPoolExecutor(4) as pool:
        units = list(pool.map(register, range(4)))
    rows = stack.sql("accounts", "select code from organizations where id = any(%s)", [u["unit_id"] for u in units])
    numbers = sorted(int(row["code"].removeprefix("DWBH")) for row in rows)
    assert all(row["code"].startswith("DWBH") and len(row["code"]) == 12 for row in rows)
    assert numbers == list(range(numbers[0], numbers[0] + 4))


def test_organizations_staff_and_rpc_views(api, admin_token, stack):
    parent = create_org(api, admin_token)
    child = create_org(api, admin_token, region_code="650100", parent_id=parent["id"])
    assert child["parent_id"] == parent["id"]
    committee = create_org(api, admin_token, kind="committee")
    expect(api.post("/admin/organizations", json={**{"kind": "committee", "name": unique("委"),
           "region_code": "650000", "contact": {"person": "甲", "phone": "0991-7654321"}},
           "parent_id": parent["id"]}, token=admin_token), 422, "invalid_field")
    expect(api.post("/admin/organizations", json={"kind": "department", "name": unique("部"), "region_code": "650000",
           "contact": {"person": "甲", "phone": "0991-7654321"}, "parent_id": "nope"}, token=admin_token),
           422, "unknown_parent")
    expect(api.post("/admin/organizations", json={"kind": "unit", "name": "x", "region_code": "650000",
           "contact": {"person": "甲", "phone": "0991-7654321"}}, token=admin_token), 422, "invalid_field")

    staff_name = unique("staff_")
    created = expect(api.post(f"/admin/organizations/{committee['id']}/staff", json={
        "username": staff_name, "password": PASSWORD, "name": "评委会秘书", "phone": phone()},
        token=admin_token), 201)
    assert created["username"] == staff_name
    body = login(api, staff_name)
    assert body["user"]["role"] == "committee_staff"
    assert body["user"]["org_id"] == committee["id"]
    expect(api.post(f"/admin/organizations/{committee['id']}/staff", json={
        "username": staff_name, "password": PASSWORD, "name": "重名", "phone": phone()},
        token=admin_token), 409, "username_taken")
    expect(api.post("/admin/organizations/nope/staff", json={
        "username": unique("s_"), "password": PASSWORD, "name": "某", "phone": phone()},
        token=admin_token), 404, "organization_not_found")
    # Only a platform administrator sets organisations up.
    expect(api.post("/admin/organizations", json={"kind": "department", "name": "x", "region_code": "650000",
           "contact": {"person": "甲", "phone": "0991-7654321"}}, token=body["token"]), 403, "forbidden")

    listed = expect(api.get("/admin/organizations?kind=committee", token=admin_token), 200)
    assert committee["id"] in {o["id"] for o in listed}
    assert all(o["kind"] == "committee" for o in listed)
    departments = expect(api.get("/departments?region_code=650100"), 200)
    assert child["id"] in {d["id"] for d in departments} and parent["id"] not in {d["id"] for d in departments}
    directory = expect(api.get("/public/committees"), 200)
    entry = next(c for c in directory if c["id"] == committee["id"])
    assert entry["contact_person"] == "王五" and entry["phone"] == "0991-7654321"
    regions = expect(api.get("/regions"), 200)
    assert len(regions) == 15 and regions[0]["short_name"] == "自治区本级"


def test_unit_information_and_recommending_units(api, admin_token, stack):
    unit = register_unit(api)
    token = login(api, unit["username"])["token"]
    info = expect(api.get(f"/units/{unit['unit_id']}", token=token), 200)
    assert info["complete"] is False
    assert "legal_person" in info["missing"] and "recommending_unit_ids" in info["missing"]
    first, second, third = (create_org(api, admin_token) for _ in range(3))
    committee = create_org(api, admin_token, kind="committee")
    path = f"/units/{unit['unit_id']}"
    expect(api.put(path, json={"recommending_unit_ids": [first["id"], second["id"], third["id"]]}, token=token),
           422, "too_many_recommending_units")
    expect(api.put(path, json={"recommending_unit_ids": [committee["id"]]}, token=token),
           422, "unknown_recommending_unit")
    expect(api.put(path, json={"recommending_unit_ids": ["missing"]}, token=token), 422, "unknown_recommending_unit")
    expect(api.put(path, json={"contact_phone": "abc"}, token=token), 422, "invalid_phone")
    stored = stack.sql("accounts", "select recommending_unit_ids, contact_phone from organizations where id = %s",
                       unit["unit_id"])[0]
    assert stored["recommending_unit_ids"] == [] and stored["contact_phone"] == "0991-1234567"
    done = expect(api.put(path, json={"legal_person": "孙七", "recommending_unit_ids": [first["id"]]},
                          token=token), 200)
    assert done["complete"] is True
    assert done["recommending_units"][0]["id"] == first["id"]
    # Someone else's unit is not there for you.
    other = register_unit(api)
    expect(api.put(f"/units/{other['unit_id']}", json={"legal_person": "x"}, token=token), 404, "unit_not_found")
    expect(api.get(f"/units/{other['unit_id']}", token=token), 404, "unit_not_found")
    applicant = register_applicant(api)
    applicant_token = login(api, applicant["username"])["token"]
    expect(api.put(path, json={"legal_person": "x"}, token=applicant_token), 403, "forbidden")
    found = expect(api.get("/units", params={"q": unit["name"][-8:]}), 200)
    assert [u["id"] for u in found] == [unit["unit_id"]]

"""Staff of a department or committee through the gateway: the administrator's
list, who may see it, and 停用/启用 (a disabled account cannot log in and its
token stops working at once)."""
from tests.client import expect
from tests.integration.accounts_helpers import PASSWORD, create_org, fresh_address, login, phone, unique


def add_staff(api, admin_token, org_id, name="科员"):
    username = unique("staff_")
    created = expect(api.post(f"/admin/organizations/{org_id}/staff", json={
        "username": username, "password": PASSWORD, "name": name, "phone": phone()}, token=admin_token), 201)
    return created


def test_list_shows_created_staff_in_order(api, admin_token):
    org = create_org(api, admin_token)
    assert expect(api.get(f"/admin/organizations/{org['id']}/staff", token=admin_token), 200) == []
    first = add_staff(api, admin_token, org["id"], "甲")
    second = add_staff(api, admin_token, org["id"], "乙")
    listed = expect(api.get(f"/admin/organizations/{org['id']}/staff", token=admin_token), 200)
    assert [s["user_id"] for s in listed] == [first["user_id"], second["user_id"]]
    assert [s["username"] for s in listed] == [first["username"], second["username"]]
    assert listed[0]["name"] == "甲" and listed[0]["role"] == "department_staff"
    assert listed[0]["disabled"] is False and listed[0]["created_at"] and listed[0]["phone"].startswith("139")


def test_committee_staff_have_committee_role(api, admin_token):
    committee = create_org(api, admin_token, kind="committee")
    add_staff(api, admin_token, committee["id"])
    listed = expect(api.get(f"/admin/organizations/{committee['id']}/staff", token=admin_token), 200)
    assert [s["role"] for s in listed] == ["committee_staff"]


def test_department_staff_is_forbidden(api, admin_token):
    org = create_org(api, admin_token)
    created = add_staff(api, admin_token, org["id"])
    token = login(api, created["username"])["token"]
    expect(api.get(f"/admin/organizations/{org['id']}/staff", token=token), 403)
    expect(api.put(f"/admin/organizations/{org['id']}/staff/{created['user_id']}", json={"disabled": True},
                   token=token), 403)
    expect(api.get(f"/admin/organizations/{org['id']}/staff"), 401, "not_logged_in")
    listed = expect(api.get(f"/admin/organizations/{org['id']}/staff", token=admin_token), 200)
    assert listed[0]["disabled"] is False


def test_unknown_organisation_or_staff_is_404(api, admin_token):
    expect(api.get("/admin/organizations/nope/staff", token=admin_token), 404, "organization_not_found")
    expect(api.put("/admin/organizations/nope/staff/nobody", json={"disabled": True}, token=admin_token),
           404, "organization_not_found")
    org = create_org(api, admin_token)
    other = create_org(api, admin_token)
    created = add_staff(api, admin_token, other["id"])
    expect(api.put(f"/admin/organizations/{org['id']}/staff/{created['user_id']}", json={"disabled": True},
                   token=admin_token), 404, "user_not_found")
    assert expect(api.get(f"/admin/organizations/{other['id']}/staff", token=admin_token), 200)[0]["disabled"] is False


def test_bad_body_is_422(api, admin_token):
    org = create_org(api, admin_token)
    created = add_staff(api, admin_token, org["id"])
    path = f"/admin/organizations/{org['id']}/staff/{created['user_id']}"
    response = api.put(path, json={"disabled": "perhaps"}, token=admin_token)
    assert response.status_code == 422
    response = api.put(path, json={}, token=admin_token)
    assert response.status_code == 422
    assert expect(api.get(f"/admin/organizations/{org['id']}/staff", token=admin_token), 200)[0]["disabled"] is False


def test_disable_refuses_login_and_revokes_token_then_enable(api, admin_token):
    org = create_org(api, admin_token)
    created = add_staff(api, admin_token, org["id"])
    token = login(api, created["username"])["token"]
    expect(api.get("/me", token=token), 200)
    path = f"/admin/organizations/{org['id']}/staff/{created['user_id']}"
    changed = expect(api.put(path, json={"disabled": True}, token=admin_token), 200)
    assert changed["disabled"] is True and changed["user_id"] == created["user_id"]
    expect(api.get("/me", token=token), 401, "not_logged_in")
    expect(api.post("/auth/login", json={"username": created["username"], "password": PASSWORD},
                    headers=fresh_address()), 401, "bad_credentials")
    assert expect(api.get(f"/admin/organizations/{org['id']}/staff", token=admin_token), 200)[0]["disabled"] is True
    audit = expect(api.get("/admin/audit", params={"user": created["username"], "kind": "staff_disabled"},
                           token=admin_token), 200)
    assert audit["total"] == 1 and audit["items"][0]["detail"]["organization_id"] == org["id"]

    assert expect(api.put(path, json={"disabled": False}, token=admin_token), 200)["disabled"] is False
    again = login(api, created["username"])["token"]
    assert expect(api.get("/me", token=again), 200)["username"] == created["username"]
    expect(api.get("/me", token=token), 401, "not_logged_in")  # the old session stays revoked
    audit = expect(api.get("/admin/audit", params={"user": created["username"], "kind": "staff_enabled"},
                           token=admin_token), 200)
    assert audit["total"] == 1

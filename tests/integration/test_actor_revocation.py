"""Two gateways on one system, each caching actors (gateway/actors.py): what one of
them ends or changes reaches the other at once through accounts' broadcast events —
logout, disabling a staff account, a password change, a region switch."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploy import launcher
from tests.client import ApiClient, expect, wait_for
from tests.integration.accounts_helpers import PASSWORD, create_org, login, phone, register_applicant, unique

ROOT = Path(__file__).resolve().parents[2]
REVOKED_WITHIN = 2.0  # seconds: what "at once" must mean across gateways


@pytest.fixture(scope="module")
def gateway_b(stack):
    """A second gateway process against the same broker vhost, databases and secret."""
    port = launcher.free_port_block(size=1, start=61000, end=65500)
    env = {**stack.env, "ZC_PORT": str(port), "PYTHONPATH": str(ROOT)}
    log = open(stack.data_dir / "gateway-b.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "gateway.app"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        launcher.wait_healthy(f"http://127.0.0.1:{port}", process, wait=60)
        yield ApiClient(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if os.environ.get("ZC_KEEP_TEST_DATA"):
            print((stack.data_dir / "gateway-b.log").read_text(errors="replace")[-3000:])


def me(gateway, token):
    return gateway.get("/me", token=token)


def refused_on(gateway, token):
    return wait_for(lambda: me(gateway, token).status_code == 401, seconds=REVOKED_WITHIN, every=0.05,
                    what="the revoked token to be refused")


def test_logout_on_one_gateway_is_refused_on_the_other(api, gateway_b):
    person = register_applicant(api)
    token = login(api, person["username"])["token"]
    for _ in range(2):  # both gateways now hold the actor
        assert expect(me(api, token), 200)["id"] == person["user_id"]
        assert expect(me(gateway_b, token), 200)["id"] == person["user_id"]
    expect(api.post("/auth/logout", token=token), 200)
    expect(me(api, token), 401, "not_logged_in")
    refused_on(gateway_b, token)
    expect(me(gateway_b, token), 401, "not_logged_in")


def test_disabled_staff_is_refused_on_both_gateways(api, gateway_b, admin_token):
    org = create_org(api, admin_token)
    username = unique("staff_")
    staff = expect(api.post(f"/admin/organizations/{org['id']}/staff", json={
        "username": username, "password": PASSWORD, "name": "科员", "phone": phone()}, token=admin_token), 201)
    token = login(api, username)["token"]
    expect(me(api, token), 200)
    expect(me(gateway_b, token), 200)
    # disabled through gateway B this time: gateway A learns it from the event
    expect(gateway_b.put(f"/admin/organizations/{org['id']}/staff/{staff['user_id']}", json={"disabled": True},
                         token=admin_token), 200)
    expect(me(gateway_b, token), 401)
    refused_on(api, token)


def test_password_change_ends_the_other_sessions_on_both_gateways(api, gateway_b):
    person = register_applicant(api)
    changer = login(api, person["username"])["token"]
    other = login(api, person["username"])["token"]
    for gateway in (api, gateway_b):
        expect(me(gateway, changer), 200)
        expect(me(gateway, other), 200)
    expect(api.post("/me/password", json={"old_password": PASSWORD, "new_password": "Brand-new-Pass9"},
                    token=changer), 200)
    expect(me(api, other), 401)
    refused_on(gateway_b, other)
    assert expect(me(gateway_b, changer), 200)["id"] == person["user_id"]  # the session that changed it lives


def test_region_switch_reaches_the_other_gateways_cached_actor(api, gateway_b):
    person = register_applicant(api)
    token = login(api, person["username"], region_code="650100")["token"]
    assert expect(me(gateway_b, token), 200)["region_code"] == "650100"
    expect(api.post("/auth/switch-region", json={"region_code": "650000"}, token=token), 200)
    assert expect(me(api, token), 200)["region_code"] == "650000"
    wait_for(lambda: me(gateway_b, token).json()["region_code"] == "650000", seconds=REVOKED_WITHIN, every=0.05,
             what="the switched region on the other gateway")

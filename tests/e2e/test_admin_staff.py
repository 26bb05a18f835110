"""The administrator sees who works in an organisation (机构与人员 → 人员) and
停用/启用 their accounts, at desktop and phone width."""
import re

from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.integration.accounts_helpers import PASSWORD, create_org, fresh_address, phone, unique
from tests.stack import ADMIN_PASSWORD


def test_admin_lists_adds_disables_and_enables_staff(new_page, web, api):
    admin = api.admin_token()
    org = create_org(api, admin, name=unique("自治区人社厅测试处"))
    first = unique("clerk_")
    expect_api(api.post(f"/admin/organizations/{org['id']}/staff", token=admin, json={
        "username": first, "password": PASSWORD, "name": "王科员", "phone": phone()}), 201)

    page = new_page()
    ui.login(page, web, "admin", ADMIN_PASSWORD)
    ui.goto(page, web, "/admin/organizations")
    row = page.locator(".el-table__row").filter(has_text=org["name"])
    row.locator("[data-test=show-staff]").click()
    drawer = page.locator("[data-test=staff-drawer]")
    expect(drawer).to_contain_text(org["name"])
    table = drawer.locator("[data-test=staff-table]")
    expect(table.locator(".staff-row")).to_have_count(1)
    expect(table).to_contain_text(first)
    expect(table).to_contain_text("王科员")
    expect(table.locator("[data-test=staff-status]")).to_have_text("正常")

    # Adding from the drawer refreshes the list.
    second = unique("clerk_")
    drawer.locator("[data-test=roster-add]").click()
    dialog = page.locator(".el-dialog").filter(has_text="添加工作人员")
    ui.field(dialog, "staff-username").fill(second)
    ui.field(dialog, "staff-name").fill("李科员")
    ui.field(dialog, "staff-phone").fill(phone())
    ui.field(dialog, "staff-password").fill(PASSWORD)
    dialog.locator("[data-test=staff-save]").click()
    ui.message(page, f"已添加工作人员 {second}")
    expect(table.locator(".staff-row")).to_have_count(2)
    expect(table.locator(".staff-row").nth(1)).to_contain_text(second)

    # 停用 asks first, then the account can no longer log in.
    first_row = table.locator(".staff-row").filter(has_text=first)
    first_row.locator("[data-test=staff-disable]").click()
    expect(page.locator(".el-message-box")).to_contain_text("无法登录")
    ui.confirm(page)
    ui.message(page, f"已停用 {first}")
    expect(first_row.locator("[data-test=staff-status]")).to_have_text("已停用")
    expect_api(api.post("/auth/login", json={"username": first, "password": PASSWORD},
                        headers=fresh_address()), 401, "bad_credentials")
    expect(page.locator(".el-message")).to_have_count(0, timeout=10000)   # toasts cover the drawer's title
    ui.snap(page, "admin-staff")

    # At phone width the drawer shows a card per person with the same buttons.
    phone_page = new_page(phone=True)
    ui.login(phone_page, web, "admin", ADMIN_PASSWORD)
    ui.goto(phone_page, web, "/admin/organizations")
    phone_page.locator(".el-table__row").filter(has_text=org["name"]).locator("[data-test=show-staff]").click()
    cards = phone_page.locator("[data-test=staff-drawer] .staff-row")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text=first).locator("[data-test=staff-enable]")).to_be_visible()
    expect(cards.filter(has_text=second).locator("[data-test=staff-disable]")).to_be_visible()

    first_row.locator("[data-test=staff-enable]").click()
    ui.confirm(page)
    ui.message(page, f"已启用 {first}")
    expect(first_row.locator("[data-test=staff-status]")).to_have_text("正常")
    expect_api(api.post("/auth/login", json={"username": first, "password": PASSWORD},
                        headers=fresh_address()), 200)
    listed = expect_api(api.get(f"/admin/organizations/{org['id']}/staff", token=admin), 200)
    assert [s["username"] for s in listed] == [first, second]
    assert not any(s["disabled"] for s in listed)
    expect(page).to_have_url(re.compile(r"/admin/organizations$"))

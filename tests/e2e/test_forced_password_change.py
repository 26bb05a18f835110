"""An appeal under another name: the administrator sees the warning and must
confirm; the temporary password it yields works once — the account holder is sent
to 修改密码 and can reach nothing else until choosing their own password."""
import re

from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.integration.accounts_helpers import fresh_address, register_applicant, unique
from tests.integration.test_accounts_appeals import png_bytes
from tests.stack import ADMIN_PASSWORD


def test_admin_confirms_a_name_mismatch_and_the_holder_must_change_the_password(new_page, web, api):
    person = register_applicant(api)
    claimed = unique("李")
    expect_api(api.post("/appeals", data={"kind": "applicant", "id_number": person["id_number"], "name": claimed,
                                          "phone": "13612345678"},
                        files={"file": ("id.png", png_bytes(), "image/png")}, headers=fresh_address()), 201)

    admin = new_page()
    ui.login(admin, web, "admin", ADMIN_PASSWORD)
    ui.goto(admin, web, "/admin/appeals")
    row = admin.locator(".el-table__row").filter(has_text=claimed)
    expect(row.locator("[data-test=name-mismatch]")).to_contain_text(person["name"])
    row.get_by_role("button", name="通过").click()
    warning = admin.locator(".el-message-box").filter(has_text="名称不一致")
    expect(warning).to_contain_text(claimed)
    warning.get_by_role("button", name="已核实，确认通过").click()
    admin.locator(".el-message-box").filter(has_text="通过申诉").get_by_role("button", name="确定").click()
    done = admin.locator(".el-message-box").filter(has_text="临时密码")
    expect(done).to_contain_text("须先修改密码")
    temporary = re.search(r"临时密码：([A-Za-z0-9]+)", done.inner_text()).group(1)

    page = new_page()
    ui.goto(page, web, "/login")
    page.get_by_label("用户名").fill(person["username"])
    page.get_by_label("密码").fill(temporary)
    page.locator("form").get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/password"))
    expect(page.locator("[data-test=password-forced]")).to_be_visible()
    ui.snap(page, "forced-password-change")
    # Nothing else is reachable meanwhile.
    ui.goto(page, web, "/my/applications")
    expect(page).to_have_url(re.compile(r"/password"))
    ui.field(page, "old-password").fill(temporary)
    ui.field(page, "new-password").fill("Own-choice-2026")
    ui.field(page, "confirm-password").fill("Own-choice-2026")
    page.locator("[data-test=change-password]").click()
    ui.message(page, "密码已修改")
    page.wait_for_url(re.compile(r"/my/applications"))
    expect(page.locator(".sidemenu")).to_contain_text("我的申请书")

    # Later the holder changes the phone: the current password is asked for.
    ui.goto(page, web, "/me")
    page.locator("[data-test=edit-contact]").click()
    dialog = page.locator(".el-dialog").filter(has_text="修改手机号或邮箱")
    ui.field(dialog, "contact-phone").fill("13900002222")
    ui.field(dialog, "contact-current-password").fill("Not-my-pass-1")
    dialog.locator("[data-test=save-contact]").click()
    expect(dialog).to_contain_text("当前密码不正确")
    ui.field(dialog, "contact-current-password").fill("Own-choice-2026")
    dialog.locator("[data-test=save-contact]").click()
    ui.message(page, "已修改")
    expect(page.locator(".kv")).to_contain_text("13900002222")

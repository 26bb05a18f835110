"""Public pages, refusals a user meets, an expired session, impersonation, and the
figures (bundle size, first load of the applicant's home)."""
import gzip
import json
import re
import time
from datetime import timedelta

from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.e2e.conftest import SHOTS
from tests.integration.accounts_helpers import (
    PASSWORD,
    create_org,
    login,
    register_applicant,
    register_unit,
    unique,
)
from tests.stack import ADMIN_PASSWORD
from zc_common.clock import now

REGION = "650100"


def closed_window_world(api):
    """A committee whose submission window has closed, its qualification, a unit and an applicant."""
    admin = api.admin_token()
    committee = create_org(api, admin, kind="committee", region_code=REGION)
    top = create_org(api, admin, kind="department", region_code=REGION)
    moment = now()
    expect_api(api.put(f"/admin/committees/{committee['id']}/settings", token=admin, json={
        "submit_opens_at": (moment - timedelta(days=30)).isoformat(),
        "submit_closes_at": (moment - timedelta(days=3)).isoformat(),
        "max_submissions": 2, "fee_fen": 0, "receiving_department_ids": [top["id"]]}), 200)
    specialty = unique("农学")
    expect_api(api.post("/admin/qualifications", token=admin, json={
        "region_code": REGION, "series": "农业系列", "specialty": specialty, "level": "中级",
        "title": "农艺师", "committee_id": committee["id"],
        "conditions": "一、具备大学本科学历，取得助理农艺师资格后从事本专业工作满4年。"}), 201)
    unit = register_unit(api, region_code=REGION)
    person = register_applicant(api, region_code=REGION, name="李红")
    return {"committee": committee, "specialty": specialty, "unit": unit, "person": person}


def test_public_pages_at_desktop_and_phone(new_page, web):
    page = new_page()
    ui.goto(page, web, "/")
    expect(page.get_by_role("heading", name="职称评审申报平台")).to_be_visible()
    expect(page.get_by_role("tab", name="评审委员会")).to_be_visible()
    ui.snap(page, "portal")
    page.get_by_role("tab", name="任职资格条件").click()
    ui.snap(page, "portal-qualifications")
    ui.goto(page, web, "/login")
    ui.snap(page, "login")
    ui.goto(page, web, "/recovery")
    ui.snap(page, "recovery")
    ui.goto(page, web, "/appeal")
    ui.snap(page, "appeal")
    ui.goto(page, web, "/verify?no=ZC-NOPE-1&name=张三")
    expect(page.locator("[data-test=verify-result]")).to_contain_text("未查到该证书")
    ui.goto(page, web, "/no/such/page")
    expect(page.get_by_text("页面不存在")).to_be_visible()


def test_server_refusals_are_shown_as_they_come(new_page, web, api):
    """A taken ID number: the server's own message, under the field."""
    taken = register_applicant(api, region_code=REGION)
    page = new_page()
    ui.goto(page, web, "/register/applicant")
    page.get_by_label("姓名").fill("王芳")
    page.get_by_label("身份证号").fill(taken["id_number"])
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.locator("[data-test=accept-terms]").click()
    page.get_by_role("button", name="注册").click()
    item = page.locator(".el-form-item").filter(has=page.get_by_label("身份证号"))
    expect(item.locator(".el-form-item__error")).to_contain_text("已注册")
    ui.snap(page, "register-refused")


def test_window_closed_is_refused_at_submit(new_page, web, api):
    world = closed_window_world(api)
    page = new_page()
    ui.login(page, web, world["person"]["username"], PASSWORD, "乌鲁木齐市")
    ui.goto(page, web, "/my/applications/new")
    ui.pick(page, "[data-test=q-series]", "农业系列")
    ui.pick(page, "[data-test=q-specialty]", world["specialty"])
    ui.pick(page, "[data-test=q-level]", "中级")
    expect(page.locator("[data-test=q-conditions]")).to_contain_text("取得助理农艺师资格后从事本专业工作满4年")
    # the whole name: the suite makes many 乌鲁木齐测试医院…, and the list shows the first 50
    ui.field(page, "unit-select").fill(world["unit"]["name"])
    page.locator(".el-select-dropdown__item:visible").filter(has_text=world["unit"]["name"]).first.click()
    page.get_by_role("button", name="创建申请书").click()
    page.wait_for_url(re.compile(r"/my/applications/[0-9a-f]+$"))
    expect(page.locator("[data-test=countdown]")).to_have_text(re.compile(r"提交已截止\d+天"))
    page.locator("[data-test=submit]").click()
    ui.message(page, "不在提交时间内")
    expect(page.locator("[data-test=status]")).to_have_text("申请人")  # the guides' name of a draft
    ui.snap(page, "applicant-window-closed")


def test_expired_session_returns_to_login_and_back(new_page, web):
    page = new_page()
    ui.login(page, web, "admin", ADMIN_PASSWORD)
    ui.goto(page, web, "/admin/qualifications")
    page.evaluate("sessionStorage.setItem('zc_token', 'expired-token')")
    ui.goto(page, web, "/admin/audit")
    page.wait_for_url(re.compile(r"/login\?.*expired=1"))
    expect(page.get_by_text("登录已过期")).to_be_visible()
    ui.login_here(page, "admin", ADMIN_PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/audit$"))
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    # events by name and details as label: value (it showed English codes and raw JSON)
    table = page.locator(".el-table__body")
    expect(table).to_contain_text("登录成功")
    expect(table).not_to_contain_text("login_success")
    expect(table).not_to_contain_text('{"')
    ui.snap(page, "admin-audit")


def test_impersonation_shows_an_unmistakable_banner(new_page, web, api):
    person = register_applicant(api, region_code=REGION, name="赵敏")
    page = new_page()
    ui.login(page, web, "admin", ADMIN_PASSWORD)
    ui.goto(page, web, "/admin/impersonate")
    ui.field(page, "impersonate-username").fill(person["username"])
    page.locator("[data-test=impersonate-go]").click()
    banner = page.locator("[data-test=impersonation-banner]")
    expect(banner).to_contain_text("模拟用户中")
    expect(banner).to_contain_text("赵敏")
    expect(page).to_have_url(re.compile(r"/my/applications$"))
    ui.snap(page, "impersonation")
    banner.get_by_role("button", name="结束模拟").click()
    expect(banner).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/admin/impersonate$"))


def test_figures_bundle_size_and_first_load(browser, web, api, frontend):
    """Bundle size (gzip) of what the first page loads and of everything; the time to
    the applicant's home (我的申请书, rendered) on a cold browser cache over loopback."""
    assets = list((frontend / "assets").iterdir())
    total = sum(len(gzip.compress(p.read_bytes(), 9)) for p in assets if p.suffix in (".js", ".css"))
    index = (frontend / "index.html").read_text()
    entry = re.findall(r'(?:src|href)="/assets/([^"]+)"', index)
    first = sum(len(gzip.compress((frontend / "assets" / name).read_bytes(), 9)) for name in entry)
    person = register_applicant(api, region_code=REGION)
    token = login(api, person["username"])["token"]
    user = expect_api(api.get("/me", token=token), 200)
    timings = []
    for _ in range(3):
        ctx = browser.new_context(locale="zh-CN")
        ctx.add_init_script(f"sessionStorage.setItem('zc_token', {json.dumps(token)});"
                            f"sessionStorage.setItem('zc_user', {json.dumps(json.dumps(user))});")
        page = ctx.new_page()
        started = time.monotonic()
        page.goto(web + "/my/applications")
        expect(page.get_by_text("您还没有申请书")).to_be_visible()
        timings.append(round((time.monotonic() - started) * 1000))
        ctx.close()
    figures = {"bundle_gzip_bytes_all": total, "bundle_gzip_bytes_first_page": first,
               "applicant_home_first_load_ms": timings}
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "figures.json").write_text(json.dumps(figures, indent=1))
    print(figures)
    assert first < total and min(timings) < 10000


def test_appeal_with_a_scan_then_admin_approves(new_page, web, api, tmp_path):
    from tests.unit.documents.images import png
    person = register_applicant(api, region_code=REGION, name="孙丽")
    scan = tmp_path / "身份证.png"
    scan.write_bytes(png(80, 50))
    page = new_page()
    ui.goto(page, web, "/recovery")
    page.get_by_role("tab", name="账号申诉").click()
    page.get_by_role("link", name="提交账号申诉").click()  # a link styled as a button: it navigates
    page.wait_for_url(re.compile(r"/appeal$"))
    page.get_by_label("姓名").fill("孙丽")
    page.get_by_label("身份证号").fill(person["id_number"])
    page.get_by_label("新手机号").fill("13800138000")
    # A file over 2 MB is said and dropped; the next pick is taken (it stayed and blocked it).
    big = tmp_path / "太大.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024 + 10))
    page.locator("input[type=file]").set_input_files(str(big))
    expect(page.get_by_text("超过 2 MB，请压缩后再上传")).to_be_visible()
    expect(page.locator(".el-upload-list__item")).to_have_count(0)
    page.locator("input[type=file]").set_input_files(str(scan))
    expect(page.locator(".el-upload-list__item")).to_have_count(1)
    expect(page.locator(".el-upload-list__item")).to_contain_text("身份证.png")
    ui.snap(page, "appeal-filled")
    page.get_by_role("button", name="提交申诉").click()
    expect(page.get_by_text("申诉已提交")).to_be_visible()

    admin = new_page()
    ui.login(admin, web, "admin", ADMIN_PASSWORD)
    ui.goto(admin, web, "/admin/appeals")
    row = admin.locator(".el-table__row").filter(has_text=person["id_number"])
    expect(row).to_be_visible()
    row.get_by_role("button", name="查看").click()
    expect(admin.locator(".el-dialog img[alt=申诉扫描件]")).to_be_visible()
    admin.keyboard.press("Escape")
    ui.snap(admin, "admin-appeals")
    row.get_by_role("button", name="通过").click()
    admin.locator(".el-message-box input").fill("已核实身份证扫描件")
    ui.confirm(admin)
    box = admin.locator(".el-message-box").filter(has_text="临时密码")
    expect(box).to_be_visible()
    temporary = re.search(r"临时密码：(\S+?)。", box.inner_text()).group(1)
    ui.confirm(admin)

    again = new_page()
    ui.login(again, web, person["username"], temporary, "乌鲁木齐市")
    # The administrator knows that password: its owner must choose their own first.
    expect(again).to_have_url(re.compile(r"/password"))
    ui.field(again, "old-password").fill(temporary)
    ui.field(again, "new-password").fill("Sun-li-own-2026")
    ui.field(again, "confirm-password").fill("Sun-li-own-2026")
    again.locator("[data-test=change-password]").click()
    expect(again).to_have_url(re.compile(r"/my/applications$"))


def test_switching_region_later(new_page, web, api):
    person = register_applicant(api, region_code=REGION, name="周强")
    page = new_page()
    ui.login(page, web, person["username"], PASSWORD, "乌鲁木齐市")
    switcher = page.locator("[data-test=region-switcher]")
    expect(switcher).to_contain_text("乌鲁木齐市")
    ui.pick(page, switcher, "自治区本级")
    ui.message(page, "已切换地区")
    ui.goto(page, web, "/me")
    expect(page.locator(".kv")).to_contain_text("自治区本级")
    # Units are looked up in the region logged in at: a search there that finds none says
    # so and where to switch (it said only 无数据).
    ui.goto(page, web, "/my/applications/new")
    ui.field(page, "unit-select").fill("乌鲁木齐市没有这个单位")
    expect(page.locator("[data-test=unit-region-hint]")).to_contain_text("您当前登录在「自治区本级」")


def test_admin_publishes_a_notice_the_portal_shows(new_page, web):
    title = unique("2026年度职称评审工作通知")
    page = new_page()
    ui.login(page, web, "admin", ADMIN_PASSWORD)
    ui.goto(page, web, "/notices")
    ui.field(page, "notice-title").fill(title)
    ui.field(page, "notice-body-input").fill("各有关单位：2026年度职称评审材料接收时间为12月1日至12月20日。")
    page.locator("[data-test=notice-publish]").click()
    ui.message(page, "已发布")
    expect(page.locator("[data-test=notice]").filter(has_text=title)).to_be_visible()
    ui.snap(page, "admin-notices")

    visitor = new_page(phone=True)
    ui.goto(visitor, web, "/")
    notice = visitor.locator("[data-test=notice]").filter(has_text=title)
    expect(notice).to_be_visible()
    notice.get_by_role("link").click()
    expect(visitor.locator("[data-test=notice-body]")).to_contain_text("材料接收时间为12月1日至12月20日")
    visitor.screenshot(path=str(SHOTS / "portal-notice-phone.png"), full_page=True)


def test_unit_changes_its_credit_code_and_the_admin_approves(new_page, web, api, tmp_path):
    """变更统一社会信用代码 from the unit's page; the platform administrator approves it
    under 申诉处理; the unit sees the new code and the old one in the history."""
    from tests.integration.accounts_helpers import credit_code
    from tests.unit.documents.images import png
    unit = register_unit(api, region_code=REGION)
    new = credit_code()
    licence = tmp_path / "营业执照.png"
    licence.write_bytes(png(80, 50))
    page = new_page()
    ui.login(page, web, unit["username"], PASSWORD, "乌鲁木齐市")
    ui.goto(page, web, "/unit")
    expect(page.locator("[data-test=unit-credit-code]")).to_have_text(unit["credit_code"])
    page.locator("[data-test=cc-change]").click()
    dialog = page.locator(".el-dialog").filter(has_text="申请变更统一社会信用代码")
    ui.field(dialog, "cc-code").fill(unit["credit_code"][:-1] + ("0" if unit["credit_code"][-1] != "0" else "1"))
    ui.field(dialog, "cc-reason").fill("营业执照换发，统一社会信用代码变更")
    dialog.locator("[data-test=cc-send]").click()
    expect(dialog.get_by_text("统一社会信用代码校验位不正确，请核对")).to_be_visible()   # checked as typed
    ui.field(dialog, "cc-code").fill(new)
    dialog.locator("input[type=file]").set_input_files(str(licence))
    dialog.locator("[data-test=cc-send]").click()
    ui.message(page, "已提交，等待平台管理员审核")
    expect(page.locator("[data-test=cc-pending]")).to_contain_text(new)

    admin = new_page()
    ui.login(admin, web, "admin", ADMIN_PASSWORD)
    ui.goto(admin, web, "/admin/appeals")
    row = admin.locator(".el-table__row").filter(has_text=new)
    expect(row.locator("[data-test=cc-codes]")).to_have_text(f"{unit['credit_code']} → {new}")
    row.get_by_role("button", name="通过").click()
    admin.locator(".el-message-box").filter(has_text=new).locator("input").fill("已核对营业执照")
    ui.confirm(admin)
    ui.message(admin, "已处理")

    page.reload()
    expect(page.locator("[data-test=unit-credit-code]")).to_have_text(new)
    expect(page.locator("[data-test=cc-history]")).to_contain_text(f"{unit['credit_code']} → {new}")
    expect(page.locator("[data-test=cc-appeals]")).to_contain_text("已通过")
    ui.snap(page, "unit-credit-code-changed")

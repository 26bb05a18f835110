"""The whole journey in the browser, across roles, in order: the platform admin sets
up departments, a committee, a qualification and its settings; a unit and an
applicant register; the applicant applies, fills, uploads and submits; the unit
comments and returns; the applicant sees the comment and resubmits; the chain
forwards to formal review; the fee is paid in the sandbox; the committee meets,
publishes and approves; the certificate is downloaded and verified on the public
page. Each step is a test; a step whose predecessor failed is skipped."""
import json
import random
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.e2e import ui
from tests.e2e.conftest import DESKTOP, PHONE, SHOTS
from tests.integration.accounts_helpers import credit_code, id_number
from tests.stack import ADMIN_PASSWORD
from tests.unit.applications.helpers import answers
from tests.unit.documents.images import pdf, png

CST = timezone(timedelta(hours=8))
PASSWORD = "Journey2026ok"
REGION = "乌鲁木齐市"
TAG = uuid.uuid4().hex[:6]
J = {"started": time.monotonic(), "done": set()}


def needs(*steps):
    missing = [s for s in steps if s not in J["done"]]
    if missing:
        pytest.skip(f"an earlier step did not pass: {', '.join(missing)}")


def done(step):
    J["done"].add(step)


def cst(moment):
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def page(browser, web):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True,
                              timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(20000)
    p = ctx.new_page()
    yield p
    ctx.close()


def anonymous(page, web):
    page.context.clear_cookies()
    ui.goto(page, web, "/")
    page.evaluate("sessionStorage.clear()")


def as_user(page, web, username, password=PASSWORD, region=REGION):
    anonymous(page, web)
    ui.login(page, web, username, password, region)


# -- 1. the platform admin -----------------------------------------------------------

def create_org(page, kind, name, parent=None):
    label = "评审委员会" if kind == "committee" else "主管部门 / 材料接收部门"
    page.locator("[data-test=org-kind]").get_by_text(label).click()
    ui.field(page, "org-name").fill(name)
    ui.pick(page, "[data-test=org-region]", REGION)
    if parent:
        ui.pick_containing(page, "[data-test=org-parent]", parent)
    ui.field(page, "org-person").fill("王主任")
    ui.field(page, "org-phone").fill("0991-7654321")
    ui.field(page, "org-address").fill("乌鲁木齐市天山区人民路1号")
    page.locator("[data-test=org-create]").click()
    ui.message(page, f"已创建“{name}”")


def add_staff(page, org_name, tab, username):
    page.locator(".el-tabs__item").filter(has_text=tab).click()
    row = page.locator(".el-table__row:visible").filter(has_text=re.compile("^" + re.escape(org_name)))
    row.locator("[data-test=add-staff]").click()
    ui.field(page, "staff-username").fill(username)
    ui.field(page, "staff-name").fill("审核员" + username[-3:])
    ui.field(page, "staff-phone").fill("13900001111")
    ui.field(page, "staff-password").fill(PASSWORD)
    page.locator("[data-test=staff-save]").click()
    ui.message(page, f"已添加工作人员 {username}")


def test_admin_sets_up_the_platform(page, web):
    J.update(committee=f"机械评审委员会{TAG}", top=f"自治区工信厅{TAG}", middle=f"乌鲁木齐工信局{TAG}",
             specialty=f"机械电子{TAG}", staff={k: f"{k}{TAG}" for k in ("committee", "top", "middle")})
    as_user(page, web, "admin", ADMIN_PASSWORD, region=None)
    expect(page).to_have_url(re.compile(r"/admin/organizations$"))
    create_org(page, "committee", J["committee"])
    create_org(page, "department", J["top"])
    create_org(page, "department", J["middle"], parent=J["top"])
    add_staff(page, J["top"], "主管部门", J["staff"]["top"])
    add_staff(page, J["middle"], "主管部门", J["staff"]["middle"])
    add_staff(page, J["committee"], "评审委员会", J["staff"]["committee"])
    ui.snap(page, "admin-organizations")

    ui.goto(page, web, "/admin/qualifications")
    ui.pick(page, "[data-test=q-region-in]", REGION)
    ui.field(page, "q-series-in").fill("工程系列")
    ui.field(page, "q-specialty-in").fill(J["specialty"])
    ui.pick(page, "[data-test=q-level-in]", "副高")
    ui.field(page, "q-title-in").fill("高级工程师")
    ui.pick_containing(page, "[data-test=q-committee-in]", J["committee"])
    page.locator("[data-test=q-create]").click()
    ui.message(page, "已新增资格")
    expect(page.locator(".el-table__row").filter(has_text=J["specialty"])).to_be_visible()
    ui.snap(page, "admin-qualifications")

    ui.goto(page, web, "/admin/settings")
    ui.pick_containing(page, "[data-test=committee-select]", J["committee"])
    # two windows, labelled apart (they read 材料接收时间（提交窗口） and 接收材料时间)
    for box, label in (("window", "申报时间（申请人提交申请书）"), ("receive-window", "评审委员会接收材料时间")):
        item = page.locator(".el-form-item").filter(has=page.locator(f"[data-test={box}]"))
        expect(item.locator(".el-form-item__label")).to_have_text(label)
    now = datetime.now(CST)
    ui.set_datetime_range(page, "[data-test=window]", cst(now - timedelta(days=1)), cst(now + timedelta(days=20)))
    ui.field(page, "max-submissions").fill("3")
    ui.field(page, "fee").fill("300")
    ui.field(page, "fee").press("Tab")
    ui.pick_containing(page, "[data-test=receiving]", J["top"])
    page.keyboard.press("Escape")
    page.get_by_label("公示最少工作日（0 表示不限）").fill("0")
    page.get_by_label("公示最少工作日（0 表示不限）").press("Tab")
    page.locator("[data-test=save-settings]").click()
    ui.message(page, "设置已保存")
    ui.snap(page, "admin-committee-settings")
    done("admin")


# -- 2. a unit and an applicant register -------------------------------------------------

def test_unit_registers_and_completes_its_information(page, web):
    needs("admin")
    J["unit"] = f"乌鲁木齐机械设计院{TAG}"
    anonymous(page, web)
    ui.goto(page, web, "/register/unit")
    page.get_by_label("单位全称").fill(J["unit"])
    code = credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    page.get_by_label("统一社会信用代码").fill(wrong)
    page.get_by_label("统一社会信用代码").press("Tab")
    expect(page.get_by_text("统一社会信用代码校验位不正确，请核对")).to_be_visible()
    page.get_by_label("统一社会信用代码").fill(code)
    ui.pick(page, page.get_by_label("所在地区"), REGION)
    page.get_by_label("联系人").fill("李处长")
    page.get_by_label("联系电话").fill("0991-1234567")
    page.get_by_label("单位地址").fill("乌鲁木齐市新市区北京路8号")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    ui.snap(page, "register-unit")
    # 注册须知 must be accepted: without the tick nothing is sent.
    expect(page.locator("[data-test=terms]")).to_contain_text("基层工作单位须使用单位全称和统一社会信用代码注册")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("请阅读并同意注册须知")).to_be_visible()
    page.locator("[data-test=accept-terms]").click()
    expect(page.get_by_text("请阅读并同意注册须知")).to_have_count(0)
    page.get_by_role("button", name="注册").click()
    result = page.locator(".el-result").filter(has_text="注册成功")
    expect(result).to_be_visible()
    J["unit_user"] = re.search(r"单位账号：(\S+?)。", result.inner_text()).group(1)

    as_user(page, web, J["unit_user"])
    ui.goto(page, web, "/unit")
    expect(page.get_by_text("单位信息不完整")).to_be_visible()
    page.get_by_label("法定代表人").fill("赵院长")
    ui.pick_containing(page, "[data-test=recommending-units]", J["middle"])
    page.keyboard.press("Escape")
    page.get_by_role("button", name="保存").click()
    ui.message(page, "已保存，单位信息完整")
    ui.snap(page, "unit-info")
    done("unit")


def test_applicant_registers_with_id_number_checked_as_typed(page, web):
    needs("unit")
    anonymous(page, web)
    ui.goto(page, web, "/register/applicant")
    good = id_number(region="650102", born=f"198{random.randrange(0, 10)}0312")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    page.get_by_label("姓名").fill("张建国")
    page.get_by_label("身份证号").fill(bad)
    expect(page.get_by_text("身份证号校验位不正确，请核对")).to_be_visible()   # as typed, before any request
    page.get_by_label("身份证号").fill(good)
    expect(page.get_by_text("身份证号校验位不正确，请核对")).to_have_count(0)
    J["id_number"], J["phone"] = good, "139" + f"{random.randrange(0, 10**8):08d}"
    page.get_by_label("手机号").fill(J["phone"])
    ui.pick(page, page.get_by_label("所在地区"), REGION)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    expect(page.locator("[data-test=terms]")).to_contain_text("个人信息的使用")
    page.locator("[data-test=accept-terms]").click()
    ui.snap(page, "register-applicant")
    page.get_by_role("button", name="注册").click()
    result = page.locator(".el-result").filter(has_text="注册成功")
    expect(result).to_be_visible()
    J["applicant_user"] = re.search(r"用户名是 (\S+?)，", result.inner_text()).group(1)
    J["applicant_name"] = "张建国"
    done("applicant")


# -- 3. apply, fill, upload, submit ---------------------------------------------------

def template_of(page, web, app_id):
    token = page.evaluate("sessionStorage.getItem('zc_token')")
    got = page.request.get(f"{web}/api/v1/applications/{app_id}", headers={"Authorization": f"Bearer {token}"})
    assert got.ok, got.text()
    return got.json()


def test_applicant_applies_fills_uploads_and_submits(page, web, tmp_path):
    needs("applicant")
    as_user(page, web, J["applicant_user"])
    expect(page).to_have_url(re.compile(r"/my/applications$"))
    expect(page.get_by_text("您还没有申请书")).to_be_visible()
    ui.snap(page, "applicant-applications-empty")

    ui.goto(page, web, "/my/applications/new")
    ui.pick(page, "[data-test=q-series]", "工程系列")
    ui.pick(page, "[data-test=q-specialty]", J["specialty"])
    ui.pick(page, "[data-test=q-level]", "副高")
    # The only title for that series, specialty and level is chosen by itself.
    expect(page.locator("[data-test=q-title]")).to_contain_text(f"高级工程师（{J['committee']}）")
    expect(page.locator("[data-test=q-conditions]")).to_contain_text(J["committee"])
    ui.field(page, "unit-select").fill(J["unit"][:8])
    page.locator(".el-select-dropdown__item:visible").filter(has_text=J["unit"]).first.click()
    ui.snap(page, "applicant-new-application")
    page.get_by_role("button", name="创建申请书").click()
    page.wait_for_url(re.compile(r"/my/applications/[0-9a-f]+$"))
    J["app_id"] = page.url.rsplit("/", 1)[1]
    expect(page.locator("[data-test=countdown]")).to_have_text(re.compile(r"距提交截止还有\d+天"))

    # Submitting an empty application names exactly what is missing.
    page.locator("[data-test=submit]").click()
    missing = page.locator("[data-test=missing]")
    expect(missing).to_be_visible()
    expect(missing).to_contain_text("基本信息：民族 未填写")
    expect(missing).not_to_contain_text("性别 未填写")     # identity comes filled from the registration
    expect(missing).not_to_contain_text("是否受过处分")    # a required switch showing 否 is answered (否)
    expect(missing).to_contain_text("附件不足")

    # 基本信息 is prefilled from the registration, birth date and gender as the ID number
    # encodes them; a birth date the ID number contradicts is an error before any save.
    basic = ui.open_section(page, "basic_info")
    number = J["id_number"]
    born = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    expect(page.locator("#f-basic_info-name")).to_have_value(J["applicant_name"])
    expect(page.locator("#f-basic_info-birth_date")).to_have_value(born)
    expect(page.locator("#f-basic_info-phone")).to_have_value(J["phone"])
    expect(basic.locator(".el-form-item").filter(has_text="性别")).to_contain_text(
        "男" if int(number[16]) % 2 else "女")
    ui.fill_field(page, "f-basic_info-birth_date", {"type": "date"}, "1960-01-01")
    expect(basic.get_by_text(f"与注册的身份证号不符（身份证号所载为 {born}）")).to_be_visible()
    # at phone width the message wraps to two lines: it stays clear of the next field's label
    page.set_viewport_size(PHONE)
    error = basic.locator(".el-form-item").filter(has=page.locator("#f-basic_info-birth_date")).locator(
        ".el-form-item__error").bounding_box()
    label = basic.locator(".el-form-item").filter(has=page.locator("#f-basic_info-ethnicity")).locator(
        ".el-form-item__label").bounding_box()
    assert error["height"] > 20 and error["y"] + error["height"] <= label["y"], (error, label)
    page.set_viewport_size(DESKTOP)
    expect(basic.locator("[data-test=problem-badge]")).to_be_visible()
    # 年限 99 stays 99 and the field says why (it was clamped silently to 60).
    ui.fill_field(page, "f-basic_info-years_in_profession", {"type": "integer"}, 99)
    expect(page.locator("#f-basic_info-years_in_profession")).to_have_value("99")
    expect(basic.get_by_text("从事专业技术工作年限不能大于60")).to_be_visible()

    app = template_of(page, web, J["app_id"])
    J["number"] = app["number"]
    files = {"pdf": tmp_path / "证明.pdf", "png": tmp_path / "扫描件.png", "big": tmp_path / "太大.pdf"}
    files["pdf"].write_bytes(pdf("学历证书"))
    files["png"].write_bytes(png(64, 64))
    files["big"].write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 100))
    for section in app["template"]["sections"]:
        ui.fill_section(page, section, answers(section["key"], app))
        for n in range(section["attachments_required"]):
            ui.upload(page, section["key"], files["png" if n % 2 else "pdf"])
    # What was saved and uploaded leaves the missing list and the badges (they kept old errors).
    expect(page.locator("[data-test=missing]")).to_have_count(0)
    expect(page.locator("[data-test=problem-badge]")).to_have_count(0)

    # A file over 2 MB is refused, with the reason shown at the section.
    item = ui.open_section(page, "education")
    item.locator("input[type=file]").set_input_files(str(files["big"]))
    expect(item.locator("[data-test=upload-error]")).to_contain_text("超过 2 MB")

    # Validation as you type: a number above the template's maximum.
    basic = ui.open_section(page, "basic_info")
    page.locator("#f-basic_info-name").fill("")
    expect(basic.get_by_text("请填写姓名")).to_be_visible()
    page.locator("#f-basic_info-name").fill(J["applicant_name"])
    basic.locator("[data-test=save-section]").click()
    expect(basic.locator(".el-collapse-item__header .el-tag").filter(has_text="未保存")).to_have_count(0)

    # Preview an attachment (PDF in an iframe).
    basic.get_by_role("button", name="预览").first.click()
    expect(page.locator(".el-dialog iframe, .el-dialog img").first).to_be_visible()
    page.keyboard.press("Escape")
    ui.snap(page, "applicant-edit-application")

    page.locator("[data-test=submit]").click()
    ui.message(page, "申请书已提交")
    expect(page.locator("[data-test=status]")).to_have_text("申请人提交到基层工作单位")
    expect(page.locator("[data-test=submissions]")).to_contain_text("已用 1 次")
    done("submitted")


# -- 4. the unit comments and returns; the applicant resubmits ---------------------------

def test_unit_comments_and_returns(page, web):
    needs("submitted")
    as_user(page, web, J["unit_user"])
    ui.open_task(page, web, J["number"])
    ui.snap(page, "unit-handle")
    # The decision box is in view at once beside a long dossier (it sat at the bottom of a
    # 5,500 px page), with 推荐意见 and 退回意见 as two fields.
    decision = page.locator("[data-test=decision]")
    assert page.evaluate("document.documentElement.scrollHeight") > DESKTOP["height"]
    expect(decision).to_be_in_viewport()
    expect(decision.get_by_text("推荐意见（同意推荐并报送时填写）")).to_be_visible()
    expect(decision.get_by_text("退回意见（退回申请人时必填）")).to_be_visible()
    page.mouse.wheel(0, 3000)
    expect(decision).to_be_in_viewport()
    # The reviewer opens the 评审表 (there was no button for it).
    with page.expect_response(lambda r: r.url.endswith("/review-form.pdf")) as form:
        page.locator("[data-test=open-review-form]").click()
    assert form.value.ok and form.value.headers["content-type"] == "application/pdf"
    expect(page.locator("[data-test=review-form-frame]")).to_have_attribute("src", re.compile(r"^blob:"))
    page.keyboard.press("Escape")
    section = page.locator(".el-collapse-item").filter(has_text="基本信息").first
    ui.field(section, "comment-input").fill("民族一栏请填写全称，如“汉族”。")
    section.locator("[data-test=comment-send]").click()
    ui.message(page, "意见已添加")
    # A 推荐意见 is not a reason to return: 退回意见 is required on its own.
    ui.field(page, "forward-opinion").fill("同意推荐。")
    page.locator("[data-test=return]").click()
    expect(decision.get_by_text("请填写退回意见")).to_be_visible()
    ui.field(page, "return-opinion").fill("基本信息有误，请修改后重新提交。")
    page.locator("[data-test=return]").click()
    ui.confirm(page)
    ui.message(page, "已退回申请人")
    # The task has left the unit's queue (申请书审核) once returned.
    ui.goto(page, web, "/review/tasks")
    expect(page.locator(".el-table__row").filter(has_text=J["number"])).to_have_count(0)
    # 申请书查询 still finds it, by part of the applicant's name; one character is too few.
    ui.goto(page, web, "/review/query")
    name_box = page.locator(".el-form-item").filter(has_text="姓名").locator("input")
    name_box.fill(J["applicant_name"][0])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("姓名至少输入2个字")).to_be_visible()
    name_box.fill(J["applicant_name"][1:])
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".el-table__row").filter(has_text=J["number"])).to_have_count(1)
    ui.snap(page, "review-query")
    # At phone width the filters stack, one per line, and nothing runs off the screen.
    page.set_viewport_size(PHONE)
    expect(name_box).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    done("returned")


def test_applicant_sees_the_comment_and_resubmits(page, web):
    needs("returned")
    as_user(page, web, J["applicant_user"])
    # The return's notice says why (the SMS carried no reason; the inbox has the same text).
    ui.goto(page, web, "/inbox")
    notice = page.locator(".el-collapse-item").filter(has_text="申请书状态变更：已退回").first
    for _ in range(20):   # the notice follows the return by event
        if notice.count():
            break
        time.sleep(0.5)
        ui.goto(page, web, "/inbox")
    notice.locator(".el-collapse-item__header").click()
    expect(notice).to_contain_text("退回意见：基本信息有误，请修改后重新提交。")
    ui.goto(page, web, f"/my/applications/{J['app_id']}")
    expect(page.locator("[data-test=status]")).to_have_text("已退回")
    expect(page.locator("[data-test=returned]")).to_contain_text("基本信息有误")
    commented = page.locator("[data-section=basic_info]")
    expect(commented).to_have_class(re.compile("section-commented"))
    expect(commented.locator("[data-test=section-comment]")).to_contain_text("民族一栏请填写全称")
    ui.snap(page, "applicant-returned")
    page.locator("#f-basic_info-ethnicity").fill("汉族（已按意见修改）")
    commented.locator("[data-test=save-section]").click()
    expect(commented.locator(".el-collapse-item__header .el-tag").filter(has_text="未保存")).to_have_count(0)
    page.locator("[data-test=submit]").click()
    ui.message(page, "申请书已提交")
    expect(page.locator("[data-test=submissions]")).to_contain_text("已用 2 次")
    done("resubmitted")


# -- 5. the chain forwards to formal review ----------------------------------------------

def forward(page, web, username, opinion, phone=False):
    as_user(page, web, username)
    ui.open_task(page, web, J["number"])
    if phone:
        # At 375 px the box follows the dossier; the bar at the screen's foot reaches it.
        page.set_viewport_size(PHONE)
        expect(page.locator("[data-test=decision]")).not_to_be_in_viewport()
        expect(page.locator("[data-test=decision-bar]")).to_be_in_viewport()
        page.locator("[data-test=to-decision]").click()
        expect(page.locator("[data-test=decision]")).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ui.field(page, "forward-opinion").fill(opinion)
    # a double click, as people do: its second click fell on the confirm box's overlay and cancelled it
    page.locator("[data-test=forward]").dblclick()
    ui.confirm(page)
    ui.message(page, "已办理")
    page.set_viewport_size(DESKTOP)


def test_chain_forwards_to_formal_review(page, web):
    needs("resubmitted")
    forward(page, web, J["unit_user"], "同意推荐。")
    forward(page, web, J["staff"]["middle"], "材料齐全，同意报送。", phone=True)
    forward(page, web, J["staff"]["top"], "同意报送评审委员会。")
    as_user(page, web, J["staff"]["committee"])
    ui.open_task(page, web, J["number"])
    expect(page.locator("[data-test=forward]")).to_have_text("通过形式审核")
    expect(page.locator("[data-test=open-review-form]")).to_be_visible()
    ui.field(page, "forward-opinion").fill("形式审核通过。")
    page.locator("[data-test=forward]").click()
    ui.confirm(page)
    ui.message(page, "已办理")
    # The committee that owns the case reads its state, not 当前不在本机构办理; the history
    # keeps the applicant's submits beside the decisions.
    ui.goto(page, web, f"/review/applications/{J['app_id']}")
    expect(page.locator("[data-test=not-my-turn]")).to_contain_text("不在审核环节")
    expect(page.locator("[data-test=not-my-turn]")).not_to_contain_text("不在本机构办理")
    expect(page.locator(".el-timeline").filter(has_text="提交")).to_contain_text("退回")
    ui.goto(page, web, "/review/query")
    expect(page.locator(".el-table__row").filter(has_text=J["number"])).to_be_visible()
    ui.snap(page, "committee-query")
    done("formal")


# -- 6. pay in the sandbox -------------------------------------------------------------

def test_applicant_pays_the_fee_in_the_sandbox(page, web):
    needs("formal")
    as_user(page, web, J["applicant_user"])
    url = f"/my/applications/{J['app_id']}"
    # The guide: once formal review has passed, a 缴费 link appears beside the status in 我的申请书.
    ui.goto(page, web, "/my/applications")
    card = page.locator("[data-test=application-card]").filter(has_text=J["number"])
    card.locator("[data-test=pay-entry]").click()
    page.wait_for_url(re.compile(re.escape(url) + "$"))
    for _ in range(30):   # the order is made on the formal_review_passed event
        if page.locator("[data-test=pay-link]").count():
            break
        time.sleep(0.5)
        ui.goto(page, web, url)
    expect(page.locator("[data-test=fee]")).to_contain_text("¥300.00")
    ui.snap(page, "applicant-fee")
    page.locator("[data-test=pay-link]").click()
    page.get_by_role("button", name="支付").click()
    page.wait_for_load_state("networkidle")
    # 返回申报平台 leads to the payer's applications, not the portal's home.
    page.get_by_role("link", name="返回申报平台").click()
    expect(page).to_have_url(re.compile(r"/my/applications$"))
    for _ in range(40):
        ui.goto(page, web, url)
        if page.locator("[data-test=status]").inner_text() == "已缴费，待会议评审":
            break
        time.sleep(0.5)
    expect(page.locator("[data-test=status]")).to_have_text("已缴费，待会议评审")
    expect(page.locator("[data-test=fee]")).to_contain_text("已缴费")
    done("paid")


# -- 7. meeting, publicity, approval -----------------------------------------------------

def test_committee_meets_publishes_and_approves(page, web):
    needs("paid")
    as_user(page, web, J["staff"]["committee"])
    ui.goto(page, web, "/committee/meetings")
    row = page.locator("[data-test=vote-table] .el-table__row").filter(has_text=J["number"])
    expect(row).to_be_visible()
    held = ui.field(page, "held-on")
    held.click()
    held.fill(datetime.now(CST).strftime("%Y-%m-%d"))
    held.press("Enter")
    inputs = row.locator(".el-input-number input")

    def votes(*numbers):   # present, for, against, abstain
        for i, n in enumerate(numbers):
            inputs.nth(i).fill(str(n))
            inputs.nth(i).press("Tab")
    votes(9, 5, 3, 1)
    expect(row.locator("[data-test=verdict]")).to_have_text("未通过（同意 5/到会 9，需 6 票）")  # 5 of 9, typed
    votes(9, 6, 2, 1)
    expect(row.locator("[data-test=verdict]")).to_have_text("通过（同意 6/到会 9，需 6 票）")
    ui.snap(page, "committee-meeting-votes")
    page.locator("[data-test=save-meeting]").click()
    ui.message(page, "会议结果已保存：1 人通过")

    meeting = page.locator("[data-test=meeting]").first
    meeting.locator("[data-test=start-publicity]").click()
    now = datetime.now(CST)
    ends = now + timedelta(seconds=25)
    ui.set_datetime_range(page, "[data-test=publicity-range]", cst(now - timedelta(minutes=1)), cst(ends))
    page.locator("[data-test=publicity-save]").click()
    ui.message(page, "公示已发布")
    # Approving before the publicity ends is refused in words a person reads: the end in
    # Beijing time to the minute (it was a raw ISO timestamp).
    page.locator("[data-test=meeting]").first.locator("[data-test=approve]").click()
    ui.field(page, "document-no").fill("新职改字〔2026〕1号")
    page.locator("[data-test=approval-save]").click()
    expect(page.locator(".el-message").filter(
        has_text=re.compile(r"公示期至 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 结束，公示结束后方可发布批文"))).to_be_visible()
    page.keyboard.press("Escape")

    # The public sees it, and can object through the form.
    public = page.context.browser.new_page(locale="zh-CN")
    public.goto(web + "/")
    public.get_by_role("tab", name="评审结果公示").click()
    listed = public.locator(".el-table__row").filter(has_text=J["applicant_name"])
    expect(listed).to_be_visible()
    public.screenshot(path=str(SHOTS / "portal-publicity-desktop.png"), full_page=True)
    # At phone width each person is a card and 提出异议 is on screen (it was off to the right).
    public.set_viewport_size(PHONE)
    button = public.locator("button:visible", has_text="提出异议").first
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    public.set_viewport_size(DESKTOP)
    listed.get_by_role("button", name="提出异议").click()
    dialog = public.locator(".el-dialog").filter(has_text="对公示结果提出异议")
    expect(dialog.get_by_label("申请书编号")).to_have_value(J["number"])
    dialog.get_by_label("异议理由").fill("反映其代表作与他人成果雷同，请核实。")
    dialog.get_by_label("联系方式（实名反映，便于核实）").fill("13700001234")
    dialog.get_by_role("button", name="提交异议").click()
    ui.message(public, "异议已提交")
    public.close()

    # The committee looks into it: not upheld.
    ui.goto(page, web, "/committee/objections")
    objection = page.locator(".el-table__row").filter(has_text=J["number"])
    expect(objection).to_contain_text("代表作与他人成果雷同")
    objection.get_by_role("button", name="处理").click()
    page.get_by_label("处理说明").fill("经核实，代表作为本人原创，异议不成立。")
    page.locator(".el-dialog").filter(has_text="处理异议").get_by_role("button", name="确定").click()
    ui.message(page, "已处理")
    expect(objection).to_contain_text("异议不成立")
    ui.snap(page, "committee-objections")

    time.sleep(max(0.0, (ends - datetime.now(CST)).total_seconds() + 2))
    ui.goto(page, web, "/committee/meetings")
    page.locator("[data-test=meeting]").first.locator("[data-test=approve]").click()
    ui.field(page, "document-no").fill(f"新职改字〔2026〕{random.randrange(10, 99)}号")
    page.locator("[data-test=approval-save]").click()
    ui.message(page, "批文已下达")
    ui.snap(page, "committee-meetings")
    done("approved")


# -- 8. certificate: download and verify ---------------------------------------------------

def test_applicant_downloads_and_verifies_the_certificate(page, web):
    needs("approved")
    as_user(page, web, J["applicant_user"])
    ui.goto(page, web, "/my/certificates")
    row = page.locator(".el-table__row").first
    for _ in range(30):   # certificates are issued on the approval event
        if row.count():
            break
        time.sleep(0.5)
        ui.goto(page, web, "/my/certificates")
    expect(row).to_contain_text("高级工程师")
    ui.snap(page, "applicant-certificates")
    with page.expect_download() as got:
        row.locator("[data-test=cert-download]").click()
    download = got.value
    path = download.path()
    assert open(path, "rb").read(5) == b"%PDF-"
    no = re.search(r"\S+", row.locator("td").nth(2).inner_text()).group(0)
    # at phone width the actions stay on screen (the table scrolls behind them)
    page.set_viewport_size({"width": 375, "height": 812})
    box = row.locator("[data-test=cert-download]").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    page.set_viewport_size(DESKTOP)

    verifier = page.context.browser.new_page(locale="zh-CN")
    verifier.goto(f"{web}/verify?no={no}&name={J['applicant_name']}")
    result = verifier.locator("[data-test=verify-result]")
    expect(result).to_contain_text("证书真实有效")
    expect(result).to_contain_text(J["applicant_name"])
    verifier.screenshot(path=str(SHOTS / "verify-desktop.png"), full_page=True)
    verifier.set_viewport_size({"width": 375, "height": 812})
    verifier.screenshot(path=str(SHOTS / "verify-phone.png"), full_page=True)
    verifier.goto(f"{web}/verify?no={no}&name=李四")
    expect(verifier.locator("[data-test=verify-result]")).to_contain_text("未查到该证书")
    verifier.close()
    J["journey_seconds"] = round(time.monotonic() - J["started"], 1)
    (SHOTS / "journey.json").write_text(json.dumps({"journey_seconds": J["journey_seconds"]}))
    done("certificate")

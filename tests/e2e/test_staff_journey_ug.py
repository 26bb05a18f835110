"""The staff's 评审 journey in Uyghur (#14: every role's journey completes with no dead
end in both languages, at 360 px and at desktop width). The applicant's submit and
fee go through the API (test_languages_and_access walks the applicant in Uyghur);
every staff step is clicked in the Uyghur pages — the base unit at 360 px, the two
departments of the chain, the committee's formal review, meeting, publicity and 批文
at desktop width — each page right to left with no Chinese in its buttons, labels and
headings (the server's data, names and the template's wording, may be Chinese), and
each step lands: the application moves on.

Also here: the history (审核记录) the applicant and the staff read names each
department and keeps the applicant's submit and 收回, in both languages; and at
360 px a very long name in the header leaves the user menu on screen and usable."""
import os
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.client import wait_for
from tests.e2e import ui
from tests.e2e.conftest import DESKTOP
from tests.e2e.kinds import wait_listed_for_meeting
from tests.e2e.test_languages_and_access import PHONE360, context, login_here, scrolls_sideways
from tests.integration.accounts_helpers import PASSWORD, register_applicant, register_unit, unique
from tests.integration.payments_helpers import pay_in_sandbox
from tests.integration.test_review_setup import (
    REGION,
    build_world,
    climb_to_committee,
    new_application,
    submit,
    task_of,
    wait_status,
    wait_task,
)

CST = timezone(timedelta(hours=8))
UG = "ug-CN"
# Han characters and the full-width punctuation of Chinese text (（），：；、。「」)
HAN = r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff01-\uff1f\uff5b-\uff65]"
UI_TEXT = ("button, .el-button, label, .el-form-item__label, th, .el-tabs__item, .el-menu-item, h1, h2, h3, "
           ".el-card__header, dt, .el-step__title, .el-alert__title, .el-alert__description, .el-message, "
           ".el-message-box, .el-dialog__header, .el-radio-button__inner, .el-tag, .el-empty__description, "
           ".el-result__title, .el-result__subtitle, .el-pagination, .muted, .tip")
# the person's name on the user menu, the chosen region, the language switch's 中文
NOT_UI = "[data-test=user-menu], [data-test=region-switcher], .el-select__selected-item, [lang=zh-CN]"


@pytest.fixture(scope="module")
def api(request):
    """The API of the copy the browser drives (ZC_E2E_BASE_URL's when given, as for web)."""
    from tests.client import ApiClient
    given = os.environ.get("ZC_E2E_BASE_URL")
    return ApiClient(given.rstrip("/")) if given else ApiClient(request.getfixturevalue("stack").base_url)


@pytest.fixture(scope="module")
def world(api):
    """A committee charging a fee, its receiving department and the department below
    it (the unit's recommending unit), a base unit; a named login at each office."""
    admin = api.admin_token()
    world = build_world(api, admin, fee_fen=30000)
    logins = {"unit": world.unit["username"]}
    for role, org in (("middle", world.middle), ("top", world.top), ("committee", world.committee)):
        username = unique(f"ug{role[:3]}")
        expect_api(api.post(f"/admin/organizations/{org['id']}/staff", token=admin, json={
            "username": username, "password": PASSWORD, "name": "古丽米热·艾力", "phone": "13900004444"}), 201)
        logins[role] = username
    world.logins = logins
    return world


def server_words(view, world, extra=()):
    """What the server says in its own words on these pages: names, the qualification,
    the template's titles and labels, opinions — allowed to be Chinese."""
    words = [view["applicant"]["name"], view["unit"]["name"], view["committee"]["name"],
             world.top["name"], world.middle["name"], world.committee["name"], world.unit["name"],
             "古丽米热·艾力", *extra,
             "新职改字〔2026〕12号"]   # a 批文 number's example: official documents stay in Chinese
    words += [str(v) for v in view["qualification"].values() if isinstance(v, str)]
    for step in view.get("route") or []:
        words += [step.get("name") or "", (step.get("contact") or {}).get("person") or ""]
    for section in view["template"]["sections"]:
        words += [section.get("title") or "", section.get("attachments_hint") or ""]
        for f in section["fields"]:
            words += [f.get("label") or "", *[c.get("label") or "" for c in f.get("columns") or []]]
            words += [str(o) for o in f.get("options") or []]
    for data in view["sections"].values():
        words += [str(v) for v in data.values() if isinstance(v, (str, int))]
    return sorted({w for w in words if w}, key=len, reverse=True)


def chinese_in_ui(page, allowed):
    """The page's buttons, labels, headings, tags and notices still reading Chinese once
    the server's own words are taken out (the user menu shows the person's name; the
    language switch names Chinese in Chinese)."""
    return page.evaluate("""([sel, skip, han, allowed]) => {
        const re = new RegExp(han)
        const found = new Set()
        for (const el of document.querySelectorAll(sel)) {
          if (el.closest(skip)) continue
          const box = el.getBoundingClientRect()
          if (!box.width && !box.height) continue
          let text = (el.innerText || el.getAttribute('placeholder') || '').trim()
          for (const w of allowed) text = text.split(w).join(' ')
          if (re.test(text)) found.add(text.slice(0, 80))
        }
        for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
          let text = el.getAttribute('placeholder')
          for (const w of allowed) text = text.split(w).join(' ')
          if (re.test(text)) found.add('placeholder: ' + el.getAttribute('placeholder'))
        }
        return [...found]
    }""", [UI_TEXT, NOT_UI, HAN, allowed])


def check_page(page, allowed, where):
    """Right to left, in Uyghur, with no Chinese in its controls and headings."""
    page.wait_for_load_state("networkidle")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", UG)
    assert page.evaluate("localStorage.getItem('zc_lang')") == UG
    left = chinese_in_ui(page, allowed)
    assert not left, f"{where}: Chinese in the Uyghur page: {left}"


def uyghur_login(browser, web, username, viewport=DESKTOP):
    ctx = context(browser, viewport)
    page = ctx.new_page()
    ui.goto(page, web, f"/login?lang={UG}")
    login_here(page, username)
    return ctx, page


def decide_forward(page, web, number, opinion, allowed, where, phone=False):
    """Open the task from 申请书审核, write the opinion and forward (the confirm box's
    primary button: its text is Element Plus's Uyghur)."""
    ui.open_task(page, web, number)
    check_page(page, allowed, where)
    if phone:   # the box follows the dossier; the bar at the screen's foot reaches it
        assert not scrolls_sideways(page)
        page.locator("[data-test=to-decision]").click()
        expect(page.locator("[data-test=decision]")).to_be_in_viewport()
    ui.field(page, "forward-opinion").fill(opinion)
    page.locator("[data-test=forward]").click()
    box = page.locator(".el-message-box")
    expect(box).to_be_visible()
    check_page(page, allowed, f"{where} (confirm)")
    box.locator(".el-message-box__btns .el-button--primary").click()
    expect(page.locator(".el-message--success").last).to_be_visible()
    check_page(page, allowed, f"{where} (done)")
    expect(page).to_have_url(re.compile(r"/review/tasks$"))
    expect(page.locator(".el-table__row").filter(has_text=number)).to_have_count(0)   # left this desk


def cst(moment):
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S")


def test_the_staff_journey_in_uyghur(browser, web, api, world):
    started = time.monotonic()
    app = new_application(api, world, name="阿不都·热合曼")
    submit(api, app)
    view = expect_api(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
    allowed = server_words(view, world, extra=["同意推荐，请审核。", "材料齐全，同意报送。", "形式审核通过。"])
    number = app["number"]
    wait_task(api, world.unit_token, app["id"])

    # The base unit, on a phone.
    ctx, page = uyghur_login(browser, web, world.logins["unit"], PHONE360)
    ui.goto(page, web, "/review/tasks")
    check_page(page, allowed, "unit /review/tasks")
    assert not scrolls_sideways(page)
    decide_forward(page, web, number, "同意推荐，请审核。", allowed, "unit handle", phone=True)
    ctx.close()
    middle_token = world.staff[world.middle["id"]][0]
    wait_task(api, middle_token, app["id"])

    # The department below the receiving one, then the receiving department.
    for role, org, nxt in (("middle", world.middle, world.top), ("top", world.top, world.committee)):
        ctx, page = uyghur_login(browser, web, world.logins[role])
        decide_forward(page, web, number, "材料齐全，同意报送。", allowed, f"{role} handle")
        ctx.close()
        wait_task(api, world.staff[nxt["id"]][0], app["id"])
        assert task_of(api, world.staff[org["id"]][0], app["id"]) is None

    # The committee's formal review.
    committee_token = world.staff[world.committee["id"]][0]
    ctx, page = uyghur_login(browser, web, world.logins["committee"])
    decide_forward(page, web, number, "形式审核通过。", allowed, "committee formal review")
    wait_status(api, app, "formal_review_passed")

    # The fee, paid by the applicant in the sandbox (the applicant's own pages are not this test's).
    fee = wait_for(lambda: (lambda r: r.json() if r.status_code == 200 and r.json().get("pay_url") else None)(
        api.get(f"/applications/{app['id']}/fee", token=app["token"])), what="the fee order")
    assert fee["amount_fen"] == 30000
    assert pay_in_sandbox(fee["pay_url"]).status_code < 400
    wait_status(api, app, "ready_for_meeting")
    wait_listed_for_meeting(api, committee_token, app["id"])

    # The meeting: the day and the votes.
    ui.goto(page, web, "/committee/meetings")
    row = page.locator("[data-test=vote-table] .el-table__row").filter(has_text=number)
    expect(row).to_be_visible()
    check_page(page, allowed, "committee /committee/meetings")
    held = ui.field(page, "held-on")
    held.click()
    held.fill(datetime.now(CST).strftime("%Y-%m-%d"))
    held.press("Enter")
    votes = row.locator(".el-input-number input")
    for i, n in enumerate((7, 5, 1, 1)):   # present, for, against, abstain
        votes.nth(i).fill(str(n))
        votes.nth(i).press("Tab")
    expect(row.locator("[data-test=verdict]")).to_have_class(re.compile("vote-pass"))
    check_page(page, allowed, "committee meeting votes")
    page.locator("[data-test=save-meeting]").click()
    expect(page.locator(".el-message--success").last).to_be_visible()
    check_page(page, allowed, "committee meeting saved")
    wait_status(api, app, "passed")

    # Publicity: a window ending in a few seconds.
    meeting = page.locator("[data-test=meeting]").first
    expect(meeting).to_be_visible()
    meeting.locator("[data-test=start-publicity]").click()
    dialog = page.locator(".el-dialog:visible")
    expect(dialog).to_be_visible()
    check_page(page, allowed, "committee publicity dialog")
    moment = datetime.now(CST)
    ends = moment + timedelta(seconds=10)
    ui.set_datetime_range(page, "[data-test=publicity-range]", cst(moment - timedelta(minutes=1)), cst(ends))
    page.locator("[data-test=publicity-save]").click()
    expect(page.locator(".el-message--success").last).to_be_visible()
    expect(meeting.locator("[data-test=approve]")).to_be_visible()
    check_page(page, allowed, "committee publicity started")
    publicity = wait_for(lambda: expect_api(api.get(f"/applications/{app['id']}/result", token=app["token"]),
                                            200).get("publicity"), what="the publicity on the result")
    assert publicity["ends_at"]

    # 批文, once the publicity has ended.
    time.sleep(max(0.0, (ends - datetime.now(CST)).total_seconds() + 1))
    meeting.locator("[data-test=approve]").click()
    document_no = f"新职改字〔{datetime.now(CST).year}〕{unique('')[-5:]}号"
    ui.field(page, "document-no").fill(document_no)
    check_page(page, allowed + [document_no], "committee approval dialog")
    page.locator("[data-test=approval-save]").click()
    expect(page.locator(".el-message--success").last).to_be_visible()
    wait_status(api, app, "approved")
    expect(meeting.locator("[data-test=approve]")).to_have_count(0)
    check_page(page, allowed + [document_no], "committee approved")
    ctx.close()
    print(f"staff journey in Uyghur: {time.monotonic() - started:.1f} s")


REGION_NAMES = {"zh-CN": "乌鲁木齐市", UG: "ئۈرۈمچى شەھىرى"}
ACTION_NAMES = {"zh-CN": {"submit": "提交", "withdraw": "收回", "forward": "审核通过并报送"},
                UG: {"submit": "يوللىدى", "withdraw": "قايتۇرۇۋالدى", "forward": "تەكشۈرۈشتىن ئۆتكۈزۈپ يوللىدى"}}


@pytest.fixture(scope="module")
def withdrawn_once(api, world):
    """An application submitted, taken back (收回), submitted again and forwarded by the
    unit and both departments: waiting at the committee."""
    app = new_application(api, world, name="阿不都·热合曼")
    submit(api, app)
    expect_api(api.post(f"/applications/{app['id']}/withdraw", token=app["token"]), 200)
    submit(api, app)
    climb_to_committee(api, world, app)
    return app


def history_reads(page, world, app, view, lang):
    """审核记录: the submits and the 收回 are there; each office by its place and its name."""
    history = page.locator("[data-test=history]")
    expect(history).to_be_visible()
    entries = history.locator("[data-test=history-entry]")
    names = ACTION_NAMES[lang]
    expect(entries.and_(page.locator("[data-action=submit]"))).to_have_count(2)
    expect(entries.and_(page.locator("[data-action=withdraw]"))).to_have_count(1)
    for entry in (entries.and_(page.locator("[data-action=submit]")).first,
                  entries.and_(page.locator("[data-action=withdraw]"))):
        expect(entry.locator("[data-test=history-who]")).to_have_text(app["person"]["name"])
    expect(entries.and_(page.locator("[data-action=submit]")).first.locator("[data-test=history-action]")).to_have_text(
        names["submit"])
    expect(entries.and_(page.locator("[data-action=withdraw]")).locator("[data-test=history-action]")).to_have_text(
        names["withdraw"])
    forwards = entries.and_(page.locator("[data-action=forward]"))
    expect(forwards).to_have_count(3)
    places = {step["org_id"]: step for step in view["route"] if step.get("org_id")}
    for i, org in enumerate((world.unit, world.middle, world.top)):
        org_id = org.get("unit_id") or org["id"]
        entry = forwards.nth(i)
        expect(entry.locator("[data-test=history-who]")).to_have_text(org["name"])   # by its own name
        expect(entry.locator("[data-test=history-action]")).to_have_text(names["forward"])
        step = places[org_id]
        place = entry.locator("[data-test=history-place]")
        if lang == "zh-CN":
            expect(place).to_have_text(step["label"])   # 基层工作单位 / 地州主管局 / 地厅级材料接收部门
        else:
            expect(place).not_to_have_text(re.compile(HAN))
            expect(place).to_have_text(re.compile(r"\S"))
    # in the order they happened: submit, 收回, submit, then the offices
    actions = entries.evaluate_all("els => els.map((e) => e.dataset.action)")
    assert actions == ["submit", "withdraw", "submit", "forward", "forward", "forward"], actions


def test_the_history_names_each_office_and_keeps_submit_and_withdraw(browser, web, api, world, withdrawn_once):
    """The applicant's page and the committee's 办理, each read in Chinese and then, switched
    on the page, in Uyghur."""
    app = withdrawn_once
    view = expect_api(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
    allowed = server_words(view, world, extra=["同意推荐", "同意"])
    for who, username, region, path in (
            ("applicant", app["person"]["username"], REGION_NAMES["zh-CN"], f"/my/applications/{app['id']}"),
            ("committee", world.logins["committee"], None, f"/review/applications/{app['id']}")):
        ctx = context(browser, DESKTOP)
        page = ctx.new_page()
        ui.goto(page, web, "/login?lang=zh-CN")
        login_here(page, username, region)
        ui.goto(page, web, path)
        if who == "committee":   # its turn: the decision box beside the history
            expect(page.locator("[data-test=decision]")).to_be_visible()
        history_reads(page, world, app, view, "zh-CN")
        page.locator(f"[data-test=lang-{UG}]").click()
        history_reads(page, world, app, view, UG)
        check_page(page, allowed, f"{who}'s {path}")
        ctx.close()


LONG_NAME = "阿卜杜热合曼·买买提艾力·司马义·艾则孜·吐尔逊·阿不都热西提·热合曼江·努尔买买提"
LONG_UNIT = "乌鲁木齐市天山区人民路第一百二十八号新疆维吾尔自治区特种设备检验研究院附属实验工厂"


def test_a_very_long_name_leaves_the_user_menu_in_the_header_at_360px(browser, web, api):
    """A person's long name (in Uyghur pages) and a unit's (in Chinese) at 360 px: the
    header keeps the user menu on screen and inside itself, the page does not scroll
    sideways, and the menu opens."""
    person = register_applicant(api, name=LONG_NAME, region_code=REGION)
    unit = register_unit(api, name=unique(LONG_UNIT), region_code=REGION)
    for lang, username, region, name in ((UG, person["username"], REGION_NAMES[UG], LONG_NAME),
                                         ("zh-CN", unit["username"], None, unit["name"])):
        ctx = context(browser, PHONE360)
        page = ctx.new_page()
        ui.goto(page, web, f"/login?lang={lang}")
        login_here(page, username, region)
        menu = page.locator("[data-test=user-menu]")
        expect(menu).to_be_visible()
        expect(menu).to_have_attribute("aria-label", re.compile(re.escape(name)))   # the whole name is there
        header = page.locator("header.topbar").bounding_box()
        box = menu.bounding_box()
        assert not scrolls_sideways(page), page.evaluate("document.documentElement.scrollWidth")
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE360["width"], box
        assert header["x"] <= box["x"] and box["x"] + box["width"] <= header["x"] + header["width"], (box, header)
        assert header["y"] <= box["y"] and box["y"] + box["height"] <= header["y"] + header["height"], (box, header)
        for other in ("[data-test=inbox-bell]", "[data-test=large-text]"):   # its neighbours stay on screen too
            near = page.locator(other).bounding_box()
            assert near and 0 <= near["x"] and near["x"] + near["width"] <= PHONE360["width"], (other, near)
        menu.click()
        items = page.locator(".el-dropdown-menu__item:visible")
        expect(items).to_have_count(3)
        items.last.click()   # 退出
        expect(page).to_have_url(re.compile(r"/login"))
        ctx.close()

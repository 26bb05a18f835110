"""The application form in Uyghur (#14): on a Uyghur page the form's section titles,
field labels, table columns, attachment hints and choice options come from the Uyghur
catalog by the template's keys (lib/vocab.js), not the server's Chinese — while a choice
picked in Uyghur is saved as the template's Chinese option, and reads in Uyghur again
when the page is opened anew. The Chinese page keeps the server's own words."""
import re

from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.e2e.conftest import PHONE, SHOTS
from tests.e2e.test_languages_and_access import (  # noqa: F401 (fixtures)
    REGION,
    UG_NAME,
    admin_token,
    api,
    context,
    login_here,
    scrolls_sideways,
    shot,
    world,
)
from tests.integration.accounts_helpers import login, register_applicant
from zc_common.clock import now

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ARABIC = re.compile(r"[\u0600-\u06ff]")
PARTY_UG, PARTY_ZH = "جۇڭگو كوممۇنىستىك پارتىيىسى ئەزاسى", "中共党员"


def texts(page, selector):
    """The text of every element matching selector, shown or in a closed section."""
    return [t.strip() for t in page.eval_on_selector_all(selector, "els => els.map((e) => e.textContent)")]


def chinese(found):
    return [t for t in found if HAN.search(t)]


def test_the_form_reads_uyghur_and_saves_the_chinese_option(browser, web, api, world):  # noqa: F811
    person = register_applicant(api, region_code=REGION, name=UG_NAME)
    token = login(api, person["username"])["token"]
    app = expect_api(api.post("/applications", token=token, json={
        "qualification_id": world["qualification"]["id"], "unit_id": world["unit"]["unit_id"],
        "year": now().year}), 201)
    shown = expect_api(api.get(f"/applications/{app['id']}", token=token), 200)
    template = shown["template"]["sections"]
    template = template if isinstance(template, list) else [{"key": k, **v} for k, v in template.items()]
    options = next(f for f in next(s for s in template if s["key"] == "basic_info")["fields"]
                   if f["key"] == "political_status")["options"]
    assert PARTY_ZH in options   # the template's own option, which the server keeps

    ctx = context(browser, PHONE)
    page = ctx.new_page()
    ui.goto(page, web, "/?lang=ug-CN")
    ui.goto(page, web, "/login")
    login_here(page, person["username"], "ئۈرۈمچى شەھىرى")

    # The kind's description on the new-application page is Uyghur too.
    ui.goto(page, web, "/my/applications/new")
    description = page.locator("[data-test=kind-description]")
    expect(description).to_contain_text("باھالاش كومىتېتى")
    assert not HAN.search(description.inner_text())

    ui.goto(page, web, f"/my/applications/{app['id']}")
    expect(page.locator("[data-section=basic_info] .sec-title")).to_have_text("ئاساسىي ئۇچۇر")
    # the qualification by the catalog's Uyghur names (副高, 工程系列, 高级工程师)
    expect(page.locator("[data-test=qualification]")).to_contain_text(
        "[مۇئاۋىن يۇقىرى دەرىجە] ئىنژېنېرلىق سېرىيىسى · ")
    expect(page.locator("[data-test=qualification]")).to_contain_text(" / يۇقىرى دەرىجىلىك ئىنژېنېر")
    titles = texts(page, ".sec-title")
    labels = texts(page, "[data-section] .el-form-item__label")
    columns = texts(page, "[data-section] .table-field th .cell")
    hints = texts(page, "[data-section] .attachments > .muted")
    # every section of the template, each field and column, in Uyghur
    assert len(titles) == len(template), titles
    assert len(labels) == sum(len(s["fields"]) for s in template), labels
    assert len(columns) >= sum(len(f.get("columns", [])) for s in template for f in s["fields"]), columns
    for found in (titles, labels, [c for c in columns if c], hints):
        assert found and not chinese(found), chinese(found)
        assert all(ARABIC.search(t) for t in found if t), found

    # 申报条件自查: each condition and why, in Uyghur (the server's codes, lib/eligibility.js)
    checklist = page.locator("[data-test=eligibility]")
    expect(checklist.locator("li .label").first).to_be_visible()
    assert not HAN.search(checklist.inner_text()), checklist.inner_text()
    expect(checklist).to_contain_text("ئاساسىي ئۇچۇردا ھازىرقى كەسپىي تېخنىكا ۋەزىپىسى تولدۇرۇلمىدى")

    # A choice reads in Uyghur and is saved as the template's Chinese option.
    section = ui.open_section(page, "basic_info")
    gender = section.locator("#f-basic_info-gender").locator(ui.SELECT)
    expect(gender).to_contain_text(re.compile("ئەر|ئايال"))   # filled from the ID number
    assert not HAN.search(gender.inner_text())
    ui.pick(page, "#f-basic_info-political_status", PARTY_UG)
    shot(page, "ug-form-375")
    assert not scrolls_sideways(page)
    section.locator("[data-test=save-section]").click()
    ui.message(page, "ساقلاندى")
    saved = expect_api(api.get(f"/applications/{app['id']}", token=token), 200)["sections"]["basic_info"]
    assert saved["political_status"] == PARTY_ZH
    assert saved["gender"] in ("男", "女")

    # Opened anew, the saved Chinese option shows in Uyghur…
    page.reload()
    page.wait_for_load_state("networkidle")
    party = page.locator("[data-section=basic_info] #f-basic_info-political_status").locator(ui.SELECT)
    expect(party).to_contain_text(PARTY_UG)
    assert not HAN.search(party.inner_text())
    # Submitting too early lists what is missing in Uyghur: fields by their Uyghur labels,
    # attachments by the server's numbers (its words are Chinese).
    page.locator("[data-test=submit]").click()
    missing = page.locator("[data-test=missing]")
    expect(missing).to_contain_text("قوشۇمچە ھۆججەت يېتەرسىز")
    expect(missing).to_contain_text("تولدۇرۇلمىدى")
    assert not HAN.search(missing.inner_text()), missing.inner_text()
    missing.screenshot(path=str(SHOTS / "ug-form-missing-375.png"))
    # …and a table's choices too (a row of 学历学位: its 学历 options).
    ui.open_section(page, "education")
    page.locator("#f-education-degrees > button").click()
    cell = page.locator("#f-education-degrees-0-education").locator(ui.SELECT)
    cell.locator(".el-select__wrapper").click()
    choices = page.locator(".el-select__popper:visible .el-select-dropdown__item")
    expect(choices.first).to_be_visible()
    found = [c.strip() for c in choices.all_inner_texts()]
    assert "تولۇق كۇرس" in found and not chinese(found), found
    page.keyboard.press("Escape")
    expect(page.locator(".el-select__popper:visible")).to_have_count(0)
    # A gender other than the ID number's says which one it encodes, in Uyghur too.
    registered = "ئەر" if saved["gender"] == "男" else "ئايال"
    ui.pick(page, "[data-section=basic_info] #f-basic_info-gender", "ئايال" if registered == "ئەر" else "ئەر")
    problem = page.locator("[data-section=basic_info] .el-form-item__error").first
    expect(problem).to_contain_text(f"كىملىك نومۇرىدا {registered}")
    assert not HAN.search(problem.inner_text()), problem.inner_text()

    # The Chinese page shows the server's own words and the same saved value.
    ui.goto(page, web, f"/my/applications/{app['id']}?lang=zh-CN")
    expect(page.locator("[data-section=basic_info] .sec-title")).to_have_text(
        next(s["title"] for s in template if s["key"] == "basic_info"))
    party = page.locator("[data-section=basic_info] #f-basic_info-political_status").locator(ui.SELECT)
    expect(party).to_contain_text(PARTY_ZH)
    expect(page.locator("[data-test=eligibility]")).to_contain_text("基本信息中未填写现任专业技术职务")
    ctx.close()

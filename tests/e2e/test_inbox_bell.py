"""The 站内信 bell (issue #15 item 6) is drawn, not left to an emoji font: the 🔔
character drew an empty box on a machine without a colour-emoji font (as on many
office PCs); the bell is an SVG icon in the top bar's white, beside the unread count."""
from playwright.sync_api import expect

from tests.client import ADMIN_PASSWORD
from tests.e2e import ui
from tests.integration.accounts_helpers import PASSWORD
from tests.integration.test_review_setup import build_world, new_application, submit


def test_the_bell_is_an_icon_that_shows_on_the_top_bar(new_page, web):
    for phone in (False, True):
        page = new_page(phone=phone)
        ui.login(page, web, "admin", ADMIN_PASSWORD)
        icon = page.locator("[data-test=inbox-bell] svg")
        expect(icon).to_be_visible()
        box = icon.bounding_box()
        assert box["width"] >= 16 and box["height"] >= 16, box
        assert icon.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
        page.locator("[data-test=inbox-bell]").click()
        expect(page).to_have_url(f"{web}/inbox")


def test_an_unread_message_keeps_its_dot_beside_the_subject_at_375_px(new_page, web, api, admin_token):
    app = new_application(api, build_world(api, admin_token), name="站内信甲")
    submit(api, app)   # 申请书状态变更：已提交 lands in the inbox
    page = new_page(phone=True)
    ui.login(page, web, app["person"]["username"], PASSWORD)
    ui.goto(page, web, "/inbox")
    dot = page.locator("[data-test=unread-dot]").first
    expect(dot).to_be_visible()
    subject = page.locator("[data-test=subject]").first.bounding_box()
    box = dot.bounding_box()
    # on the subject's line, before it (el-badge's dot floated above the row)
    assert subject["y"] <= box["y"] and box["y"] + box["height"] <= subject["y"] + subject["height"], (box, subject)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ui.snap(page, "inbox")

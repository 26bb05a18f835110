"""The 站内信 bell (issue #15 item 6) is drawn, not left to an emoji font: the 🔔
character drew an empty box on a machine without a colour-emoji font (as on many
office PCs); the bell is an SVG icon in the top bar's white, beside the unread count."""
from playwright.sync_api import expect

from tests.client import ADMIN_PASSWORD
from tests.e2e import ui


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

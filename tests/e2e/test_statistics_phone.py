"""The 统计 page at phone width (issue #15 item 5): the chart of the 31 days before
the deadline leaves out the axis labels that would overlap — with every label drawn
they ran into one unreadable smear at 375 px. Charts are drawn as SVG, so their text
is on the page for this check (and for screen readers' inspection tools)."""
from playwright.sync_api import expect

from tests.client import ADMIN_PASSWORD
from tests.e2e import ui
from tests.integration.test_review_setup import build_world, new_application, submit


def test_the_days_before_the_deadline_are_readable_at_375_px(new_page, web, api, admin_token):
    submit(api, new_application(api, build_world(api, admin_token), name="统计甲"))   # the charts need one
    page = new_page(phone=True)
    ui.login(page, web, "admin", ADMIN_PASSWORD)
    ui.goto(page, web, "/statistics")
    chart = page.locator("[data-test=chart-before]")
    expect(chart.locator("svg text").filter(has_text="30").first).to_be_visible()
    boxes = chart.locator("svg text").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {text: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom} })")
    # the x axis: the labels on the lowest line (the y axis' 0 stands a few px higher)
    axis = sorted((b for b in boxes if b["top"] >= max(x["top"] for x in boxes) - 4), key=lambda b: b["left"])
    assert len(axis) >= 5, boxes
    for before, after in zip(axis, axis[1:]):
        assert before["right"] <= after["left"], f"{before['text']} overlaps {after['text']}"
    ui.snap(page, "statistics")

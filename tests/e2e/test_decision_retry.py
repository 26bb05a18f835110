"""A decision pressed twice in the browser (issue #9, findings 5 and 7): a double
click sends one request; a submit whose answer is lost on the way back is retried
with the same Idempotency-Key, and the server answers the first result instead of
409 — one submit counted each time."""
from playwright.sync_api import expect

from tests.client import wait_for
from tests.e2e import ui
from tests.integration.accounts_helpers import PASSWORD
from tests.integration.test_review_setup import build_world, new_application


def submits(stack, application_id):
    row = stack.sql("applications", "SELECT submissions_used FROM applications WHERE id = %s", application_id)[0]
    count = stack.sql("applications", "SELECT count(*) AS n FROM transitions WHERE application_id = %s "
                      "AND action = 'submit'", application_id)[0]["n"]
    return row["submissions_used"], count


def test_double_click_and_lost_answer_submit_once(new_page, web, api, admin_token, stack):
    world = build_world(api, admin_token)
    app = new_application(api, world, name="阿依古丽")
    page = new_page()
    ui.login(page, web, app["person"]["username"], PASSWORD)
    ui.goto(page, web, f"/my/applications/{app['id']}")

    keys = []
    lose_next = {"answer": False}

    def on_submit(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if lose_next["answer"]:
            lose_next["answer"] = False
            route.fetch()      # the server gets it and acts …
            route.abort()      # … and the answer never reaches the page
        else:
            route.continue_()

    page.route("**/api/v1/applications/*/submit", on_submit)

    # A double click: the button is busy after the first, so one request, one submit.
    page.locator("[data-test=submit]").dblclick()
    ui.message(page, "申请书已提交")
    assert len(keys) == 1 and keys[0], keys
    assert submits(stack, app["id"]) == (1, 1)

    page.locator("[data-test=withdraw]").click()
    ui.confirm(page)
    ui.message(page, "已收回")
    expect(page.locator("[data-test=submit]")).to_be_visible()

    # The answer to the next submit is lost; pressing again retries the same action.
    lose_next["answer"] = True
    page.locator("[data-test=submit]").click()
    ui.message(page, "无法连接服务器")
    wait_for(lambda: submits(stack, app["id"]) == (2, 2), what="the lost submit to land")
    page.locator("[data-test=submit]").click()
    ui.message(page, "申请书已提交")
    assert len(keys) == 3 and keys[2] == keys[1] != keys[0], keys
    assert submits(stack, app["id"]) == (2, 2)
    expect(page.locator("[data-test=withdraw]")).to_be_visible()

"""Returns that show what changed (issue #15 item 3) in the browser: after a return
the unit opens the resubmitted application and reads the added row as the form names
its columns (是否全日制：是), never as bare values (true)."""
from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.integration.accounts_helpers import PASSWORD
from tests.integration.test_review_setup import build_world, new_application, submit, wait_status, wait_task


def test_the_unit_reads_the_changes_since_its_return(new_page, web, api, admin_token):
    world = build_world(api, admin_token)
    app = new_application(api, world, name="退回丙")
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    review = f"/review/applications/{app['id']}"
    expect_api(api.post(f"{review}/comments", json={"section": "education", "text": "请补充第二学历"},
                        token=world.unit_token), 201)
    expect_api(api.post(f"{review}/return", json={"opinion": "请补充学历"}, token=world.unit_token), 200)
    wait_status(api, app, "returned")
    url = f"/applications/{app['id']}"
    degrees = expect_api(api.get(url, token=app["token"]), 200)["sections"]["education"]["degrees"]
    added = {**degrees[0], "school": "新疆大学", "education": "硕士研究生", "degree": "硕士", "full_time": True}
    expect_api(api.put(f"{url}/sections/education", token=app["token"], json={"degrees": [*degrees, added]}), 200)
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])

    page = new_page()
    ui.login(page, web, world.unit["username"], PASSWORD)
    ui.goto(page, web, review)
    changed = page.locator("[data-test=changed-education]")
    expect(changed).to_contain_text("毕业院校：新疆大学")
    expect(changed).to_contain_text("是否全日制：是")
    expect(changed).not_to_contain_text("true")
    ui.snap(page, "changes-after-return")

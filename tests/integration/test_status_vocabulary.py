"""The status vocabulary end to end: ``GET /statuses`` lists applications' names
and flags (no login); every application object carries ``status_info`` matching
its ``status`` — named after the node holding it while in review — and the 评审表
is the test form or the formal one as the ``formal`` flag says."""
import io

import pytest
from pypdf import PdfReader

from tests.client import expect
from tests.integration.test_review_setup import build_world, new_application, submit, wait_for, wait_task


def pdf_text(response):
    assert response.status_code == 200
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture(scope="module")
def vocabulary(api):
    listed = expect(api.get("/statuses"), 200)  # public: no token
    return {entry["key"]: entry for entry in listed}


def consistent(app, vocabulary):
    """The application's status_info is the vocabulary's entry for its status (the name
    may be the current node's, from the entry's own names_at_node)."""
    info = app["status_info"]
    entry = vocabulary[app["status"]]
    assert info["key"] == app["status"]
    assert {k: v for k, v in info.items() if k != "name"} == {k: v for k, v in entry.items() if k != "name"}
    assert info["name"] in (entry["name"], *(entry.get("names_at_node") or {}).values())
    return info


def test_the_vocabulary_is_listed_in_life_cycle_order(vocabulary):
    assert list(vocabulary) == ["draft", "submitted", "returned", "formal_review_passed", "ready_for_meeting",
                                "passed", "failed", "approved"]
    assert vocabulary["formal_review_passed"]["name"] == "已通过形式审核"
    assert [k for k, v in vocabulary.items() if v["editable"]] == ["draft", "returned"]
    assert vocabulary["submitted"]["names_at_node"]["unit"] == "申请人提交到基层工作单位"


def test_status_info_follows_the_application_along_its_route(api, admin_token, vocabulary):
    world = build_world(api, admin_token)
    app = new_application(api, world, name="努尔古丽")
    url = f"/applications/{app['id']}"

    def seen():
        return consistent(expect(api.get(url, token=app["token"]), 200), vocabulary)

    draft = seen()
    assert draft["name"] == "申请人" and draft["editable"] and not draft["formal"]
    assert "测试表" in pdf_text(api.get(f"{url}/review-form.pdf", token=app["token"]))

    submitted = consistent(submit(api, app), vocabulary)
    assert submitted["name"] == "申请人提交到基层工作单位" and submitted["withdrawable"]
    assert not submitted["editable"]

    # the middle department sits just below the committee's 材料接收部门: 地州主管局
    holders = [(world.unit_token, "提交到地州主管局"),
               (world.staff[world.middle["id"]][0], "提交到地厅级材料接收部门"),
               (world.staff[world.top["id"]][0], "提交到评审委员会")]
    for token, after in holders:
        wait_task(api, token, app["id"])
        detail = expect(api.get(f"/review/applications/{app['id']}", token=token), 200)
        assert consistent(detail, vocabulary)["name"] == seen()["name"]  # reviewers read the same words
        expect(api.post(f"/review/applications/{app['id']}/forward", token=token,
                        json={"opinion": "同意推荐"}), 200)
        assert seen()["name"] == after

    committee_token = world.staff[world.committee["id"]][0]
    wait_task(api, committee_token, app["id"])
    expect(api.post(f"/review/applications/{app['id']}/forward", token=committee_token,
                    json={"opinion": "形式审核通过"}), 200)
    formal = wait_for(lambda: (info := seen())["formal"] and info)
    assert formal["name"] in ("已通过形式审核", vocabulary["ready_for_meeting"]["name"])
    assert not formal["editable"] and not formal["withdrawable"]
    text = pdf_text(api.get(f"{url}/review-form.pdf", token=app["token"]))
    assert f"正式评审表 {app['number']}" in text and "测试表" not in text

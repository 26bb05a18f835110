"""After formal review passes (moved there only through review): the 正式评审表
with the number watermarked on every page, files frozen, reviewers on the route
may read them and organisations off the route may not."""
import io

import pytest
from pypdf import PdfReader

from tests.client import expect
from tests.integration.test_documents_attachments import bucket_of, upload
from tests.integration.test_review_setup import (
    build_world,
    climb_to_committee,
    create_org,
    new_application,
    staff_tokens,
    submit,
    wait_for,
)
from tests.unit.documents import images


def pages(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture(scope="module")
def formal(api, admin_token):
    world = build_world(api, admin_token)
    app = new_application(api, world, name="古丽娜尔")
    test_form = api.get(f"/applications/{app['id']}/review-form.pdf", token=app["token"])
    submit(api, app)
    climb_to_committee(api, world, app)
    committee_token = world.staff[world.committee["id"]][0]
    expect(api.post(f"/review/applications/{app['id']}/forward", token=committee_token,
                    json={"opinion": "形式审核通过"}), 200)
    wait_for(lambda: expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)["status"]
             in ("formal_review_passed", "ready_for_meeting"))
    return {"world": world, "app": app, "test_form": test_form, "committee_token": committee_token}


def test_before_formal_review_it_was_a_test_form(formal):
    text = "\n".join(pages(formal["test_form"].content))
    assert "测试表" in text and "正式评审表" not in text


def test_after_formal_review_the_official_form_is_watermarked_on_every_page(api, formal):
    app = formal["app"]
    response = api.get(f"/applications/{app['id']}/review-form.pdf", token=app["token"])
    assert response.status_code == 200 and response.headers["X-Render-Cache"] == "miss"
    texts = pages(response.content)
    assert len(texts) >= 2
    for text in texts:
        assert f"正式评审表 {app['number']}" in text  # the watermark
    assert "测试表" not in "\n".join(texts)
    assert "形式审核通过" in "\n".join(texts)  # the committee's opinion


def test_reviewers_on_the_route_read_the_files_and_others_do_not(api, stack, formal, admin_token):
    app, world = formal["app"], formal["world"]
    files = expect(api.get(f"/applications/{app['id']}/attachments", token=app["token"]), 200)
    assert files
    first = files[0]
    for token in (formal["committee_token"], world.unit_token, world.staff[world.middle["id"]][1]):
        response = api.get(f"/applications/{app['id']}/attachments/{first['id']}", token=token)
        assert response.status_code == 200 and response.headers["X-Content-SHA256"] == first["sha256"]
        assert api.get(f"/applications/{app['id']}/review-form.pdf", token=token).status_code == 200
    outsider = create_org(api, admin_token, kind="department", region_code="650100")
    outsider_token = staff_tokens(api, admin_token, outsider["id"])[0]
    expect(api.get(f"/applications/{app['id']}/attachments/{first['id']}", token=outsider_token), 404)
    expect(api.get(f"/applications/{app['id']}/review-form.pdf", token=outsider_token), 404)
    expect(api.get(f"/applications/{app['id']}/attachments", token=outsider_token), 404)


def test_files_are_frozen_once_submitted(api, stack, formal):
    app = formal["app"]
    before = sorted(bucket_of(stack).keys(f"attachments/{app['id']}/"))
    files = expect(api.get(f"/applications/{app['id']}/attachments", token=app["token"]), 200)
    expect(upload(api, app["id"], app["token"], images.pdf(), section=files[0]["section"]), 409, "not_editable")
    expect(api.delete(f"/applications/{app['id']}/attachments/{files[0]['id']}", token=app["token"]),
           409, "not_editable")
    expect(api.put(f"/applications/{app['id']}/attachments/{files[0]['id']}", token=app["token"],
                   files={"file": ("x.png", images.png(), "image/png")}), 409, "not_editable")
    assert sorted(bucket_of(stack).keys(f"attachments/{app['id']}/")) == before


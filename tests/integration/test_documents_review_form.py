"""The 评审表 PDF through the gateway: a 测试表 before formal review, rendered once
per version (cached in the bucket), readable only by the owner."""
import io

import pytest
from pypdf import PdfReader

from tests.client import expect
from tests.integration.accounts_helpers import register_unit
from tests.integration.test_documents_attachments import (
    bucket_of,
    make_committee,
    new_applicant,
    new_application,
    upload,
)
from tests.unit.documents import images


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture(scope="module")
def draft(api, admin_token):
    catalog = make_committee(api, admin_token)
    owner = new_applicant(api)
    application = new_application(api, catalog, register_unit(api), owner)
    return {"owner": owner, "application": application}


def form(api, app_id, token):
    return api.get(f"/applications/{app_id}/review-form.pdf", token=token)


def test_a_draft_prints_as_a_test_form_with_its_sections_and_receipts(api, draft):
    app_id, token = draft["application"]["id"], draft["owner"]["token"]
    expect(api.put(f"/applications/{app_id}/sections/continuing_education", token=token, json={
        "hours_total": 150,
        "records": [{"course": "急诊医学新进展", "organizer": "自治区医学会", "year": 2024, "hours": 70},
                    {"course": "临床科研方法", "organizer": "新疆医科大学", "year": 2025, "hours": 80}]}), 200)
    receipt = expect(upload(api, app_id, token, images.pdf(), name="继续教育证书.pdf",
                            section="continuing_education"), 201)
    response = form(api, app_id, token)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "测试表" in text and "正式评审表" not in text
    assert draft["application"]["number"] in text
    for title in ("基本信息", "学历学位", "工作经历", "继续教育", "奖惩情况"):
        assert title in text
    assert "急诊医学新进展" in text and "合计学时：150" in text
    assert "继续教育证书.pdf" in text
    assert receipt["sha256"][:32] in text.replace("\n", "")
    assert "第 1 页 / 共" in text


def test_a_second_download_is_served_from_the_cache(api, stack, draft):
    app_id, token = draft["application"]["id"], draft["owner"]["token"]
    first = form(api, app_id, token)
    second = form(api, app_id, token)
    assert second.headers["X-Render-Cache"] == "hit"
    assert second.content == first.content
    assert second.headers["Content-Length"] == str(len(second.content))
    assert "filename*=UTF-8''%E8%AF%84%E5%AE%A1%E8%A1%A8-%E6%B5%8B%E8%AF%95%E8%A1%A8" in \
        second.headers["Content-Disposition"]  # 评审表-测试表-…
    # The stored bytes' ETag: asking again with it is 304, no body.
    unchanged = api.get(f"/applications/{app_id}/review-form.pdf", token=token,
                        headers={"If-None-Match": second.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["ETag"] == second.headers["ETag"]
    cached = bucket_of(stack).keys(f"review-forms/{app_id}/")
    assert len(cached) == 1 and bucket_of(stack).get(cached[0]) == second.content
    # A change to what the form shows renders anew and drops the stale copy.
    expect(upload(api, app_id, token, images.png(), section="basic_info"), 201)
    third = form(api, app_id, token)
    assert third.headers["X-Render-Cache"] == "miss"
    assert third.content != second.content
    after = bucket_of(stack).keys(f"review-forms/{app_id}/")
    assert len(after) == 1 and after != cached


def test_nobody_else_prints_it(api, draft):
    stranger = new_applicant(api)
    expect(form(api, draft["application"]["id"], stranger["token"]), 404)
    expect(form(api, "no-such-application", draft["owner"]["token"]), 404)

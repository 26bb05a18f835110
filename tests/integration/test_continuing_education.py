"""继续教育 records through the gateway: the applicant's own list over the years,
each with a certificate scan kept by documents; refusals store nothing; the
评审表 lists the records with the hours per year and the total."""
import pytest

from tests.client import expect
from tests.integration.accounts_helpers import login, register_unit
from tests.integration.test_documents_attachments import make_committee, new_applicant, new_application
from tests.integration.test_documents_review_form import pdf_text
from tests.unit.documents import images
from zc_common.clock import now

THIS_YEAR = now().year


def add(api, token, content=None, name="培训证书.pdf", declared="application/pdf", **fields):
    data = {"year": str(THIS_YEAR - 1), "course": "急诊医学新进展", "organizer": "自治区医学会", "hours": "24"}
    data.update({k: str(v) for k, v in fields.items()})
    content = images.pdf("继续教育证书") if content is None else content
    return api.post("/continuing-education", token=token, data=data, files={"file": (name, content, declared)})


def stored(stack, person):
    records = stack.sql("applications", "select count(*) as n from continuing_education where applicant_id = %s",
                        person["id"])[0]["n"]
    files = stack.sql("documents", "select count(*) as n from private_files where kind = 'ce_certificate' "
                      "and owner_ref = %s", person["id"])[0]["n"]
    return records, files


@pytest.fixture(scope="module")
def people(api):
    return {"owner": new_applicant(api), "other": new_applicant(api)}


def test_add_list_download_and_delete(api, stack, people):
    token = people["owner"]["token"]
    scan = images.png(32, 32)
    first = expect(add(api, token, content=scan, name="证书.png", declared="image/png", hours=30,
                       year=THIS_YEAR - 2), 201)
    assert first["year"] == THIS_YEAR - 2 and first["hours"] == 30 and first["course"] == "急诊医学新进展"
    assert len(first["certificate"]["sha256"]) == 64 and first["certificate"]["name"] == "证书.png"
    second = expect(add(api, token, organizer="", hours=12), 201)
    third = expect(add(api, token, course="临床科研方法", hours=8), 201)
    assert second["organizer"] is None
    listing = expect(api.get("/continuing-education", token=token), 200)
    assert [r["id"] for r in listing["records"]][0] in (second["id"], third["id"])
    assert {r["id"] for r in listing["records"]} == {first["id"], second["id"], third["id"]}
    assert listing["hours_by_year"] == {str(THIS_YEAR - 2): 30, str(THIS_YEAR - 1): 20}
    assert listing["total"] == 50
    download = api.get(f"/continuing-education/{first['id']}/certificate", token=token)
    assert download.status_code == 200 and download.content == scan
    assert download.headers["Content-Type"].startswith("image/png")
    scan_of_third = stack.sql("applications", "select certificate_file_id as f from continuing_education "
                              "where id = %s", third["id"])[0]["f"]
    assert api.delete(f"/continuing-education/{third['id']}", token=token).status_code == 204
    assert stack.sql("documents", "select id from private_files where id = %s", scan_of_third) == []
    after = expect(api.get("/continuing-education", token=token), 200)
    assert after["total"] == 42 and third["id"] not in {r["id"] for r in after["records"]}
    expect(api.delete(f"/continuing-education/{third['id']}", token=token), 404, "record_not_found")


def test_another_applicant_sees_nothing_of_it(api, stack, people):
    mine = expect(add(api, people["owner"]["token"], course="只属于本人"), 201)
    other = people["other"]["token"]
    assert expect(api.get("/continuing-education", token=other), 200) == {
        "records": [], "hours_by_year": {}, "total": 0}
    expect(api.get(f"/continuing-education/{mine['id']}/certificate", token=other), 404, "record_not_found")
    expect(api.delete(f"/continuing-education/{mine['id']}", token=other), 404, "record_not_found")
    assert stack.sql("applications", "select course from continuing_education where id = %s",
                     mine["id"]) == [{"course": "只属于本人"}]


def test_only_applicants_keep_records(api):
    unit = register_unit(api)
    token = login(api, unit["username"])["token"]
    expect(add(api, token), 403)
    expect(api.get("/continuing-education", token=token), 403)
    expect(api.get("/continuing-education"), 401)


@pytest.mark.parametrize("fields, field", [
    ({"year": 1949}, "year"),
    ({"year": THIS_YEAR + 1}, "year"),
    ({"year": "去年"}, "year"),
    ({"hours": 0}, "hours"),
    ({"hours": 1001}, "hours"),
    ({"hours": "2.5"}, "hours"),
    ({"course": ""}, "course"),
    ({"course": "课" * 201}, "course"),
    ({"organizer": "办" * 201}, "organizer"),
])
def test_bad_fields_are_refused_with_the_field_and_nothing_is_stored(api, stack, people, fields, field):
    before = stored(stack, people["other"])
    body = expect(add(api, people["other"]["token"], **fields), 422, "invalid_field")
    assert body["error"]["field"] == field
    assert stored(stack, people["other"]) == before


def test_wrong_or_oversized_files_are_refused_and_nothing_is_stored(api, stack, people):
    token = people["other"]["token"]
    before = stored(stack, people["other"])
    expect(add(api, token, content=b"just some text, not a scan\n" * 10, name="证书.pdf"), 415,
           "unsupported_file_type")
    expect(add(api, token, content=b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 10)), 413, "file_too_large")
    assert stored(stack, people["other"]) == before


def test_the_review_form_lists_the_records_and_their_total(api, admin_token):
    person = new_applicant(api)
    token = person["token"]
    application = new_application(api, make_committee(api, admin_token), register_unit(api), person)
    form = f"/applications/{application['id']}/review-form.pdf"
    empty = api.get(form, token=token)
    assert empty.status_code == 200 and "无继续教育记录" in pdf_text(empty.content)
    expect(add(api, token, course="重症医学规范化培训", hours=40, year=THIS_YEAR - 3), 201)
    expect(add(api, token, course="医院感染防控", hours=16), 201)
    # The records changed though the application did not: the cached render is stale.
    response = api.get(form, token=token)
    assert response.status_code == 200 and response.headers["X-Render-Cache"] == "miss"
    text = pdf_text(response.content)
    assert "重症医学规范化培训" in text and "医院感染防控" in text
    assert "继续教育记录合计学时：56" in text
    assert f"{THIS_YEAR - 3} 年 40 学时" in text
    assert api.get(form, token=token).headers["X-Render-Cache"] == "hit"

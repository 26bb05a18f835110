"""Notices (通知公告, 纸质材料报送要求): who may write which, what is refused,
and the public listing's order, filters and pages."""
import pytest

from services.applications.models import Notice
from tests.unit.applications.conftest import ADMIN, COMMITTEE, DEPARTMENT, PREFECTURE_COMMITTEE, applicant
from zc_common.errors import Forbidden, Invalid, NotFound


def staff(committee=COMMITTEE, n=7, **extra):
    return {**applicant(n), "role": "committee_staff", "org_id": committee, **extra}


def body(**overrides):
    return {"kind": "announcement", "title": "关于2026年度职称评审工作的通知",
            "body": "各有关单位：\n现将2026年度职称评审工作有关事项通知如下。", "region_code": "650000", **overrides}


def stored(service):
    return [(n.id, n.title, n.body, n.kind, n.pinned) for n in service.db.query(Notice).order_by(Notice.id)]


def test_admin_posts_a_regional_notice(service):
    notice = service.create_notice(ADMIN, body(pinned=True))
    assert notice["kind"] == "announcement" and notice["kind_name"] == "通知公告"
    assert notice["region_code"] == "650000" and notice["committee"] is None and notice["pinned"] is True
    assert notice["author"] == {"id": ADMIN["id"], "name": "管理员"}
    assert notice["published_at"] == "2026-06-15T10:00:00+08:00"
    assert notice["impersonated_by"] is None
    assert service.get_notice(notice["id"])["body"].startswith("各有关单位")


def test_admin_posts_for_a_committee_in_the_committees_region(service):
    notice = service.create_notice(ADMIN, body(kind="paper_materials", committee_id=PREFECTURE_COMMITTEE,
                                                region_code="650000"))
    assert notice["committee"] == {"id": PREFECTURE_COMMITTEE, "name": "乌鲁木齐市工程系列中级评审委员会"}
    assert notice["region_code"] == "650100" and notice["kind_name"] == "纸质材料报送要求"
    with pytest.raises(Invalid) as caught:
        service.create_notice(ADMIN, body(committee_id=DEPARTMENT))
    assert caught.value.field == "committee_id"
    assert len(stored(service)) == 1


def test_committee_staff_post_only_for_their_own_committee(service):
    own = service.create_notice(staff(PREFECTURE_COMMITTEE), body(region_code="650000"))
    assert own["committee"]["id"] == PREFECTURE_COMMITTEE and own["region_code"] == "650100"
    with pytest.raises(Forbidden):
        service.create_notice(staff(PREFECTURE_COMMITTEE), body(committee_id=COMMITTEE))
    with pytest.raises(Forbidden):  # staff whose org is not a committee
        service.create_notice(staff(DEPARTMENT), body())
    assert len(stored(service)) == 1


@pytest.mark.parametrize("actor", [applicant(), {**applicant(), "role": "unit_admin", "org_id": "u" * 32},
                                   {**applicant(), "role": "department_staff", "org_id": DEPARTMENT}, {}])
def test_other_roles_may_not_write(service, actor):
    with pytest.raises(Forbidden) as caught:
        service.create_notice(actor, body())
    assert caught.value.code == "forbidden"
    notice = service.create_notice(ADMIN, body())
    with pytest.raises(Forbidden):
        service.update_notice(actor, notice["id"], body(title="改"))
    with pytest.raises(Forbidden):
        service.delete_notice(actor, notice["id"])
    assert [row[1] for row in stored(service)] == [body()["title"]]


@pytest.mark.parametrize("overrides, field", [
    ({"kind": "news"}, "kind"),
    ({"title": "题" * 101}, "title"),
    ({"title": "   "}, "title"),
    ({"body": "文" * 20001}, "body"),
    ({"body": None}, "body"),
    ({"body": ["文"]}, "body"),
    ({"region_code": "659999"}, "region_code"),
    ({"region_code": None}, "region_code"),
    ({"pinned": "yes"}, "pinned"),
    ({"published_at": "明天"}, "published_at"),
    ({"committee_id": "nope"}, "committee_id"),
])
def test_bad_fields_are_refused_with_the_field(service, overrides, field):
    with pytest.raises(Invalid) as caught:
        service.create_notice(ADMIN, body(**overrides))
    assert caught.value.field == field
    assert caught.value.message and not caught.value.message.isascii()
    assert stored(service) == []


def test_limits_are_inclusive(service):
    notice = service.create_notice(ADMIN, body(title="题" * 100, body="文" * 20000))
    assert len(notice["title"]) == 100 and len(notice["body"]) == 20000


def test_update_replaces_content_and_records_the_editor(service):
    notice = service.create_notice(staff(), body())
    impersonated = staff(n=8, impersonated_by={"id": ADMIN["id"], "username": "admin"})
    changed = service.update_notice(impersonated, notice["id"], body(title="更正：报送时间调整", pinned=True))
    assert changed["title"] == "更正：报送时间调整" and changed["pinned"] is True
    assert changed["author"]["id"] == notice["author"]["id"]  # the author stays
    assert changed["updated_by"] == {"id": impersonated["id"], "name": impersonated["name"]}
    assert changed["impersonated_by"] == {"id": ADMIN["id"], "username": "admin"}
    assert service.get_notice(notice["id"])["title"] == "更正：报送时间调整"


def test_a_bad_update_changes_nothing(service):
    notice = service.create_notice(ADMIN, body())
    before = stored(service)
    with pytest.raises(Invalid) as caught:
        service.update_notice(ADMIN, notice["id"], body(title="新标题", kind="other"))
    assert caught.value.field == "kind"
    assert stored(service) == before


def test_another_committees_notice_does_not_exist_for_staff(service):
    theirs = service.create_notice(staff(PREFECTURE_COMMITTEE), body())
    regional = service.create_notice(ADMIN, body(title="自治区通知"))
    before = stored(service)
    for notice_id in (theirs["id"], regional["id"], "missing"):
        with pytest.raises(NotFound) as caught:
            service.update_notice(staff(COMMITTEE), notice_id, body(title="改"))
        assert caught.value.code == "notice_not_found"
        with pytest.raises(NotFound):
            service.delete_notice(staff(COMMITTEE), notice_id)
    assert stored(service) == before
    with pytest.raises(NotFound):
        service.update_notice(ADMIN, "missing", body())


def test_delete_by_own_committee_and_by_admin(service):
    first = service.create_notice(staff(), body())
    second = service.create_notice(staff(), body(title="第二条"))
    assert service.delete_notice(staff(n=9), first["id"]) == {"id": first["id"]}
    assert service.delete_notice(ADMIN, second["id"]) == {"id": second["id"]}
    assert stored(service) == []
    with pytest.raises(NotFound):
        service.get_notice(first["id"])


def test_public_listing_pinned_first_then_newest(service, fake_now):
    ids = {}
    for title, moment, pinned in (("旧", "2026-06-01T09:00:00+08:00", False),
                                  ("新", "2026-06-10T09:00:00+08:00", False),
                                  ("置顶旧", "2026-05-01T09:00:00+08:00", True)):
        ids[title] = service.create_notice(ADMIN, body(title=title, published_at=moment, pinned=pinned))["id"]
    future = service.create_notice(ADMIN, body(title="未来", published_at="2026-07-01T09:00:00+08:00"))
    listed = service.list_notices()
    assert [item["title"] for item in listed["items"]] == ["置顶旧", "新", "旧"]
    assert listed["total"] == 3 and listed["page"] == 1 and listed["page_size"] == 20
    assert "body" not in listed["items"][0] and listed["items"][0]["summary"].startswith("各有关单位")
    assert "impersonated_by" not in listed["items"][0]
    with pytest.raises(NotFound):  # not public before its time
        service.get_notice(future["id"])
    fake_now("2026-07-02T00:00:00+08:00")
    assert service.get_notice(future["id"])["title"] == "未来"
    assert service.list_notices()["items"][1]["title"] == "未来"


def test_public_listing_filters_and_pages(service):
    for n in range(5):
        service.create_notice(ADMIN, body(title=f"自治区{n}", published_at=f"2026-06-0{n + 1}T09:00:00+08:00"))
    service.create_notice(staff(PREFECTURE_COMMITTEE), body(kind="paper_materials", title="乌鲁木齐报送要求"))
    assert service.list_notices(kind="paper_materials")["total"] == 1
    assert service.list_notices(region_code="650100")["items"][0]["title"] == "乌鲁木齐报送要求"
    assert service.list_notices(committee_id=PREFECTURE_COMMITTEE)["total"] == 1
    assert service.list_notices(region_code="650000", kind="announcement")["total"] == 5
    page = service.list_notices(region_code="650000", page=2, page_size=2)
    assert [i["title"] for i in page["items"]] == ["自治区2", "自治区1"] and page["total"] == 5
    assert service.list_notices(page=9)["items"] == []
    for kwargs, field in (({"kind": "x"}, "kind"), ({"region_code": "1"}, "region_code"),
                          ({"page": 0}, "page"), ({"page_size": 101}, "page_size")):
        with pytest.raises(Invalid) as caught:
            service.list_notices(**kwargs)
        assert caught.value.field == field

import pytest

from services.applications.models import CommitteeSettings, Qualification
from tests.unit.applications.conftest import ADMIN, COMMITTEE, DEPARTMENT, PREFECTURE_COMMITTEE, UNIT, applicant
from tests.unit.applications.helpers import qualification
from zc_common.errors import Conflict, Forbidden, Invalid, NotFound


def test_qualification_needs_an_existing_committee(service):
    for committee_id in ("nope", UNIT, DEPARTMENT):
        with pytest.raises(Invalid) as caught:
            service.create_qualification(ADMIN, {"region_code": "650000", "series": "工程系列",
                                                 "specialty": "机械电子", "level": "副高",
                                                 "title": "高级工程师", "committee_id": committee_id})
        assert caught.value.field == "committee_id"
    assert service.db.query(Qualification).count() == 0


def test_qualification_level_and_admin_role(service):
    with pytest.raises(Invalid) as caught:
        service.create_qualification(ADMIN, {"region_code": "650000", "series": "工程系列", "specialty": "机械电子",
                                             "level": "高级", "title": "高级工程师", "committee_id": COMMITTEE})
    assert caught.value.field == "level"
    with pytest.raises(Forbidden):
        service.create_qualification(applicant(), {"region_code": "650000", "series": "工程系列",
                                                   "specialty": "机械电子", "level": "副高",
                                                   "title": "高级工程师", "committee_id": COMMITTEE})
    assert service.db.query(Qualification).count() == 0


def test_same_qualification_twice_is_a_conflict(service):
    qualification(service)
    with pytest.raises(Conflict) as caught:
        qualification(service)
    assert caught.value.code == "qualification_exists"
    assert service.db.query(Qualification).count() == 1


def test_conditions_are_shown_in_the_catalog(service):
    q = qualification(service)
    service.set_qualification_conditions(ADMIN, q["id"], "具备博士学位，取得工程师资格后从事本专业工作2年以上。")
    listed = service.list_qualifications("650000")
    assert listed[0]["conditions"].startswith("具备博士学位")
    assert listed[0]["committee"] == {"id": COMMITTEE, "name": "自治区工程系列高级评审委员会"}
    with pytest.raises(NotFound):
        service.set_qualification_conditions(ADMIN, "missing", "x")


def test_catalog_is_localised(service):
    own = qualification(service, level="中级", region="650100", committee=PREFECTURE_COMMITTEE)
    fallback = qualification(service, level="副高")
    hidden = qualification(service, level="中级")  # the prefecture has its own 中级 committee
    ids = [q["id"] for q in service.list_qualifications("650100")]
    assert own["id"] in ids and fallback["id"] in ids and hidden["id"] not in ids


def settings_body(**overrides):
    return {"submit_opens_at": "2026-06-01T00:00:00+08:00", "submit_closes_at": "2026-06-30T23:59:59+08:00",
            "max_submissions": 3, "fee_fen": 30000, "receiving_department_ids": [DEPARTMENT],
            "node_days": {"unit": 5, "committee": 10}, **overrides}


def test_committee_settings_round_trip(service):
    service.put_committee_settings(ADMIN, COMMITTEE, settings_body())
    got = service.get_committee_settings(COMMITTEE)
    assert got["max_submissions"] == 3 and got["fee_fen"] == 30000
    assert got["submit_closes_at"] == "2026-06-30T23:59:59+08:00"
    assert got["receiving_department_ids"] == [DEPARTMENT]
    assert got["publicity_min_days"] == 5 and got["meeting_quorum"] is None
    assert got["node_days"] == {"unit": 5, "committee": 10}


def test_committee_staff_set_only_their_own_committee(service):
    staff = {**applicant(9), "role": "committee_staff", "org_id": COMMITTEE}
    service.put_committee_settings(staff, COMMITTEE, settings_body(max_submissions=2))
    assert service.get_committee_settings(COMMITTEE)["max_submissions"] == 2
    other = {**staff, "org_id": PREFECTURE_COMMITTEE}
    with pytest.raises(Forbidden):
        service.put_committee_settings(other, COMMITTEE, settings_body(max_submissions=9))
    with pytest.raises(Forbidden):
        service.put_committee_settings(applicant(), COMMITTEE, settings_body(max_submissions=9))
    assert service.get_committee_settings(COMMITTEE)["max_submissions"] == 2


@pytest.mark.parametrize("overrides, field", [
    ({"submit_closes_at": "2026-05-01T00:00:00+08:00"}, "submit_closes_at"),
    ({"submit_opens_at": "soon"}, "submit_opens_at"),
    ({"max_submissions": 0}, "max_submissions"),
    ({"fee_fen": -1}, "fee_fen"),
    ({"receiving_department_ids": [UNIT]}, "receiving_department_ids"),
    ({"node_days": {"moon": 3}}, "node_days.moon"),
])
def test_bad_settings_are_refused_and_change_nothing(service, overrides, field):
    service.put_committee_settings(ADMIN, COMMITTEE, settings_body())
    with pytest.raises(Invalid) as caught:
        service.put_committee_settings(ADMIN, COMMITTEE, settings_body(**overrides))
    assert caught.value.field == field
    service.db.rollback()
    assert service.get_committee_settings(COMMITTEE)["max_submissions"] == 3


def test_settings_for_an_unknown_committee(service):
    with pytest.raises(NotFound):
        service.put_committee_settings(ADMIN, DEPARTMENT, settings_body())
    assert service.get_committee_settings(COMMITTEE) is None
    assert service.db.query(CommitteeSettings).count() == 0

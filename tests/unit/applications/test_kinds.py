"""Application kinds as data (kinds.json): the file is checked at start-up, each
kind's policy decides the fee, the conclusion and the levels, and applications
enforces it on every status change."""
import json

import pytest

from services.applications import kinds
from services.applications.models import Transition
from tests.unit.applications.conftest import UNIT, applicant
from tests.unit.applications.helpers import enough_attachments, fill, qualification, settings
from zc_common.errors import Conflict

COMMITTEE_BY = {"user_id": "c1", "name": "评审委员会", "org_id": "c", "org_name": "评委会", "node": "committee",
                "impersonated_by": None}
# the guides' top bar order: 初次确定 before 特殊人才认定
ALL = ["review", "initial", "special_talent", "conferral", "fanghuiju"]


def test_the_shipped_kinds_are_the_five_of_the_real_platform():
    by_key = {k["key"]: k for k in kinds.all_kinds()}
    assert list(by_key) == ALL
    assert [by_key[k]["name"] for k in ALL] == ["评审", "初次确定", "特殊人才认定", "授予", "访惠聚三年高定"]
    assert [k for k in ALL if by_key[k]["fee"]] == ["review"]
    assert [k for k in ALL if by_key[k]["meeting"]] == ["review", "special_talent"]
    assert {by_key[k]["conclusion"] for k in ("initial", "conferral", "fanghuiju")} == {"confirm"}
    assert by_key["initial"]["levels"] == ["初级", "中级"]
    # the eligibility basis is a plain named key others can refer to
    assert [by_key[k]["eligibility"] for k in ALL] == [
        "achievements", "education_and_years", "exceptional_talent", "credential", "fanghuiju_service"]


def good():
    return json.loads(kinds.KINDS_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("breakage, words", [
    (lambda d: d["kinds"].append(dict(d["kinds"][0])), "重复"),
    (lambda d: d["kinds"][1].update(fee="no"), "fee"),
    (lambda d: d["kinds"][1].update(conclusion="vote"), "conclusion"),
    (lambda d: d["kinds"][2].update(levels=["员级"]), "levels"),
    (lambda d: d["kinds"][2].update(profile="没有这个方案"), "profile"),
    (lambda d: d["kinds"][2].update(colour="red"), "未知字段"),
    (lambda d: d["kinds"][3].update(name=""), "name"),
    (lambda d: d.update(kinds=[k for k in d["kinds"] if k["key"] != "review"]), "review"),
    (lambda d: d.update(kinds=[]), "至少"),
])
def test_a_bad_kinds_file_is_refused_with_its_reason(breakage, words):
    document = good()
    breakage(document)
    with pytest.raises(kinds.KindsFileError) as caught:
        kinds.check(document, years=[2025, 2026])
    assert words in str(caught.value)


def test_the_start_fails_on_a_bad_file(tmp_path, monkeypatch):
    bad = tmp_path / "kinds.json"
    bad.write_text('{"kinds": [{"key": "review"}]}', encoding="utf-8")
    monkeypatch.setenv("ZC_APPLICATION_KINDS", str(bad))
    kinds.load.cache_clear()
    try:
        with pytest.raises(kinds.KindsFileError):
            kinds.load()
    finally:
        monkeypatch.delenv("ZC_APPLICATION_KINDS")
        kinds.load.cache_clear()
    assert kinds.get("initial")["name"] == "初次确定"


def test_fits_checks_the_qualification_and_the_level():
    initial = kinds.get("initial")
    assert kinds.fits(initial, "中级", ALL) is None
    assert "只能申报" in kinds.fits(initial, "副高", ALL)
    assert "不接受" in kinds.fits(initial, "中级", ["review"])
    assert kinds.fits(kinds.get("fanghuiju"), "正高", ALL) is None


def test_the_service_lists_the_kinds(service):
    listed = service.list_kinds()
    assert [k["key"] for k in listed] == ALL
    assert {"key", "name", "fee", "meeting", "conclusion", "eligibility", "description"} <= set(listed[0])


def at_committee(service, kind, n=1):
    settings(service)
    # 初次确定 reaches 中级 only from 硕士 + 3 years or 博士 (eligibility_rules): COMPLETE's
    # 本科 applicant is determined at 初级
    q = qualification(service, level="初级" if kind == "initial" else "中级", kinds=ALL, specialty=f"机械{n}")
    who = applicant(n)
    app = service.create_application(who, {"qualification_id": q["id"], "unit_id": UNIT, "year": 2026, "kind": kind})
    fill(service, who, app)
    service.documents.list_attachments.return_value = enough_attachments(app)
    service.submit(who, app["id"])
    service.dispatch.clear()
    return app, who


def test_a_kind_without_fee_is_ready_for_the_committee_once_formal_review_passes(service):
    app, who = at_committee(service, "initial")
    answer = service.transition("p-1", app["id"], "pass_formal_review", "formal_review_passed", COMMITTEE_BY)
    assert answer["status"] == "ready_for_meeting"
    view = service.get_application(who, app["id"])
    assert [h["action"] for h in view["history"]][-2:] == ["pass_formal_review", "fee_waived"]
    assert view["status_info"]["name"] == "待评审委员会认定"
    passed = next(p for e, p in service.dispatch if e == "formal_review_passed")
    assert passed["kind"] == {"key": "initial", "name": "初次确定", "fee": False, "meeting": False,
                              "conclusion": "confirm", "eligibility": "education_and_years"}
    # a repeat of the same request changes nothing
    service.transition("p-1", app["id"], "pass_formal_review", "formal_review_passed", COMMITTEE_BY)
    assert service.db.query(Transition).filter_by(application_id=app["id"], action="fee_waived").count() == 1


def test_a_confirm_kind_is_confirmed_not_voted_and_a_meeting_kind_the_other_way(service):
    app, who = at_committee(service, "conferral", n=1)
    service.transition("p-2", app["id"], "pass_formal_review", "formal_review_passed", COMMITTEE_BY)
    with pytest.raises(Conflict) as caught:
        service.transition("m-2", app["id"], "meeting_passed", "passed", COMMITTEE_BY)
    assert caught.value.code == "wrong_kind"
    with pytest.raises(Conflict):
        service.transition("f-2", app["id"], "fee_paid", "ready_for_meeting", COMMITTEE_BY)
    assert service.transition("c-2", app["id"], "confirm", "passed", COMMITTEE_BY)["status"] == "passed"
    assert service.get_application(who, app["id"])["status_info"]["name"] == "认定通过"

    review, who2 = at_committee(service, "review", n=2)
    service.transition("p-3", review["id"], "pass_formal_review", "formal_review_passed", COMMITTEE_BY)
    assert service.get_application(who2, review["id"])["status"] == "formal_review_passed"  # waits for the fee
    service.transition("f-3", review["id"], "fee_paid", "ready_for_meeting", COMMITTEE_BY)
    with pytest.raises(Conflict) as caught:
        service.transition("c-3", review["id"], "confirm", "passed", COMMITTEE_BY)
    assert caught.value.code == "wrong_kind"
    assert service.get_application(who2, review["id"])["status"] == "ready_for_meeting"


def test_a_meeting_kind_without_fee_goes_to_the_meeting(service):
    app, who = at_committee(service, "special_talent")
    service.transition("p-4", app["id"], "pass_formal_review", "formal_review_passed", COMMITTEE_BY)
    assert service.get_application(who, app["id"])["status_info"]["name"] == "待会议评审"
    assert service.transition("m-4", app["id"], "meeting_passed", "passed", COMMITTEE_BY)["status"] == "passed"


def test_the_catalog_lists_what_a_kind_may_apply_for(service):
    qualification(service, level="中级", kinds=ALL)
    qualification(service, level="副高", kinds=["review"], specialty="电气")
    assert [q["level"] for q in service.list_qualifications(None, "initial")] == ["中级"]
    assert len(service.list_qualifications(None, "review")) == 2


def test_the_submission_countdown_ends_with_formal_review(service):
    """距提交截止还有N天 was shown on an approved application: once formal review has
    passed no submission is left to make, so there is no countdown (the date stays)."""
    app, who = at_committee(service, "special_talent", n=5)
    assert isinstance(service.get_application(who, app["id"])["days_to_close"], int)  # a return needs a resubmit
    service.transition("p-5", app["id"], "pass_formal_review", "formal_review_passed", COMMITTEE_BY)
    view = service.get_application(who, app["id"])
    assert view["days_to_close"] is None and view["submit_closes_at"]

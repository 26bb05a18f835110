"""在线问答's rules: who may ask whom, who may answer (only the staff of the
organisation asked — anyone else is told the question does not exist), what may be
published, and the notices queued with each change."""
import pytest

from tests.unit.applications.conftest import COMMITTEE, DEPARTMENT, UNIT, applicant
from zc_common.errors import Conflict, Forbidden, Invalid, NotFound

ME = applicant(1)


def staff(org_id, role="committee_staff", n=1):
    return {"id": f"s{n}".ljust(32, "0"), "name": "工作人员", "role": role, "org_id": org_id,
            "impersonated_by": None}


def notices(service):
    return [p for kind, p in service.dispatch if kind == "notice_requested"]


def ask(service, actor=ME, to=COMMITTEE, **extra):
    return service.ask_question(actor, {"to_org_id": to, "title": "申报时间", "body": "何时截止？", **extra})


def test_ask_answer_and_publish_with_notices_both_ways(service):
    q = ask(service)
    assert q["state"] == "waiting" and q["to"]["name"] == "自治区工程系列高级评审委员会"
    assert notices(service)[-1]["org_ids"] == [COMMITTEE]
    answered = service.answer_question(staff(COMMITTEE), q["id"], {"answer": "月底截止", "publish": True})
    assert answered["published"] and answered["answered_by"]["name"] == "工作人员"
    assert notices(service)[-1]["user_ids"] == [ME["id"]]
    assert [f["answer"] for f in service.faq(COMMITTEE)] == ["月底截止"]
    assert "asker" not in service.faq(COMMITTEE)[0]
    assert service.faq(DEPARTMENT) == []


def test_answering_another_organisations_question_is_refused(service):
    q = ask(service)
    for outsider in (staff(DEPARTMENT, "department_staff"), staff("x" * 32)):
        with pytest.raises(NotFound):
            service.answer_question(outsider, q["id"], {"answer": "越权"})
        with pytest.raises(NotFound):
            service.get_question(outsider, q["id"])
    with pytest.raises(Forbidden):
        service.answer_question(ME, q["id"], {"answer": "自问自答"})
    with pytest.raises(NotFound):
        service.get_question(applicant(2), q["id"])
    assert service.get_question(ME, q["id"])["answer"] is None


def test_bad_questions_and_publishing_unanswered_are_refused(service):
    with pytest.raises(Invalid):
        ask(service, to=UNIT)           # a unit is not asked
    with pytest.raises(Invalid):
        ask(service, to="nobody")
    with pytest.raises(Invalid):
        ask(service, body="   ")
    with pytest.raises(Invalid):
        ask(service, title="长" * 101)
    with pytest.raises(Forbidden):
        ask(service, actor=staff(COMMITTEE))
    q = ask(service)
    with pytest.raises(Conflict) as caught:
        service.publish_question(staff(COMMITTEE), q["id"], True)
    assert caught.value.code == "not_answered"
    with pytest.raises(Invalid):
        service.answer_question(staff(COMMITTEE), q["id"], {"answer": "好", "publish": "yes"})
    assert service.faq(COMMITTEE) == []


def test_a_units_question_is_seen_by_the_unit_and_the_department(service):
    unit_admin = {"id": "ua".ljust(32, "0"), "name": "单位管理员", "role": "unit_admin", "org_id": UNIT,
                  "impersonated_by": None}
    q = ask(service, actor=unit_admin, to=DEPARTMENT)
    assert q["asker"]["org_name"] == "乌鲁木齐某设计院"
    assert [x["id"] for x in service.list_questions(staff(DEPARTMENT, "department_staff"))] == [q["id"]]
    assert service.list_questions(staff(COMMITTEE)) == []
    assert service.list_questions(ME) == []
    service.answer_question(staff(DEPARTMENT, "department_staff"), q["id"], {"answer": "请选主管局"})
    assert service.list_questions(unit_admin, "answered")[0]["answer"] == "请选主管局"
    assert notices(service)[-1]["org_ids"] == [UNIT]

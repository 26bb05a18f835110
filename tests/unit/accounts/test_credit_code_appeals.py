"""变更统一社会信用代码 through an appeal: the unit asks, a platform administrator
approves (the code changes, the old one goes into the unit's history) or rejects
with a reason; the unit is told. Each refusal stores nothing."""
import pytest
from sqlalchemy import func, select

from services.accounts.models import Appeal, InboxMessage, Organization
from tests.unit.accounts.builders import PASSWORD, applicant, credit_code, unit
from zc_common.errors import Conflict, Forbidden, Invalid, NotFound


@pytest.fixture
def world(service, admin):
    created = service.register_unit(unit())
    other = service.register_unit(unit())
    return {
        "unit": created,
        "unit_admin": service.login(created["username"], PASSWORD, None, "10.7.0.1")["user"],
        "other": other,
        "other_admin": service.login(other["username"], PASSWORD, None, "10.7.0.2")["user"],
        "admin": admin["user"],
    }


def appeals(db):
    return db.scalar(select(func.count()).select_from(Appeal))


def test_approved_the_code_changes_and_the_old_one_is_kept(service, db, world):
    unit_id = world["unit"]["unit_id"]
    old = db.get(Organization, unit_id).credit_code
    new = credit_code()
    service.documents_rpc.store_private_file.return_value = {"id": "file-9", "name": "licence.pdf"}
    asked = service.submit_credit_code_appeal(world["unit_admin"], unit_id,
                                              {"credit_code": new.lower(), "reason": "三证合一后换发营业执照"},
                                              "licence.pdf", "JVBE")
    assert (asked["status"], asked["credit_code"], asked["old_credit_code"], asked["has_scan"]) == (
        "pending", new, old, True)
    assert service.documents_rpc.store_private_file.call_args.kwargs["owner_ref"] == f"appeal:{asked['id']}"
    listed = next(a for a in service.list_appeals(world["admin"], "pending") if a["id"] == asked["id"])
    assert listed["kind"] == "credit_code" and listed["unit"]["id"] == unit_id and listed["reason"]
    assert listed["name_mismatch"] is False

    decided = service.decide_appeal(world["admin"], asked["id"], True, "核对营业执照无误")
    assert decided["status"] == "approved"
    view = service.get_unit(world["unit_admin"], unit_id)
    assert view["credit_code"] == new
    assert [(h["old_code"], h["new_code"]) for h in view["credit_code_history"]] == [(old, new)]
    assert view["name_history"] == []   # the same history, kept apart by what changed
    assert view["credit_code_appeals"][0]["status"] == "approved"
    assert service.get_organizations([unit_id])[unit_id]["credit_code"] == new
    told = db.scalars(select(InboxMessage).where(InboxMessage.user_id == world["unit_admin"]["id"])).all()
    assert any(new in m.body and "已通过" in m.body for m in told)
    with pytest.raises(Conflict) as caught:
        service.decide_appeal(world["admin"], asked["id"], False, "再次处理")
    assert caught.value.code == "appeal_decided"


def test_rejected_needs_a_reason_and_the_unit_sees_it(service, db, world):
    unit_id = world["unit"]["unit_id"]
    old = db.get(Organization, unit_id).credit_code
    asked = service.submit_credit_code_appeal(world["unit_admin"], unit_id,
                                              {"credit_code": credit_code(), "reason": "登记信息有误"})
    assert asked["has_scan"] is False and service.documents_rpc.store_private_file.call_count == 0
    with pytest.raises(NotFound):
        service.appeal_scan(world["admin"], asked["id"])
    with pytest.raises(Invalid) as caught:
        service.decide_appeal(world["admin"], asked["id"], False, "  ")
    assert caught.value.code == "note_required"
    service.decide_appeal(world["admin"], asked["id"], False, "请上传营业执照扫描件")
    view = service.get_unit(world["unit_admin"], unit_id)
    assert view["credit_code"] == old and view["credit_code_history"] == []
    assert (view["credit_code_appeals"][0]["status"], view["credit_code_appeals"][0]["note"]) == (
        "rejected", "请上传营业执照扫描件")


def test_refusals_store_nothing(service, db, world):
    unit_id = world["unit"]["unit_id"]
    current = db.get(Organization, unit_id).credit_code
    taken = db.get(Organization, world["other"]["unit_id"]).credit_code
    bad = current[:17] + ("0" if current[17] != "0" else "1")
    cases = [
        ({"credit_code": bad, "reason": "变更"}, Invalid, "invalid_credit_code"),
        ({"credit_code": current.lower(), "reason": "变更"}, Invalid, "credit_code_unchanged"),
        ({"credit_code": taken, "reason": "变更"}, Conflict, "credit_code_taken"),
        ({"credit_code": credit_code(), "reason": " "}, Invalid, "invalid_field"),
    ]
    for data, error, code in cases:
        with pytest.raises(error) as caught:
            service.submit_credit_code_appeal(world["unit_admin"], unit_id, data)
        assert caught.value.code == code, data
    # Another unit's administrator, a person, a platform administrator: not theirs to ask.
    with pytest.raises(NotFound):
        service.submit_credit_code_appeal(world["other_admin"], unit_id, {"credit_code": credit_code(), "reason": "x"})
    person = service.register_applicant(applicant())
    person_actor = service.login(person["username"], PASSWORD, None, "10.7.0.3")["user"]
    for actor in (person_actor, world["admin"]):
        with pytest.raises(Forbidden):
            service.submit_credit_code_appeal(actor, unit_id, {"credit_code": credit_code(), "reason": "x"})
    assert appeals(db) == 0
    # One at a time: a second while the first waits is refused.
    ask = {"credit_code": credit_code(), "reason": "换证"}
    service.submit_credit_code_appeal(world["unit_admin"], unit_id, ask)
    with pytest.raises(Conflict) as caught:
        service.submit_credit_code_appeal(world["unit_admin"], unit_id, {**ask, "credit_code": credit_code()})
    assert caught.value.code == "appeal_pending" and appeals(db) == 1


def test_a_code_taken_meanwhile_is_refused_at_approval(service, db, world):
    unit_id = world["unit"]["unit_id"]
    new = credit_code()
    asked = service.submit_credit_code_appeal(world["unit_admin"], unit_id, {"credit_code": new, "reason": "换证"})
    service.register_unit(unit(credit_code=new))   # another unit registers with it first
    with pytest.raises(Conflict) as caught:
        service.decide_appeal(world["admin"], asked["id"], True, None)
    assert caught.value.code == "credit_code_taken"
    assert db.get(Appeal, asked["id"]).status == "pending"
    assert db.get(Organization, unit_id).credit_code != new

"""The pool over a throwaway database: 入库 to the committee's or the region's pool,
出库 and 入库 again with their reasons, relations checked, and who a draw sees."""
import pytest

from services.review import expert_models, experts
from services.review.models import Base
from tests.unit.dbutil import session_for
from zc_common.errors import Conflict, Invalid, NotFound

assert expert_models  # its tables share Base
SECRETARY = {"id": "s1", "name": "秘书", "role": "committee_staff", "org_id": "c1"}
OTHER = {"id": "s2", "name": "秘书", "role": "committee_staff", "org_id": "c2"}


class Accounts:
    def create_expert_account(self, actor, data):
        return {"user_id": f"u-{data['username']}", "username": data["username"], "created": True,
                "name": data["name"], "phone": data["phone"], "id_number": data["id_number"],
                "unit_credit_code": None}


class Orgs:
    def get(self, org_id):
        return {"c1": {"region_code": "650100"}, "c2": {"region_code": "650100"}, "c3": {"region_code": "650200"}
                }.get(org_id)


class Deps:
    def __init__(self, session):
        self.session, self.accounts, self.orgs = session, Accounts(), Orgs()


def body(username, **overrides):
    return {"username": username, "password": "x", "name": "专家", "phone": "13900001111",
            "id_number": "650102197001011234", "specialties": ["内科"], "title": "主任医师", "level": "正高",
            "unit_name": "喀什医院", "region_code": "653101", "reason": "推荐入库", **overrides}


@pytest.fixture
def deps():
    return Deps(session_for(Base))


def test_the_regional_pool_is_shared_by_the_regions_committees(deps):
    experts.add_expert(deps, SECRETARY, body("own"))
    experts.add_expert(deps, SECRETARY, body("shared", pool="region"))
    mine = {e["username"] for e in experts.list_pool(deps, SECRETARY)}
    theirs = {e["username"] for e in experts.list_pool(deps, OTHER)}
    assert mine == {"own", "shared"} and theirs == {"shared"}
    drawable = {e["id"] for e in experts.active_experts(deps.session, experts.pools_of(deps, "c2"))}
    assert drawable == {"u-shared"}
    assert {e["id"] for e in experts.active_experts(deps.session, experts.pools_of(deps, "c2", False))} == set()


def test_removal_and_readmission_keep_the_history(deps):
    experts.add_expert(deps, SECRETARY, body("e1"))
    with pytest.raises(Conflict):
        experts.add_expert(deps, SECRETARY, body("e1"))
    gone = experts.remove(deps, SECRETARY, "u-e1", {"reason": "退休", "on": "2026-11-30"})
    assert gone["active"] is False and gone["stays"][0]["removed_on"] == "2026-11-30"
    assert experts.active_experts(deps.session, ["c1"]) == []
    with pytest.raises(Conflict):
        experts.remove(deps, SECRETARY, "u-e1", {"reason": "再次"})
    back = experts.readmit(deps, SECRETARY, "u-e1", {"reason": "返聘"})
    assert back["active"] is True and len(back["stays"]) == 2
    with pytest.raises(NotFound):
        experts.remove(deps, {**SECRETARY, "org_id": "c3"}, "u-e1", {"reason": "x"})
    with pytest.raises(Invalid):
        experts.remove(deps, SECRETARY, "u-e1", {"reason": " "})


@pytest.mark.parametrize("relations, code", [
    ([{"kind": "cousin", "name": "王"}], "invalid_relation_kind"),
    ([{"kind": "family"}], "invalid_relation"),
    ([{"kind": "family", "name": "王", "id_number": "12345"}], "invalid_id_number"),
    ([{"kind": "team", "unit_name": "某院", "credit_code": "short"}], "invalid_credit_code"),
    ("not a list", "invalid_field"),
])
def test_relations_are_checked(relations, code):
    with pytest.raises(Invalid) as refused:
        experts.checked_relations(relations)
    assert refused.value.code == code


@pytest.mark.parametrize("change", [{"specialties": []}, {"region_code": "٦٥٠١٠٠"}, {"title": ""}, {"unit_name": None}])
def test_the_profile_is_checked(change):
    with pytest.raises(Invalid):
        experts.checked_profile(body("x", **change))


def test_the_platform_admin_sees_every_pool(deps):
    experts.add_expert(deps, SECRETARY, body("a"))
    experts.add_expert(deps, {**SECRETARY, "org_id": "c3"}, body("b", pool="region"))
    listed = {e["username"]: e for e in experts.list_all(deps.session)}
    assert set(listed) == {"a", "b"} and listed["b"]["stays"][0]["pool"] == "region"

"""The route: departments from the recommending unit up their parents to a
department the committee accepts material from."""
import pytest

from services.review import routing
from zc_common.errors import Conflict, Invalid


def dept(org_id, parent=None):
    return {"id": org_id, "kind": "department", "name": f"部门{org_id}", "parent_id": parent,
            "contact": {"person": "王五", "phone": "0991"}}


ORGS = {o["id"]: o for o in (dept("d1", "d2"), dept("d2", "d3"), dept("d3"), dept("loop1", "loop2"),
                             dept("loop2", "loop1"), {"id": "c", "kind": "committee", "name": "委员会"})}


def orgs():
    calls = []

    def lookup(ids):
        calls.append(list(ids))
        return {i: ORGS[i] for i in ids if i in ORGS}
    memo = routing.Orgs(lookup)
    memo.log = calls
    return memo


def test_chain_climbs_parents_up_to_a_receiving_department():
    assert [o["id"] for o in routing.department_chain("d1", ["d3"], orgs())] == ["d1", "d2", "d3"]
    assert [o["id"] for o in routing.department_chain("d1", ["d2", "d3"], orgs())] == ["d1", "d2"]


def test_chain_that_never_reaches_a_receiving_department_names_where_it_breaks():
    with pytest.raises(Conflict) as broken:
        routing.department_chain("d1", ["elsewhere"], orgs())
    assert broken.value.code == "no_route" and broken.value.extra["broken_at"] == "d3"
    assert "部门d3" in broken.value.message
    with pytest.raises(Conflict) as looped:
        routing.department_chain("loop1", ["d3"], orgs())
    assert looped.value.extra["broken_at"] == "loop1"
    with pytest.raises(Conflict) as not_a_department:
        routing.department_chain("c", ["d3"], orgs())
    assert not_a_department.value.code == "no_route"


def test_next_stop_from_each_node():
    memo = orgs()
    assert routing.next_stop("unit", {"id": "u"}, ["d3"], memo, "d1")[1]["id"] == "d1"
    assert routing.next_stop("department", ORGS["d1"], ["d3"], memo)[1]["id"] == "d2"
    assert routing.next_stop("department", ORGS["d3"], ["d3"], memo) == ("committee", None)
    assert routing.next_stop("committee", ORGS["c"], ["d3"], memo) == ("passed", None)
    # Memoised: each organisation is asked for once.
    assert sum(len(c) for c in memo.log) == len({i for c in memo.log for i in c})


def test_recommending_unit_choice():
    one = {"id": "u", "name": "单位", "recommending_unit_ids": ["d1"]}
    two = {"id": "u", "name": "单位", "recommending_unit_ids": ["d1", "d2"]}
    assert routing.pick_recommending_unit(one) == "d1"
    assert routing.pick_recommending_unit(two, "d2") == "d2"
    with pytest.raises(Invalid) as required:
        routing.pick_recommending_unit(two)
    assert required.value.code == "recommending_unit_required" and required.value.field == "recommending_unit_id"
    with pytest.raises(Invalid) as foreign:
        routing.pick_recommending_unit(one, "d3")
    assert foreign.value.code == "invalid_recommending_unit"
    with pytest.raises(Conflict):
        routing.pick_recommending_unit({"id": "u", "recommending_unit_ids": []})


def test_planned_tail_stops_quietly_where_the_chain_breaks():
    assert routing.planned_tail("unit", "u", ["d3"], orgs(), "d1") == [("department", "d1"), ("department", "d2"),
                                                                         ("department", "d3")]
    assert routing.planned_tail("department", "d1", ["d3"], orgs()) == [("department", "d2"), ("department", "d3")]
    assert routing.planned_tail("unit", "u", ["nowhere"], orgs(), "d1") == []

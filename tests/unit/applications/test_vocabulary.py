"""The one status vocabulary: complete for the life cycle, and its flags are the
rules that use them (not a second opinion beside them)."""
import pytest

from services.applications import rules, vocabulary
from services.applications.models import Application
from services.review import routing
from tests.unit.applications.helpers import settings
from tests.unit.applications.test_dossier import ME, new
from zc_common.errors import Conflict


def reachable_from(start):
    seen, todo = {start}, [start]
    while todo:
        status = todo.pop()
        for froms, to in rules.LIFE_CYCLE.values():
            if status in froms and to not in seen:
                seen.add(to)
                todo.append(to)
    return seen


def test_every_status_the_life_cycle_reaches_is_named_and_flagged_and_no_other():
    in_life_cycle = {s for froms, to in rules.LIFE_CYCLE.values() for s in (*froms, to)}
    assert reachable_from("draft") == in_life_cycle == set(vocabulary.KEYS)
    names = [vocabulary.STATUSES[key]["name"] for key in vocabulary.KEYS]
    assert all(names) and len(set(names)) == len(names)  # one name each, none shared
    for key in vocabulary.KEYS:
        info = vocabulary.status_info(key)
        assert info["key"] == key
        assert {flag: type(info[flag]) for flag in vocabulary.FLAGS} == dict.fromkeys(vocabulary.FLAGS, bool)


def test_the_flags_are_the_life_cycles_rules():
    assert set(vocabulary.keys_where("editable")) == set(rules.LIFE_CYCLE["submit"][0]) == set(rules.EDITABLE)
    assert set(vocabulary.keys_where("withdrawable")) == set(rules.LIFE_CYCLE["withdraw"][0])
    # In review: where the review nodes act (forward, return, pass formal review).
    assert set(vocabulary.keys_where("in_review")) == {
        s for action in ("forward", "return", "pass_formal_review") for s in rules.LIFE_CYCLE[action][0]}
    # Formal: formal review has passed — that status and everything after it.
    assert set(vocabulary.keys_where("formal")) == reachable_from(rules.LIFE_CYCLE["pass_formal_review"][1])
    # Final: nothing leads anywhere from it.
    assert set(vocabulary.keys_where("final")) == {
        key for key in vocabulary.KEYS if not any(key in froms for froms, _ in rules.LIFE_CYCLE.values())}


def test_in_review_the_status_is_named_after_each_node_a_route_can_hold_it_at():
    # Submit puts it at the unit; a forward moves it to a department or the committee.
    orgs = {"u1": {"id": "u1"}, "d1": {"id": "d1", "kind": "department", "parent_id": None}}
    nodes = {"unit", routing.next_stop("unit", orgs["u1"], ["d1"], orgs, "d1")[0],
             routing.next_stop("department", orgs["d1"], ["d1"], orgs)[0]}
    assert nodes == {"unit", "department", "committee"}
    names = vocabulary.status_info("submitted")["names_at_node"]
    assert nodes <= set(names)
    assert names["unit"] == "申请人提交到基层工作单位"  # the guides' words
    assert all("names_at_node" not in vocabulary.status_info(k) for k in vocabulary.KEYS if k != "submitted")


def test_the_vocabulary_lists_every_status_in_life_cycle_order(service):
    listed = service.list_statuses()
    assert [s["key"] for s in listed] == list(vocabulary.KEYS)
    assert listed[0]["key"] == "draft" and listed[-1]["key"] == "approved"


@pytest.mark.parametrize("status", vocabulary.KEYS)
def test_sections_may_be_saved_exactly_when_the_status_is_editable(service, status):
    settings(service)
    app = new(service)
    row = service.db.get(Application, app["id"])
    row.status = status
    service.db.commit()
    seen = service.get_application(ME, app["id"])
    assert seen["status"] == status and seen["status_info"] == vocabulary.status_info(status)
    if vocabulary.STATUSES[status]["editable"]:
        saved = service.save_section(ME, app["id"], "basic_info", {"name": "张三"})
        assert saved["status_info"]["editable"] is True
    else:
        with pytest.raises(Conflict):
            service.save_section(ME, app["id"], "basic_info", {"name": "张三"})


def test_the_status_events_carry_the_status_info(service):
    settings(service)
    app = new(service)
    row = service.db.get(Application, app["id"])
    row.status = "submitted"
    service.db.commit()
    service.dispatch.clear()
    service.transition("r-v1", app["id"], "return", "returned", {"node": "unit", "org_id": "o1"})
    payloads = [payload for _, payload in service.dispatch]
    assert payloads and all(p["status_info"] == vocabulary.status_info("returned") for p in payloads)

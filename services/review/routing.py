"""The review route as plain rules: applicant → base unit → the chain of departments
from the unit's recommending unit, following each department's ``parent_id``, up to
a department the committee accepts material from → committee → 通过形式审核.

Organisations come from a ``lookup(ids) -> {id: org}`` callable (accounts'
``get_organizations``), memoised per call by ``Orgs`` so a chain costs one RPC per
level at most."""
from zc_common.errors import Conflict, Invalid

# The places of departments, lowest first (names: applications' vocabulary.NODE_LABELS).
DEPARTMENT_PLACES = ("county_department", "prefecture_department", "receiving_department")
MAX_CHAIN = 20  # departments above one unit; more means a loop or a data error


class Orgs:
    """Memo over accounts.get_organizations for the life of one worker call."""

    def __init__(self, lookup):
        self.lookup = lookup
        self.known = {}
        self.calls = 0

    def get_many(self, ids):
        missing = [i for i in dict.fromkeys(ids) if i and i not in self.known]
        if missing:
            self.calls += 1
            found = self.lookup(missing) or {}
            for org_id in missing:
                self.known[org_id] = found.get(org_id)
        return {i: self.known.get(i) for i in ids if i}

    def get(self, org_id):
        return self.get_many([org_id]).get(org_id) if org_id else None


def org_label(org, fallback="组织"):
    return (org or {}).get("name") or fallback


def pick_recommending_unit(unit, requested=None):
    """The recommending unit the base unit forwards to: the one it names (among its
    own), its only one, or — with two and none named — 422."""
    choices = list((unit or {}).get("recommending_unit_ids") or [])
    if requested:
        if requested not in choices:
            raise Invalid("invalid_recommending_unit", "所选推荐单位不是本单位设置的推荐单位",
                          field="recommending_unit_id")
        return requested
    if not choices:
        raise Conflict("no_route", f"基层单位「{org_label(unit, '本单位')}」尚未设置推荐单位，无法上报",
                       broken_at=(unit or {}).get("id"))
    if len(choices) > 1:
        raise Invalid("recommending_unit_required", "本单位有两个推荐单位，请选择一个推荐单位",
                      field="recommending_unit_id")
    return choices[0]


def planned_recommending_unit(unit, chosen=None):
    """For showing a route before the unit has chosen: its choice, else its first."""
    choices = list((unit or {}).get("recommending_unit_ids") or [])
    if chosen and chosen in choices:
        return chosen
    return choices[0] if choices else None


def department_chain(start_id, receiving_ids, orgs):
    """Departments from ``start_id`` up its parents to the first one the committee
    accepts material from. Raises 409 ``no_route`` naming where the chain breaks."""
    receiving = set(receiving_ids or ())
    chain, seen, current_id = [], set(), start_id
    while True:
        org = orgs.get(current_id)
        if org is None or org.get("kind") != "department":
            below = chain[-1] if chain else None
            where = f"「{org_label(below)}」的上级部门" if below else "所选推荐单位"
            raise Conflict("no_route", f"审核路线中断：{where}不存在或不是主管部门",
                           broken_at=below["id"] if below else current_id)
        if current_id in seen or len(chain) >= MAX_CHAIN:
            raise Conflict("no_route", f"审核路线中断：主管部门「{org_label(org)}」的上级关系出现循环",
                           broken_at=current_id)
        seen.add(current_id)
        chain.append(org)
        if current_id in receiving:
            return chain
        parent_id = org.get("parent_id")
        if not parent_id:
            raise Conflict("no_route",
                           f"审核路线中断：主管部门「{org_label(org)}」不是评审委员会的材料接收部门，且没有上级部门",
                           broken_at=current_id)
        current_id = parent_id


def next_stop(node, org, receiving_ids, orgs, recommending_unit_id=None):
    """Where a forward from (node, org) goes: ("department", org), ("committee", None)
    or ("passed", None). The whole onward chain is checked, so a broken route is
    refused at the forward, not discovered later."""
    if node == "unit":
        chain = department_chain(recommending_unit_id, receiving_ids, orgs)
        return "department", chain[0]
    if node == "department":
        if org["id"] in set(receiving_ids or ()):
            return "committee", None
        chain = department_chain(org.get("parent_id"), receiving_ids, orgs) if org.get("parent_id") else None
        if not chain:
            raise Conflict("no_route",
                           f"审核路线中断：主管部门「{org_label(org)}」不是评审委员会的材料接收部门，且没有上级部门",
                           broken_at=org["id"])
        return "department", chain[0]
    return "passed", None


def planned_tail(node, org_id, receiving_ids, orgs, recommending_unit_id=None):
    """The pending nodes after (node, org_id), as far as they can be known; a broken
    chain simply ends the plan (the forward will say why)."""
    try:
        if node == "unit":
            if not recommending_unit_id:
                return []
            return [("department", o["id"]) for o in department_chain(recommending_unit_id, receiving_ids, orgs)]
        if node == "department":
            if org_id in set(receiving_ids or ()):
                return []
            org = orgs.get(org_id) or {}
            if not org.get("parent_id"):
                return []
            return [("department", o["id"]) for o in department_chain(org["parent_id"], receiving_ids, orgs)]
    except Conflict:
        return []
    return []


def places(nodes):
    """Each node's place on the route: a department by how far below the top
    department (the committee's 材料接收部门) it sits — ``receiving_department``,
    then ``prefecture_department``, any lower ``county_department`` (the guides'
    地厅级材料接收部门 / 地州主管局 / 县(市)级材料接收部门); other nodes are their own."""
    total = sum(1 for n in nodes if n == "department")
    seen, out = 0, []
    for node in nodes:
        if node != "department":
            out.append(node)
            continue
        seen += 1
        from_top = total - seen
        out.append(DEPARTMENT_PLACES[max(0, 2 - from_top)])
    return out


def route_node(node, org_id, state, org=None, name=None, place=None, label=""):
    contact = (org or {}).get("contact") or {}
    return {"node": node, "place": place or node, "label": label, "org_id": org_id, "name": name or org_label(org, ""),
            "contact": {"person": contact.get("person"), "phone": contact.get("phone")},
            "state": state}

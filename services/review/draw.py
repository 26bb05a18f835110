"""Screening (回避) and the random draw of a meeting's panel, as plain functions
over plain data — the rules read like the sentences of the issue, and a draw can be
repeated by anyone from its seed and candidate list.

An expert is screened against every application of the meeting; one reason
against any of them keeps the expert off the panel (a clean panel: nobody leaves
the room application by application). Each reason is kept for the record."""
import random
import secrets
import unicodedata

from zc_common.errors import Conflict

# Stable codes of the exclusion reasons, with what the committee reads.
REASONS = {
    "own_unit": "与申请人同一工作单位",
    "relation": "申报的回避关系",
    "applicant": "本年度本人在本委员会申报",
    "same_area": "与申请人单位同一县（市、区）",
    "declared": "专家声明存在利益冲突",
}
RELATION_KINDS = {"family": "亲属", "supervisor": "导师", "student": "学生", "coauthor": "合著者",
                  "team": "近三年同一团队"}


def _key(text):
    """Names compared as people type them: full-width / half-width, spaces."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def _same(a, b):
    return bool(_key(a)) and _key(a) == _key(b)


def same_unit(expert, application):
    unit = application.get("unit") or {}
    if expert.get("unit_credit_code") and unit.get("credit_code"):
        return _same(expert["unit_credit_code"], unit["credit_code"])
    return _same(expert.get("unit_name"), unit.get("name"))


def related_by(relation, application):
    """Does a declared relation name this application's applicant or unit? A person
    is matched by ID number when the relation gives one, else by name (a namesake
    screened out is the safe mistake); a unit by credit code, else by name."""
    applicant = application.get("applicant") or {}
    unit = application.get("unit") or {}
    if relation.get("id_number"):
        if _same(relation["id_number"], applicant.get("id_number")):
            return True
    elif relation.get("name") and _same(relation["name"], applicant.get("name")):
        return True
    if relation.get("credit_code") and unit.get("credit_code"):
        return _same(relation["credit_code"], unit["credit_code"])
    return bool(relation.get("unit_name")) and _same(relation["unit_name"], unit.get("name"))


def exclusions_for(expert, application, *, applies_this_year=None, exclude_same_area=False):
    """Every reason this expert must not judge this application: [(code, detail)].
    ``applies_this_year``: the expert's own application number at this committee
    this year, when there is one."""
    found = []
    if same_unit(expert, application):
        found.append(("own_unit", f"专家工作单位「{expert.get('unit_name') or ''}」即申请人单位"))
    for relation in expert.get("relations") or ():
        if related_by(relation, application):
            kind = RELATION_KINDS.get(relation.get("kind"), relation.get("kind") or "")
            whom = relation.get("name") or relation.get("unit_name") or ""
            found.append(("relation", f"申报的回避关系：{kind}（{whom}）"))
    if applies_this_year:
        found.append(("applicant", f"本人为本年度本委员会申请人（申请书 {applies_this_year}）"))
    area = (application.get("unit") or {}).get("region_code")
    if exclude_same_area and area and expert.get("region_code") == area:
        found.append(("same_area", f"与申请人单位同属地区 {area}"))
    return found


def matches_specialty(expert, specialties):
    if not specialties:
        return True
    wanted = {_key(s) for s in specialties}
    return any(_key(s) in wanted for s in expert.get("specialties") or ())


def screen(experts, applications, *, specialties=(), applies=None, exclude_same_area=False):
    """The candidate list in draw order (by expert id), each with its exclusions
    ``[{"application_id", "reason", "detail"}]`` and whether it is eligible.
    ``applies``: expert id → their own application number this year, if any."""
    applies = applies or {}
    candidates = []
    for expert in sorted(experts, key=lambda e: e["id"]):
        if not matches_specialty(expert, specialties):
            continue
        excluded = [{"application_id": app["id"], "reason": code, "detail": detail}
                    for app in applications
                    for code, detail in exclusions_for(expert, app, applies_this_year=applies.get(expert["id"]),
                                                       exclude_same_area=exclude_same_area)]
        candidates.append({"expert_id": expert["id"], "name": expert.get("name"), "eligible": not excluded,
                           "exclusions": excluded})
    return candidates


def new_seed():
    return secrets.token_hex(8)


def draw(candidates, panel_size, reserves, seed):
    """(members, reserves) drawn uniformly from the eligible candidates by ``seed``:
    the same candidates and seed give the same panel, in the same order."""
    eligible = [c["expert_id"] for c in candidates if c["eligible"]]
    if panel_size > len(eligible):
        raise Conflict("not_enough_experts",
                       f"符合条件的专家只有{len(eligible)}人，不足抽取的{panel_size}人",
                       eligible=len(eligible), requested=panel_size)
    reserves = max(0, min(reserves, len(eligible) - panel_size))
    picked = random.Random(int(seed, 16)).sample(eligible, panel_size + reserves)
    return picked[:panel_size], picked[panel_size:]

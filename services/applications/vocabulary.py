"""The one status vocabulary: every status an application can be in, its Chinese
name as the real platform's guides show it, and what it allows. Applications owns
it; the application object carries it (``status_info``), events carry it, and
``GET /statuses`` lists it — review, documents, payments and the frontend read it
from there instead of keeping their own tables.

Flags:
- ``editable``: the applicant may save sections, change files and the
  qualification, and submit (草稿 / 退回).
- ``withdrawable``: the applicant may ask to withdraw (收回); applications still
  checks that the base unit has not acted on this submission yet.
- ``in_review``: somewhere on the route between the base unit and the committee.
- ``formal``: formal review has passed — the 评审表 is the 正式评审表 (watermarked),
  no longer the 测试表.
- ``final``: nothing more will happen to the application this year.
- ``tone``: how serious the status is for the applicant (neutral, progress,
  attention, success, failure) — the frontend picks its colour from it.
"""

# key -> (name, tone, flags set). The order is the life cycle's.
_TABLE = (
    ("draft", "申请人", "neutral", {"editable"}),
    ("submitted", "已提交", "progress", {"withdrawable", "in_review"}),
    ("returned", "已退回", "attention", {"editable"}),
    ("formal_review_passed", "已通过形式审核", "success", {"formal"}),
    ("ready_for_meeting", "已缴费，待会议评审", "success", {"formal"}),
    ("passed", "评审通过", "success", {"formal"}),
    ("failed", "评审未通过", "failure", {"formal", "final"}),
    ("approved", "已批准", "success", {"formal", "final"}),
)
FLAGS = ("editable", "withdrawable", "in_review", "formal", "final")

# The route's nodes as the guides label them (审核流程). A department is labelled by
# its place in the chain (review works the place out; the label is named here):
# the one the committee accepts material from is the 地厅级材料接收部门, the one just
# below it the 地州主管局, any lower one a 县(市)级材料接收部门. ``department`` is the
# label for a department whose place is unknown (an old round's opinion).
NODE_LABELS = {
    "applicant": "申请人",
    "unit": "基层工作单位",
    "county_department": "县(市)级材料接收部门",
    "prefecture_department": "地州主管局",
    "receiving_department": "地厅级材料接收部门",
    "department": "材料接收部门",
    "committee": "评审机构",
    "passed": "通过形式审核",
}
DEPARTMENT_PLACES = ("county_department", "prefecture_department", "receiving_department")

# While ``submitted``, the guides name the status after the node holding the
# application (状态: 申请人提交到基层工作单位 …), keyed by the node's place.
SUBMITTED_AT = {
    "unit": "申请人提交到基层工作单位",
    "county_department": "提交到县(市)级材料接收部门",
    "prefecture_department": "提交到地州主管局",
    "receiving_department": "提交到地厅级材料接收部门",
    "department": "提交到材料接收部门",
    "committee": "提交到评审委员会",
}

# Kinds concluded by the committee's confirmation (认定), or charged no fee, name
# the later statuses for what happens to them (no 缴费, no votes).
BY_KIND = {
    "confirm": {"ready_for_meeting": "待评审委员会认定", "passed": "认定通过", "failed": "未予认定"},
    "no_fee": {"ready_for_meeting": "待会议评审"},
}


def department_place(from_top):
    """The place of a department ``from_top`` steps below the receiving one (0: the
    receiving department itself)."""
    return DEPARTMENT_PLACES[max(0, 2 - from_top)] if from_top >= 0 else "department"


def node_label(place):
    return NODE_LABELS.get(place) or NODE_LABELS.get("department")


STATUSES = {key: {"key": key, "name": name, "tone": tone, **{f: f in flags for f in FLAGS}}
            for key, name, tone, flags in _TABLE}
KEYS = tuple(STATUSES)


def keys_where(flag):
    """The status keys with ``flag`` set, in life-cycle order."""
    return tuple(key for key, info in STATUSES.items() if info[flag])


def name(key):
    info = STATUSES.get(key)
    return info["name"] if info else key


def status_info(key, kind=None):
    """What the application object carries besides ``status``: the key, its name
    (as the application's kind — a kinds.json key — words it), its flags, the route's node labels, and —
    for ``submitted`` — the names by node (the route is review's: whoever holds it
    picks the current node's name)."""
    info = dict(STATUSES[key])
    info["node_labels"] = dict(NODE_LABELS)
    if kind is not None:
        from services.applications import kinds  # kinds reads templates; keep this module plain
        policy = kinds.ref(kind)
        for variant, applies in (("no_fee", not policy["fee"]), ("confirm", policy["conclusion"] == "confirm")):
            if applies and key in BY_KIND[variant]:
                info["name"] = BY_KIND[variant][key]
    if key == "submitted":
        info["names_at_node"] = dict(SUBMITTED_AT)
    return info


def vocabulary():
    """The whole vocabulary, in life-cycle order (``GET /statuses``). A status named
    otherwise for some kinds carries ``names_by`` ({"confirm" | "no_fee": name}),
    so a list that knows a row's kind but not its status_info can name it."""
    listed = []
    for key in KEYS:
        info = status_info(key)
        names_by = {variant: names[key] for variant, names in BY_KIND.items() if key in names}
        if names_by:
            info["names_by"] = names_by
        listed.append(info)
    return listed

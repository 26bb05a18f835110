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

# While ``submitted``, the guides name the status after the node holding the
# application (审核流程: 申请人 → 基层工作单位 → 地厅级材料接收部门 → 评审机构).
SUBMITTED_AT = {
    "unit": "申请人提交到基层工作单位",
    "department": "提交到地厅级材料接收部门",
    "committee": "提交到评审委员会",
}

# Kinds concluded by the committee's confirmation (认定), or charged no fee, name
# the later statuses for what happens to them (no 缴费, no votes).
BY_KIND = {
    "confirm": {"ready_for_meeting": "待评审委员会认定", "passed": "认定通过", "failed": "未予认定"},
    "no_fee": {"ready_for_meeting": "待会议评审"},
}

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
    (as the application's kind — a kinds.json key — words it), its flags, and —
    for ``submitted`` — the names by node (the route is review's: whoever holds it
    picks the current node's name)."""
    info = dict(STATUSES[key])
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
    """The whole vocabulary, in life-cycle order (``GET /statuses``)."""
    return [status_info(key) for key in KEYS]

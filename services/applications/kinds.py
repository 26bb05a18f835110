"""Application kinds (申报类型) as data: 评审, 特殊人才认定, 初次确定, 授予,
访惠聚三年高定. What differs between them is declared in ``kinds.json`` (or the
file ``ZC_APPLICATION_KINDS`` names, for a region that runs them differently),
read and checked once when the service starts — a bad file stops the start with
the reason, it never half-works.

A kind declares:
- ``key``: stable identifier (what the API and the events carry);
- ``name``: its Chinese name as the platform shows it;
- ``description``: one sentence for the applicant;
- ``profile``: the sections profile of the year's template it uses (by name), or
  null for "the profile matching the qualification" (评审);
- ``eligibility``: the name of its eligibility basis (what qualifies an applicant:
  ``achievements``, ``exceptional_talent``, ``education_and_years``, ``credential``,
  ``fanghuiju_service``) — a plain key that qualification conditions refer to;
- ``fee``: whether a fee order is made after formal review;
- ``conclusion``: ``meeting`` (the committee's meeting votes, ≥ 2/3) or ``confirm``
  (the committee confirms, 认定, or refuses with a reason — no votes);
- ``levels``: the levels it can lead to, or null for any.

Every kind climbs the same review chain and ends with publicity, approval and a
certificate; nothing else about it is code."""
import json
import os
from functools import cache
from pathlib import Path

from services.applications import rules, template_store

KINDS_FILE = Path(__file__).resolve().parent / "kinds.json"
DEFAULT = "review"
CONCLUSIONS = ("meeting", "confirm")
FIELDS = ("key", "name", "description", "profile", "eligibility", "fee", "conclusion", "levels")


class KindsFileError(ValueError):
    """The kinds file is unusable; the message says where and why."""


def _path():
    return Path(os.environ.get("ZC_APPLICATION_KINDS") or KINDS_FILE)


def check(document, years=None):
    """The kinds of a parsed kinds document, checked: a list of plain dicts in the
    file's order. ``years``: the template years whose profiles must exist."""
    if not isinstance(document, dict) or not isinstance(document.get("kinds"), list) or not document["kinds"]:
        raise KindsFileError("申报类型文件应为 {\"kinds\": [...]}，且至少有一种申报类型")
    seen, kinds = set(), []
    for index, kind in enumerate(document["kinds"]):
        where = f"kinds[{index}]"
        if not isinstance(kind, dict):
            raise KindsFileError(f"{where}: 应为对象")
        unknown = set(kind) - set(FIELDS)
        if unknown:
            raise KindsFileError(f"{where}: 未知字段 {sorted(unknown)}")
        key = kind.get("key")
        if not isinstance(key, str) or not key.isidentifier() or len(key) > 32:
            raise KindsFileError(f"{where}.key: 应为不超过 32 个字符的标识符")
        if key in seen:
            raise KindsFileError(f"{where}.key: {key} 重复")
        seen.add(key)
        for field in ("name", "eligibility"):
            if not isinstance(kind.get(field), str) or not kind[field].strip():
                raise KindsFileError(f"{where}.{field}: 必填")
        if not isinstance(kind.get("fee"), bool):
            raise KindsFileError(f"{where}.fee: 应为 true 或 false")
        if kind.get("conclusion") not in CONCLUSIONS:
            raise KindsFileError(f"{where}.conclusion: 只能是 meeting 或 confirm")
        levels = kind.get("levels")
        if levels is not None and (not isinstance(levels, list) or not levels
                                   or any(level not in rules.LEVELS for level in levels)):
            raise KindsFileError(f"{where}.levels: 应为 null 或 {list(rules.LEVELS)} 中的若干级别")
        profile = kind.get("profile")
        if profile is not None and not isinstance(profile, str):
            raise KindsFileError(f"{where}.profile: 应为模板中的栏目方案名称或 null")
        for year in years or ():
            if profile is not None and not template_store.has_profile(year, profile):
                raise KindsFileError(f"{where}.profile: {year}年度模板中没有栏目方案「{profile}」")
        kinds.append({
            "key": key, "name": kind["name"].strip(), "description": (kind.get("description") or "").strip(),
            "profile": profile, "eligibility": kind["eligibility"].strip(), "fee": kind["fee"],
            "conclusion": kind["conclusion"], "meeting": kind["conclusion"] == "meeting",
            "levels": list(levels) if levels else None,
        })
    if DEFAULT not in seen:
        raise KindsFileError(f"申报类型文件中必须有 {DEFAULT}（评审）")
    return kinds


@cache
def load():
    """The kinds, read and checked once per process."""
    path = _path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KindsFileError(f"无法读取申报类型文件 {path}: {exc}") from None
    return tuple(check(document, template_store.available_years()))


def all_kinds():
    return [dict(kind) for kind in load()]


def get(key):
    """The kind with this key, or None."""
    return next((dict(kind) for kind in load() if kind["key"] == key), None)


def keys():
    return tuple(kind["key"] for kind in load())


def ref(key):
    """What an application carries about its kind."""
    kind = get(key) or {"key": key, "name": key, "fee": True, "meeting": True, "conclusion": "meeting",
                        "eligibility": None}
    return {"key": kind["key"], "name": kind["name"], "fee": kind["fee"], "meeting": kind["meeting"],
            "conclusion": kind["conclusion"], "eligibility": kind["eligibility"]}


def public(kind):
    """``GET /application-kinds``: everything but the internal profile lookup."""
    return {k: kind[k] for k in ("key", "name", "description", "fee", "meeting", "conclusion",
                                 "eligibility", "profile", "levels")}


def fits(kind, qualification_level, allowed_keys):
    """None when ``kind`` may lead to a qualification of this level whose allowed
    kinds are ``allowed_keys``; else the reason (Chinese)."""
    if allowed_keys is not None and kind["key"] not in allowed_keys:
        names = "、".join((get(k) or {"name": k})["name"] for k in allowed_keys) or "无"
        return f"该资格不接受「{kind['name']}」申报（可申报类型：{names}）"
    if kind["levels"] and qualification_level not in kind["levels"]:
        return f"「{kind['name']}」只能申报{'、'.join(kind['levels'])}资格"
    return None

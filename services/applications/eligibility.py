"""申报条件自查: each qualification's conditions as data, checked against the
application's own sections, the applicant's 继续教育 records and the attachment
counts — the same checklist for the applicant before submitting, for submit
itself (which refuses an ineligible application unless the committee allowed an
exception, 破格) and for the reviewers.

The conditions live in JSON files, one per series (``eligibility_rules/*.json``,
plus any in the directory named by ``ZC_ELIGIBILITY_DIR``: a region operator's
own). Every file is read and checked when the service module is imported, so a
file that does not parse, or names an unknown condition, stops start-up with the
file and line (``RulesError``). The format is described in
``eligibility_rules/README.md``.
"""
import json
import json.decoder
import json.scanner
import os
from datetime import date
from pathlib import Path

from services.applications.rules import LEVELS
from zc_common.clock import PLATFORM_TZ, now

RULES_DIR = Path(__file__).resolve().parent / "eligibility_rules"
EDUCATION = ("中专", "大专", "本科", "硕士研究生", "博士研究生")
# The route kinds as applications stores them → the kind keys the rules use.
KIND_KEYS = {"评审": "review", "初次确定": "initial", "授予": "conferral", "特殊人才认定": "special_talent",
             "访惠聚三年高定": "fanghuiju"}
KINDS = frozenset(KIND_KEYS.values()) | {"*"}
ANY_REGION = "*"
CONDITION_TYPES = ("education", "years_since_graduation", "title_years", "ce_hours", "attachments",
                   "field_at_least", "any_of")


class RulesError(Exception):
    """A rules file that cannot be used: the message names the file and line."""


# -- reading the files, with the line of every object (for the error messages) -------

class _Located(dict):
    line = 0


class _Decoder(json.JSONDecoder):
    """json's own pure-Python scanner, with each object remembering its line."""

    def __init__(self):
        super().__init__()

        def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
            text, end = s_and_end
            found, after = json.decoder.JSONObject(s_and_end, strict, scan_once, object_hook,
                                                   object_pairs_hook, memo)
            located = _Located(found)
            located.line = text.count("\n", 0, end) + 1
            return located, after
        self.parse_object = parse_object
        self.scan_once = json.scanner.py_make_scanner(self)


def _fail(path, node, message):
    line = getattr(node, "line", 0)
    raise RulesError(f"{path}:{line}: {message}" if line else f"{path}: {message}")


def _check_whole(path, node, key, minimum=0):
    value = node.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        _fail(path, node, f"「{key}」应为不小于 {minimum} 的整数")
    return value


def _check_condition(path, node, where):
    if not isinstance(node, dict):
        _fail(path, where, "每个条件应为对象")
    kind = node.get("type")
    if kind not in CONDITION_TYPES:
        _fail(path, node, f"未知的条件类型「{kind}」（可用：{'、'.join(CONDITION_TYPES)}）")
    if "label" in node and not isinstance(node["label"], str):
        _fail(path, node, "「label」应为文本")
    if "key" in node and (not isinstance(node["key"], str) or not node["key"].strip()):
        _fail(path, node, "「key」应为非空文本")
    if kind in ("education", "years_since_graduation") and node.get("min" if kind == "education" else "education",
                                                                   "本科") not in EDUCATION:
        _fail(path, node, f"学历应为 {'、'.join(EDUCATION)} 之一")
    if kind == "years_since_graduation":
        _check_whole(path, node, "min_years")
    elif kind == "title_years":
        if node.get("level") not in LEVELS:
            _fail(path, node, f"「level」应为 {'、'.join(LEVELS)} 之一")
        _check_whole(path, node, "min_years")
    elif kind == "ce_hours":
        _check_whole(path, node, "years", 1)
        _check_whole(path, node, "min_hours", 1)
    elif kind == "attachments":
        if not isinstance(node.get("section"), str):
            _fail(path, node, "「section」应为栏目键")
        _check_whole(path, node, "min", 1)
    elif kind == "field_at_least":
        for key in ("section", "field"):
            if not isinstance(node.get(key), str):
                _fail(path, node, f"「{key}」应为文本")
        _check_whole(path, node, "min")
        if not isinstance(node.get("unit", ""), str):
            _fail(path, node, "「unit」应为文本")
    elif kind == "any_of":
        options = node.get("options")
        if not isinstance(options, list) or len(options) < 2:
            _fail(path, node, "「any_of」的「options」应为至少两组条件")
        for option in options:
            if not isinstance(option, list) or not option:
                _fail(path, node, "「options」的每一组应为非空的条件列表")
            for inner in option:
                if isinstance(inner, dict) and inner.get("type") == "any_of":
                    _fail(path, inner, "「any_of」不能嵌套")
                _check_condition(path, inner, node)


def parse_file(path):
    """One rules file, checked: {series, region_code, title_names, levels, source}."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"{path}: 无法读取（{exc}）") from None
    try:
        document = _Decoder().decode(text)
    except json.JSONDecodeError as exc:
        raise RulesError(f"{path}:{exc.lineno}: 不是有效的 JSON（第 {exc.colno} 列：{exc.msg}）") from None
    if not isinstance(document, dict):
        raise RulesError(f"{path}:1: 文件内容应为对象")
    if not isinstance(document.get("series"), str) or not document["series"].strip():
        _fail(path, document, "「series」（系列）必填")
    region = document.get("region_code", ANY_REGION)
    if not isinstance(region, str) or not (region == ANY_REGION or (region.isdigit() and len(region) == 6)):
        _fail(path, document, "「region_code」应为六位地区代码或 \"*\"")
    names = document.get("title_names", {})
    if not isinstance(names, dict) or any(level not in LEVELS or not isinstance(v, list)
                                          or not all(isinstance(n, str) and n for n in v)
                                          for level, v in names.items()):
        _fail(path, names if isinstance(names, dict) else document,
              "「title_names」应为 {级别: [职称名称, …]}，级别为 初级、中级、副高、正高")
    levels = document.get("levels")
    if not isinstance(levels, dict) or not levels:
        _fail(path, document, "「levels」应为 {级别: {申报类型: [条件, …]}}")
    for level, kinds in levels.items():
        if level not in LEVELS:
            _fail(path, levels, f"未知的级别「{level}」（可用：{'、'.join(LEVELS)}）")
        if not isinstance(kinds, dict):
            _fail(path, levels, f"「{level}」应为 {{申报类型: [条件, …]}}")
        for kind, conditions in kinds.items():
            if kind not in KINDS:
                _fail(path, kinds, f"未知的申报类型「{kind}」（可用：{'、'.join(sorted(KINDS))}）")
            if not isinstance(conditions, list):
                _fail(path, kinds, f"「{level}.{kind}」应为条件列表")
            for condition in conditions:
                _check_condition(path, condition, kinds)
    return {"series": document["series"].strip(), "region_code": region, "title_names": names,
            "levels": levels, "source": path.name}


def load(directories):
    """Every ``*.json`` of the directories, checked; two files for the same series
    and region are refused (which one counts would depend on file order)."""
    found = {}
    for directory in directories:
        for path in sorted(Path(directory).glob("*.json")):
            rules = parse_file(path)
            key = (rules["series"], rules["region_code"])
            if key in found:
                raise RulesError(f"{path}: 与 {found[key]['source']} 重复（同一系列、同一地区只能有一个条件文件）")
            found[key] = rules
    return found


def directories():
    extra = os.environ.get("ZC_ELIGIBILITY_DIR")
    return [RULES_DIR] + ([Path(extra)] if extra else [])


_LOADED = None


def loaded():
    global _LOADED
    if _LOADED is None:
        _LOADED = load(directories())
    return _LOADED


def rules_for(catalog, series, level, route_kind, region_code):
    """(file, conditions) for a qualification and kind: the region's own file before
    the one for every region; the kind's own list before the one for every kind
    (``*``). None when no file names the series and level."""
    kind = KIND_KEYS.get(route_kind, route_kind)
    for region in (region_code, ANY_REGION):
        document = catalog.get((series, region))
        if document is None:
            continue
        kinds = document["levels"].get(level)
        if kinds is None:
            continue
        conditions = kinds.get(kind, kinds.get("*"))
        return (document, conditions) if conditions is not None else (document, [])
    return None, None


# -- the facts, from the application's own data -------------------------------------------

def _parse_date(value):
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def full_years(since, today):
    return today.year - since.year - ((today.month, today.day) < (since.month, since.day))


def facts(sections, ce_records, attachment_counts, year, today=None):
    """What the conditions read. ``ce_records``: [(year, course, hours)] of the
    applicant's 继续教育 records; ``attachment_counts``: {section: n}."""
    sections = sections or {}
    degrees = [row for row in ((sections.get("education") or {}).get("degrees") or []) if isinstance(row, dict)]
    basic = sections.get("basic_info") or {}
    declared = (sections.get("continuing_education") or {}).get("records") or []
    return {"degrees": degrees, "basic": basic, "sections": sections,
            "ce": list(ce_records or []), "declared_ce": declared,
            "attachments": dict(attachment_counts or {}), "year": year,
            "today": today or now().astimezone(PLATFORM_TZ).date()}


def _rank(education):
    return EDUCATION.index(education) if education in EDUCATION else -1


def _highest(degrees):
    ranked = [d for d in degrees if _rank(d.get("education")) >= 0]
    return max(ranked, key=lambda d: _rank(d["education"])) if ranked else None


def title_level(title, names):
    """The level of a title by its name (the longest name contained wins, so
    高级工程师 is not read as 工程师)."""
    if not isinstance(title, str) or not title.strip():
        return None
    candidates = sorted(((n, level) for level, listed in names.items() for n in listed),
                        key=lambda pair: -len(pair[0]))
    return next((level for n, level in candidates if n in title), None)


# -- each condition: (met, label, reason, said) ---------------------------------------------
# The label and reason are Chinese sentences; ``said`` says the same as codes with their
# values ({"label": {"code", "values"} or None for a rules file's own label, "reason": …}),
# which the web page renders in the reader's language (its catalog's vocab.elig.*).

def _said(code, **values):
    return {"code": code, "values": values}


def _education(c, f, names):
    need = c["min"]
    best = _highest(f["degrees"])
    label = c.get("label") or f"学历{need}及以上"
    said = None if c.get("label") else _said("education", education=need)
    if best is None:
        return False, label, "学历学位栏目尚未填写学历", (said, _said("no_education"))
    if _rank(best["education"]) >= _rank(need):
        return True, label, f"最高学历：{best['education']}", (said, _said("education_met", best=best["education"]))
    return (False, label, f"最高学历为{best['education']}，低于{need}",
            (said, _said("education_low", best=best["education"], education=need)))


def _years_since_graduation(c, f, names):
    need, education = c["min_years"], c.get("education", "本科")
    label = c.get("label") or f"{education}及以上学历毕业满 {need} 年"
    said = None if c.get("label") else _said("years_since_graduation", education=education, need=need)
    dates = [_parse_date(d.get("graduated_on")) for d in f["degrees"] if _rank(d.get("education")) >= _rank(education)]
    dates = [d for d in dates if d is not None]
    if not dates:
        return (False, label, f"学历学位栏目中没有{education}及以上学历的毕业时间",
                (said, _said("no_graduation", education=education)))
    since = min(dates)
    years = full_years(since, f["today"])
    if years >= need:
        return (True, label, f"{since.isoformat()} 毕业，已满 {years} 年",
                (said, _said("graduated_met", since=since.isoformat(), years=years)))
    return (False, label, f"{since.isoformat()} 毕业，至今 {max(years, 0)} 年，不满 {need} 年",
            (said, _said("graduated_short", since=since.isoformat(), years=max(years, 0), need=need)))


_LEVEL_NAMES = {"初级": "初级（助理级）", "中级": "中级", "副高": "副高级", "正高": "正高级"}


def _title_years(c, f, names):
    need, level = c["min_years"], c["level"]
    label = c.get("label") or f"取得{_LEVEL_NAMES[level]}职称后满 {need} 年"
    said = None if c.get("label") else _said("title_years", level=level, need=need)
    title = (f["basic"].get("current_title") or "").strip()
    if not title:
        return False, label, "基本信息中未填写现任专业技术职务", (said, _said("no_title"))
    held = title_level(title, names)
    if held is None:
        return False, label, f"无法识别现任专业技术职务「{title}」的级别", (said, _said("title_unknown", title=title))
    if LEVELS.index(held) < LEVELS.index(level):
        return (False, label, f"现任「{title}」为{_LEVEL_NAMES[held]}，低于{_LEVEL_NAMES[level]}",
                (said, _said("title_low", title=title, held=held, level=level)))
    since = _parse_date(f["basic"].get("current_title_obtained_on"))
    if since is None:
        return False, label, "基本信息中未填写现职务取得时间", (said, _said("no_title_date"))
    years = full_years(since, f["today"])
    if years >= need:
        return (True, label, f"现任「{title}」，{since.isoformat()} 取得，已满 {years} 年",
                (said, _said("title_met", title=title, since=since.isoformat(), years=years)))
    return (False, label, f"现任「{title}」，{since.isoformat()} 取得，至今 {max(years, 0)} 年，不满 {need} 年",
            (said, _said("title_short", title=title, since=since.isoformat(), years=max(years, 0), need=need)))


def ce_hours_in(f, years):
    """Hours in the ``years`` years up to the application's year: the applicant's
    certified 继续教育 records, plus the rows declared in the application that no
    record of the same year and course already counts."""
    first, last = f["year"] - years + 1, f["year"]
    total, seen = 0, set()
    for year, course, hours in f["ce"]:
        if first <= year <= last:
            total += hours
            seen.add((year, (course or "").strip()))
    for row in f["declared_ce"]:
        if not isinstance(row, dict):
            continue
        year, hours = row.get("year"), row.get("hours")
        if isinstance(year, int) and isinstance(hours, int) and first <= year <= last \
                and (year, (row.get("course") or "").strip()) not in seen:
            total += hours
    return total, first, last


def _ce_hours(c, f, names):
    need, years = c["min_hours"], c["years"]
    label = c.get("label") or f"近 {years} 年继续教育累计不少于 {need} 学时"
    said = None if c.get("label") else _said("ce_hours", years=years, need=need)
    total, first, last = ce_hours_in(f, years)
    span = f"{first}—{last} 年" if first != last else f"{last} 年"
    if total >= need:
        return True, label, f"{span}共 {total} 学时", (said, _said("ce_met", first=first, last=last, total=total))
    return (False, label, f"{span}共 {total} 学时，还差 {need - total} 学时",
            (said, _said("ce_short", first=first, last=last, total=total, short=need - total)))


def _attachments(c, f, names):
    need, section = c["min"], c["section"]
    label = c.get("label") or f"「{section}」栏目至少上传 {need} 个附件"
    said = None if c.get("label") else _said("attachments", section=section, need=need)
    have = f["attachments"].get(section, 0)
    if have >= need:
        return True, label, f"已上传 {have} 个", (said, _said("attachments_met", have=have))
    return (False, label, f"已上传 {have} 个，还需 {need - have} 个",
            (said, _said("attachments_short", have=have, short=need - have)))


def _field_at_least(c, f, names):
    need, section, field = c["min"], c["section"], c["field"]
    label = c.get("label") or f"{section}.{field} 不少于 {need}"
    unit = c.get("unit", "")   # what the number counts (年): "已填写 3" read as a bare number
    said = None if c.get("label") else _said("field_at_least", section=section, field=field, need=need, unit=unit)
    value = (f["sections"].get(section) or {}).get(field)
    if isinstance(value, bool) or not isinstance(value, int):
        return False, label, "申请书中尚未填写", (said, _said("field_empty"))
    if value >= need:
        return True, label, f"已填写 {value} {unit}".rstrip(), (said, _said("field_met", value=value, unit=unit))
    return (False, label, f"已填写 {value} {unit}，不足 {need} {unit}".rstrip(),
            (said, _said("field_short", value=value, unit=unit, need=need)))


CHECKS = {"education": _education, "years_since_graduation": _years_since_graduation,
          "title_years": _title_years, "ce_hours": _ce_hours, "attachments": _attachments,
          "field_at_least": _field_at_least}


def _item(c, f, names, key):
    if c["type"] != "any_of":
        met, label, reason, (said_label, said_reason) = CHECKS[c["type"]](c, f, names)
        return {"key": c.get("key") or key, "type": c["type"], "label": label, "met": met, "reason": reason,
                "said": {"label": said_label, "reason": said_reason}}
    options = []
    for n, option in enumerate(c["options"], 1):
        items = [_item(inner, f, names, f"{key}.{n}.{m}") for m, inner in enumerate(option, 1)]
        options.append({"met": all(i["met"] for i in items), "items": items})
    met = any(o["met"] for o in options)
    label = c.get("label") or "满足下列条件之一"
    said = {"label": None if c.get("label") else _said("any_of")}
    if met:
        n, chosen = next((n, o) for n, o in enumerate(options, 1) if o["met"])
        reason = "符合：" + "，".join(i["label"] for i in chosen["items"])
        said["reason"] = _said("any_of_met", option=n)
    else:
        # The option closest to being met says what is still missing.
        # Named as an option, so a tie read in the submit refusal ("学历博士研究生…")
        # is not taken for the one way to qualify.
        n, closest = max(enumerate(options, 1), key=lambda pair: (
            sum(i["met"] for i in pair[1]["items"]) / len(pair[1]["items"]), -pair[0]))
        reason = "；".join(f"{i['label']}：{i['reason']}" for i in closest["items"] if not i["met"])
        if len(options) > 1:
            reason = f"{len(options)} 种方式均未满足，最接近的方式{n}：{reason}"
        said["reason"] = _said("any_of_unmet", option=n, count=len(options))
    return {"key": c.get("key") or key, "type": "any_of", "label": label, "met": met, "reason": reason,
            "options": options, "said": said}


def evaluate(conditions, f, names):
    """The checklist items, in the file's order; keys default to the type (made
    unique by position) so a refusal can name the condition stably."""
    items, used = [], {}
    for condition in conditions:
        base = condition.get("key") or condition["type"]
        used[base] = used.get(base, 0) + 1
        items.append(_item(condition, f, names, base if used[base] == 1 else f"{base}_{used[base]}"))
    return items


def checklist(qualification, route_kind, sections, ce_records, attachment_counts, year, exception=None,
              today=None, catalog=None):
    """The checklist of an application: {rules, items, eligible, exception, may_submit}."""
    catalog = loaded() if catalog is None else catalog
    document, conditions = rules_for(catalog, qualification["series"], qualification["level"], route_kind,
                                     qualification["region_code"])
    kind = KIND_KEYS.get(route_kind, route_kind)
    if document is None:
        return {"rules": None, "kind": kind, "items": [], "eligible": True, "exception": exception,
                "may_submit": True, "note": "该资格暂无可自动核验的申报条件，以任职资格条件原文为准",
                "note_said": _said("no_rules")}
    f = facts(sections, ce_records, attachment_counts, year, today)
    items = evaluate(conditions, f, document["title_names"])
    eligible = all(i["met"] for i in items)
    return {"rules": {"series": document["series"], "region_code": document["region_code"],
                      "source": document["source"], "level": qualification["level"]},
            "kind": kind, "items": items, "eligible": eligible, "exception": exception,
            "may_submit": eligible or exception is not None, "note": None}


def failing(result):
    return [i for i in result["items"] if not i["met"]]

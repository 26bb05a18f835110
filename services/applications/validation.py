"""Section data checked against its template, field by field.

Saving a section checks types and limits (a partly filled section may be saved);
``missing_items`` checks completeness at submit: required fields and table cells,
and attachment counts."""
from datetime import date

from zc_common.errors import Invalid
from zc_common.text import INVALID_TEXT_MESSAGE, is_storable

_EMPTY = (None, "", [])


def _fail(path, label, reason, why, **values):
    # The values the message needs travel beside it (params), so the gateway can say it
    # in the reader's language: reason names the rule, values are its limits (text).
    params = {"label": label, "reason": reason, **{k: str(v) for k, v in values.items()}}
    raise Invalid("invalid_field", f"「{label}」{why}", field=path, params=params)


def _check_value(field, value, path):
    """Raise Invalid for a value that breaks its field definition; return the value
    as stored (text trimmed)."""
    kind, label = field["type"], field["label"]
    if value is None:
        return None
    if kind == "text":
        if not isinstance(value, str):
            _fail(path, label, "text", "应为文本")
        if not is_storable(value):
            # Also checked at the gateway; here because a record holding such text
            # could no longer be read back by anyone (every later read fails).
            raise Invalid("invalid_text", f"「{label}」{INVALID_TEXT_MESSAGE}", field=path)
        value = value.strip()
        if len(value) > field.get("max_length", 10_000):
            _fail(path, label, "max_length", f"不能超过 {field['max_length']} 个字", limit=field["max_length"])
        return value
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(path, label, "integer", "应为整数")
        if "min" in field and value < field["min"]:
            _fail(path, label, "min", f"不能小于 {field['min']}", limit=field["min"])
        if "max" in field and value > field["max"]:
            _fail(path, label, "max", f"不能大于 {field['max']}", limit=field["max"])
        return value
    if kind == "date":
        if not isinstance(value, str) or len(value) != 10:
            _fail(path, label, "date_format", "日期格式应为 YYYY-MM-DD")
        try:
            date.fromisoformat(value)
        except ValueError:
            _fail(path, label, "date", "不是有效日期（YYYY-MM-DD）")
        return value
    if kind == "choice":
        if value not in field["options"]:
            _fail(path, label, "choice", "只能从以下选项中选择：" + "、".join(field["options"]),
                  options="、".join(field["options"]))
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            _fail(path, label, "boolean", "应为是/否")
        return value
    if kind == "table":
        if not isinstance(value, list):
            _fail(path, label, "table", "应为表格（行的列表）")
        if len(value) > field.get("max_rows", 200):
            _fail(path, label, "rows", "行数过多")
        return [_check_object(field["columns"], row, f"{path}[{n}]", label) for n, row in enumerate(value)]
    raise ValueError(f"unknown field type {kind!r} in template")  # a template bug, not input


def _check_object(fields, data, prefix, label):
    if not isinstance(data, dict):
        _fail(prefix or "", label, "object", "应为对象")
    known = {f["key"]: f for f in fields}
    for key in data:
        if key not in known:
            path = f"{prefix}.{key}" if prefix else key
            raise Invalid("invalid_field", f"「{label}」中没有字段 {key}", field=path,
                          params={"label": label, "reason": "unknown_key", "key": key})
    cleaned = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        cleaned[key] = _check_value(known[key], value, path)
    return cleaned


def check_section(section, data):
    """The section's data, cleaned; Invalid (422, ``field``) at the first bad field."""
    return _check_object(section["fields"], data, "", section["title"])


def _missing_fields(fields, data, prefix=""):
    for field in fields:
        path = f"{prefix}.{field['key']}" if prefix else field["key"]
        value = data.get(field["key"]) if isinstance(data, dict) else None
        # A yes/no switch shows 否 until it is turned on: unset is 否, never "unfilled"
        # (the form counted a required switch as missing until it was toggled twice).
        if field.get("required") and value in _EMPTY and field["type"] != "boolean":
            yield path
        if field["type"] == "table" and isinstance(value, list):
            for n, row in enumerate(value):
                yield from _missing_fields(field["columns"], row, f"{path}[{n}]")


def _short_tables(fields, data):
    """Tables with fewer rows than their ``min_rows`` (两位专家的推荐意见: two rows):
    the reason the applicant reads, and the same said by code (the table's key, the rows
    needed and had) for a page in another language."""
    for field in fields:
        value = data.get(field["key"]) if isinstance(data, dict) else None
        need = field.get("min_rows", 0)
        if field["type"] == "table" and isinstance(value, list) and value and len(value) < need:
            yield {"reason": f"「{field['label']}」至少需填写 {need} 行（已填写 {len(value)} 行）",
                   "reason_code": "min_rows", "table": field["key"], "need": str(need), "have": str(len(value))}


def missing_items(template, sections, attachment_counts, needs_review=()):
    """What stops the application from being submitted:
    ``[{section, field} | {section, attachment, need, have} | {section, reason, reason_code, …}]``
    (the Chinese ``attachment`` and ``reason`` also said by their numbers and codes, for a
    page in another language)."""
    missing = []
    for section in template["sections"]:
        key = section["key"]
        data = sections.get(key) or {}
        for path in _missing_fields(section["fields"], data):
            missing.append({"section": key, "field": path})
        for short in _short_tables(section["fields"], data):
            missing.append({"section": key, **short})
        needed = section.get("attachments_required", 0)
        uploaded = int(attachment_counts.get(key, 0))
        # Strings only: nameko turns other scalars in an error's arguments into text anyway.
        if uploaded < needed:
            missing.append({"section": key, "attachment": f"至少需上传 {needed} 个附件（已上传 {uploaded} 个）",
                            "need": str(needed), "have": str(uploaded)})
        if key in needs_review:
            missing.append({"section": key, "reason": "更改资格后该栏目需重新检查并保存",
                            "reason_code": "needs_review"})
    return missing

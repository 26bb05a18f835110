"""The 评审表: the application as one printable A4 document.

Before formal review passes it is a 测试表 (a proof for the applicant, no
watermark); from ``formal_review_passed`` on it is the 正式评审表 with the
application number as a watermark on every page. ``render_html`` is a plain
function of the data, so it is tested without a broker.
"""
import hashlib
import json
import re
from html import escape

from services.documents.pdf import FONT_STACK
from services.documents.rules import is_formal

STATE_NAMES = {"done": "已审核", "current": "审核中", "pending": "待审核"}
ACTION_NAMES = {"forward": "通过/上报", "return": "退回", "submit": "提交", "withdraw": "收回",
                "pass_formal_review": "通过形式审核"}


def cache_key(application, attachments, ce=None):
    """What the form shows besides the print time. ``version`` moves with every
    change applications makes — section edits and every review transition (and
    so every opinion on the route) — so with the status class and the attachment
    set it says when a stored render is stale, without asking review. The
    applicant's 继续教育 records live apart from the application (their changes do
    not move ``version``), so a digest of the records shown is part of the key."""
    basis = {
        "version": application.get("version"),
        "status": application.get("status"),
        "formal": is_formal(application),
        "attachments": sorted((a["id"], a["sha256"]) for a in attachments),
        "ce": ce_digest(ce),
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _ce_records(ce):
    records = (ce or {}).get("records") if isinstance(ce, dict) else None
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def ce_digest(ce):
    """A digest of every 继续教育 field the form prints."""
    shown = sorted((r.get("id"), r.get("year"), r.get("course"), r.get("organizer"), r.get("hours"),
                    (r.get("certificate") or {}).get("sha256")) for r in _ce_records(ce))
    return hashlib.sha256(json.dumps(shown, default=str).encode()).hexdigest()[:32]


def _e(value):
    return escape("" if value is None else str(value))


def _value(field, value):
    if value is None or value == "":
        return "—"
    if field.get("type") == "boolean":
        return "是" if value else "否"
    return _e(value)


def _hours_column(columns):
    """The column of hours (学时), which gets a total row. By its key, or a label
    that ends in 学时 — not any label containing it: 入学时间 (the degrees table's
    enrolment date) does, and got a "合计学时：0"."""
    for col in columns:
        key, label = str(col.get("key", "")), str(col.get("label", "")).strip()
        if "hour" in key.lower() or label.endswith(("学时", "学时数")):
            return col.get("key")
    return None


def _table(field, rows):
    columns = field.get("columns") or []
    if not isinstance(rows, list) or not rows:
        return '<p class="empty">（无）</p>'
    head = "".join(f"<th>{_e(c.get('label') or c.get('key'))}</th>" for c in columns)
    body = []
    for row in rows:
        row = row if isinstance(row, dict) else {}
        cells = "".join(f"<td>{_value(c, row.get(c.get('key')))}</td>" for c in columns)
        body.append(f"<tr>{cells}</tr>")
    hours_key = _hours_column(columns)
    if hours_key is not None:
        # 继续教育: the total of hours is what reviewers look for.
        total = sum(_number(r.get(hours_key)) for r in rows if isinstance(r, dict))
        body.append(f'<tr class="total"><td colspan="{len(columns)}">合计学时：{_e(_fmt(total))}</td></tr>')
    return f'<table class="rows"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _fmt(number):
    return str(int(number)) if float(number).is_integer() else f"{number:.1f}"


# The form's own 继续教育 section (applications reads its ``records`` rows too).
CE_SECTION, CE_ROWS = "continuing_education", "records"


def _section(section, data, attachments, ce=None):
    """One section of the form. ``ce`` (the applicant's certified 继续教育 records)
    is given for the form's own 继续教育 section: its rows and the records are then
    one table with one total, as applications counts them — not a second block
    whose total contradicts the first."""
    data = data if isinstance(data, dict) else {}
    simple, tables = [], []
    for field in section.get("fields") or []:
        value = data.get(field.get("key"))
        if field.get("type") == "table" and ce is not None and field.get("key") == CE_ROWS:
            tables.append(f'<h3>{_e(field.get("label"))}</h3>{_ce_table(ce, value)}')
        elif field.get("type") == "table":
            tables.append(f'<h3>{_e(field.get("label"))}</h3>{_table(field, value)}')
        else:
            simple.append(f'<tr><th>{_e(field.get("label") or field.get("key"))}</th>'
                          f'<td>{_value(field, value)}</td></tr>')
    parts = [f'<section><h2>{_e(section.get("title") or section.get("key"))}</h2>']
    if simple:
        parts.append(f'<table class="fields">{"".join(simple)}</table>')
    parts.extend(tables)
    mine = [a for a in attachments if a.get("section") == section.get("key")]
    if mine:
        names = "、".join(_e(a["name"]) for a in mine)
        parts.append(f'<p class="files">本栏附件：{names}</p>')
    parts.append("</section>")
    return "".join(parts)


def _attachments(attachments, section_titles):
    if not attachments:
        return '<section><h2>附件清单</h2><p class="empty">（无附件）</p></section>'
    rows = "".join(
        f'<tr><td>{i}</td><td>{_e(section_titles.get(a["section"], a["section"]))}</td>'
        f'<td>{_e(a["name"])}</td><td>{_e(_size(a["size"]))}</td>'
        f'<td class="hash">{_e(a["sha256"])}</td><td>{_e((a.get("stored_at") or "")[:19].replace("T", " "))}</td></tr>'
        for i, a in enumerate(attachments, 1))
    return ('<section class="attachments"><h2>附件清单（存证回执）</h2><table class="rows">'
            '<thead><tr><th>序号</th><th>栏目</th><th>文件名</th><th>大小</th><th>SHA-256</th>'
            f'<th>上传时间</th></tr></thead><tbody>{rows}</tbody></table></section>')


def _whole_hours(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ce_rows(ce, declared):
    """The applicant's certified records, then the rows the application declares
    that no record of the same year and course already stands for (applications'
    eligibility counts them the same way): (year, course, organizer, hours, proof)."""
    rows, seen = [], set()
    for r in _ce_records(ce):
        rows.append((r.get("year"), r.get("course"), r.get("organizer"), r.get("hours"),
                     ((r.get("certificate") or {}).get("sha256") or "")[:16]))
        seen.add((r.get("year"), str(r.get("course") or "").strip()))
    for r in declared if isinstance(declared, list) else []:
        if isinstance(r, dict) and (r.get("year"), str(r.get("course") or "").strip()) not in seen:
            rows.append((r.get("year"), r.get("course"), r.get("organizer"), r.get("hours"), None))
    return rows


def _ce_table(ce, declared=None):
    """One table of 继续教育: each record or declared row, the hours per year and one
    total (what reviewers check against the requirement)."""
    rows = _ce_rows(ce, declared)
    if not rows:
        return '<p class="empty">（无继续教育记录）</p>'
    body = "".join(
        f'<tr><td>{_e(year)}</td><td>{_e(course)}</td><td>{_e(organizer or "—")}</td><td>{_e(hours)}</td>'
        + (f'<td class="hash">{_e(proof)}</td>' if proof is not None else '<td>申报填写（无学时证明）</td>') + "</tr>"
        for year, course, organizer, hours, proof in rows)
    by_year = {}
    for year, _, _, hours, _ in rows:
        if _whole_hours(hours) is not None:
            by_year[year] = by_year.get(year, 0) + hours
    ordered = sorted(by_year.items(), key=lambda item: str(item[0]))
    years = "；".join(f"{_e(year)} 年 {_e(hours)} 学时" for year, hours in ordered)
    total = sum(by_year.values())
    return ('<table class="rows"><thead><tr><th>年度</th><th>课程/学习内容</th><th>主办单位</th><th>学时</th>'
            '<th>学时证明 SHA-256（前16位）</th></tr></thead>'
            f'<tbody>{body}<tr class="total"><td colspan="5">各年度学时：{years or "—"}</td></tr>'
            f'<tr class="total"><td colspan="5">继续教育记录合计学时：{_e(total)}</td></tr></tbody></table>')


def _continuing_education(ce):
    """The applicant's 继续教育 records (kept apart from the application) for a
    template without a 继续教育 section of its own."""
    return f'<section class="ce"><h2>继续教育记录</h2>{_ce_table(ce)}</section>'


def _size(size):
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.2f} MB"


def _node_label(step):
    """The node's label as applications names it (review puts it on each step)."""
    return step.get("label") or step.get("node") or ""


def _opinions(review):
    review = review or {}
    route = review.get("route") or []
    opinions = review.get("opinions") or []
    if not route and not opinions:
        return ""
    parts = ['<section class="opinions"><h2>审核流程与意见</h2>']
    if route:
        rows = "".join(
            f'<tr><td>{_e(_node_label(n))}</td><td>{_e(n.get("name"))}</td>'
            f'<td>{_e((n.get("contact") or {}).get("person"))} {_e((n.get("contact") or {}).get("phone"))}</td>'
            f'<td>{_e(STATE_NAMES.get(n.get("state"), n.get("state")))}</td></tr>'
            for n in route)
        parts.append('<table class="rows"><thead><tr><th>节点</th><th>单位</th><th>联系人</th>'
                     f'<th>状态</th></tr></thead><tbody>{rows}</tbody></table>')
    if opinions:
        rows = "".join(
            f'<tr><td>{_e(_node_label(o))}</td>'
            f'<td>{_e(ACTION_NAMES.get(o.get("action"), o.get("action")))}</td><td>{_e(o.get("text"))}</td>'
            f'<td>{_e((o.get("at") or "")[:10])}</td></tr>' for o in opinions)
        parts.append('<table class="rows"><thead><tr><th>节点</th><th>结论</th><th>意见</th>'
                     f'<th>日期</th></tr></thead><tbody>{rows}</tbody></table>')
    parts.append("</section>")
    return "".join(parts)


STYLE = """
@page { size: A4; margin: 24mm 18mm 20mm 18mm;
  @top-left { content: "%(header)s"; font-size: 8.5pt; color: #444; }
  @top-right { content: "申请书编号：%(number)s"; font-size: 8.5pt; color: #444; }
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 9pt; }
}
/* Duplex: the wider margin is always on the binding side. */
@page :right { margin-left: 25mm; margin-right: 15mm; }
@page :left { margin-left: 15mm; margin-right: 25mm; }
html { font-family: %(font)s; font-size: 10.5pt; line-height: 1.5; }
h1 { text-align: center; font-size: 18pt; margin: 0 0 2mm; letter-spacing: 2pt; }
p.kind { text-align: center; font-size: 11pt; margin: 0 0 6mm; }
h2 { font-size: 12.5pt; border-bottom: 1.2pt solid #000; margin: 6mm 0 2mm; }
h3 { font-size: 11pt; margin: 3mm 0 1mm; }
table { width: 100%%; border-collapse: collapse; margin-bottom: 2mm; }
th, td { border: 0.6pt solid #333; padding: 1.2mm 1.8mm; vertical-align: top; text-align: left; }
/* An unbroken string (a long URL, a number typed without spaces) wraps inside its cell
   instead of running off the page: "anywhere" lets it break for the column's width. */
th, td, p, h1, h2, h3 { overflow-wrap: anywhere; word-break: break-word; }
/* A heading stays with what follows it (WeasyPrint's default, said here as the rule). */
h2, h3 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
table.fields th { width: 30%%; background: #f2f2f2; font-weight: bold; }
table.rows th { background: #f2f2f2; }
thead { display: table-header-group; }
/* A table row stays whole — but a long answer (a 3,000-character summary) may run on
   to the next page: kept whole it was pushed there and left its heading alone below. */
tr { page-break-inside: avoid; }
table.fields tr { page-break-inside: auto; break-inside: auto; }
td.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7pt; word-break: break-all; }
tr.total td { text-align: right; font-weight: bold; }
p.empty, p.files { color: #333; font-size: 9.5pt; }
.test-mark { border: 1pt dashed #a00; color: #a00; padding: 2mm; text-align: center; margin-bottom: 4mm; }
.watermark { position: fixed; top: 95mm; left: -10mm; width: 190mm; text-align: center;
  transform: rotate(-30deg); font-size: 30pt; color: rgba(180, 0, 0, 0.16);
  z-index: 100; white-space: nowrap; }
"""


def render_html(application, attachments, review, printed_at, ce=None):
    """The whole form as HTML. ``attachments``: list_attachments' items;
    ``review``: review's ``review_view`` (route, opinions) or None; ``ce``:
    applications' ``ce_summary_internal`` (records, hours_by_year, total) or None."""
    formal = is_formal(application)
    number = application.get("number") or ""
    kind = "正式评审表" if formal else "测试表"
    header = f"专业技术资格评审表 · {kind}"
    style = STYLE % {"header": header, "number": re.sub(r"[^0-9A-Za-z-]", "", number), "font": FONT_STACK}
    qualification = application.get("qualification") or {}
    template = application.get("template") or {}
    sections = template.get("sections") or []
    data = application.get("sections") or {}
    section_titles = {s.get("key"): s.get("title") or s.get("key") for s in sections}
    summary = [
        ("申请书编号", number), ("年度", application.get("year")),
        ("申请人", (application.get("applicant") or {}).get("name")),
        ("申报类型", (application.get("kind") or {}).get("name") or "评审"),
        ("基层工作单位", (application.get("unit") or {}).get("name")),
        ("系列", qualification.get("series")), ("专业", qualification.get("specialty")),
        ("级别", qualification.get("level")), ("资格名称", qualification.get("title")),
        ("评审委员会", (application.get("committee") or {}).get("name")),
        # applications' name; review's view names a status in review after its node
        ("状态", ((review or {}).get("status_info") or application["status_info"])["name"]),
        ("打印时间", printed_at),
    ]
    body = [f'<div class="watermark">正式评审表 {_e(number)}</div>' if formal else "",
            "<h1>专业技术资格评审表</h1>",
            f'<p class="kind">{"正式评审表" if formal else "测试表"}</p>']
    if not formal:
        body.append('<div class="test-mark">测试表：仅供申请人核对内容，通过形式审核前不作为正式评审材料</div>')
    body.append('<table class="fields">' + "".join(
        f"<tr><th>{_e(k)}</th><td>{_e(v) if v not in (None, '') else '—'}</td></tr>" for k, v in summary)
        + "</table>")
    # 继续教育 once: in the form's own section when it has one, else as a block of its own
    own_ce = ce is not None and any(s.get("key") == CE_SECTION for s in sections)
    body.extend(_section(s, data.get(s.get("key")), attachments,
                         ce if own_ce and s.get("key") == CE_SECTION else None) for s in sections)
    if ce is not None and not own_ce:
        body.append(_continuing_education(ce))
    body.append(_attachments(attachments, section_titles))
    body.append(_opinions(review))
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<title>{_e(header)} {_e(number)}</title><style>{style}</style></head>'
            f'<body>{"".join(body)}</body></html>')

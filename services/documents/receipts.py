"""The 附件存证回执: one A4 page per stored file — what was stored, its sha256 and
size, when, for which application — signed by the platform like a certificate, so
the applicant holds proof of what they handed in. A plain function of the data."""
from html import escape

from services.documents.pdf import FONT_STACK
from zc_common.clock import iso

# Part of each stored receipt's key: raise it when the page changes, so receipts
# drawn before are drawn again (2: the section by its title).
LAYOUT = 2

STYLE = """
@page { size: A4; margin: 22mm 20mm; }
html { font-family: %(font)s; font-size: 11.5pt; color: #222; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 4pt; margin: 0 0 8mm; }
table { border-collapse: collapse; width: 100%%; }
th, td { border: 0.6pt solid #888; padding: 2.6mm 3mm; text-align: left; vertical-align: top; }
th { width: 34mm; background: #f3f3f3; font-weight: normal; white-space: nowrap; }
td.hash { font-family: monospace; font-size: 10pt; word-break: break-all; }
p.note { font-size: 10pt; color: #555; margin-top: 8mm; line-height: 1.6; }
"""


def reason(row):
    return f"附件存证回执 {row.id}"


def _size(n):
    return f"{n} 字节（{n / 1024:.1f} KB）"


def _when(moment):
    text = iso(moment)
    return text[:19].replace("T", " ") if text else ""


def render_html(application, row, sealed, printed_at):
    number = application.get("number") or application.get("id")
    applicant = (application.get("applicant") or {}).get("name") or ""
    # the section as the form titles it (基本信息), not its template key (basic_info)
    sections = (application.get("template") or {}).get("sections") or []
    titles = {s.get("key"): s.get("title") for s in sections if isinstance(s, dict)}
    rows = [("申请编号", number), ("申请人", applicant), ("附件名称", row.name),
            ("所属栏目", titles.get(row.section) or row.section),
            ("文件类型", row.content_type), ("文件大小", _size(row.size)), ("存储时间", _when(row.stored_at)),
            ("随申请书提交", "是（已封存，不可删除或替换）" if sealed else "否（尚未随申请书提交）")]
    if row.detached_at is not None:
        rows.append(("撤下时间", _when(row.detached_at) + "（退回后从申请书撤下，文件与存证保留）"))
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    table += f'<tr><th>SHA-256</th><td class="hash">{escape(row.sha256)}</td></tr>'
    table += f'<tr><th>回执编号</th><td class="hash">{escape(row.id)}</td></tr>'
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>附件存证回执 {escape(row.name)}</title>"
        f"<style>{STYLE % {'font': FONT_STACK}}</style></head><body>"
        "<h1>附件存证回执</h1>"
        f"<table>{table}</table>"
        '<p class="note">本回执由平台在存储文件时记录的存证信息生成，并附平台数字签名。'
        "文件的 SHA-256 哈希值唯一对应其内容：任何改动都会使哈希值不同。"
        "申请书每次提交和每次审核流转时，平台均核对存储中的文件与本存证一致。"
        f"<br>打印时间：{escape(printed_at)}</p>"
        "</body></html>")

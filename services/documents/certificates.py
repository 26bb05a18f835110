"""Electronic certificates: numbering, the public verification link, the QR code
and the one-page certificate PDF. Plain functions; the service stores the result."""
import base64
import io
import re
from html import escape
from urllib.parse import urlencode

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from services.documents.pdf import FONT_STACK
from zc_common.config import public_url
from zc_common.errors import Invalid

REQUIRED_APPROVAL = ("document_no", "approved_on", "committee", "year", "applications")
REQUIRED_ITEM = ("application_id", "applicant_id", "name", "title", "level")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def certificate_number(region_code, year, sequence):
    """Region (6 digits), year, then a six-digit sequence within region and year."""
    return f"{region_code}{year}{sequence:06d}"


def verification_url(no, name, base=None, qr=None):
    """The frontend's public page that confirms a certificate (what the QR opens);
    ``qr``: the signed payload the page checks offline (``signing.sign_fields``)."""
    query = {"no": no, "name": name, **({"qr": qr} if qr else {})}
    return f"{(base or public_url()).rstrip('/')}/verify?{urlencode(query)}"


def qr_png(text):
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return out.getvalue()


def check_approval(approval):
    """The shape review sends to ``issue_certificates`` (docs/internal-rpc.md)."""
    if not isinstance(approval, dict):
        raise Invalid("invalid_approval", "批文数据格式不正确", field="approval")
    for key in REQUIRED_APPROVAL:
        if approval.get(key) in (None, ""):
            raise Invalid("invalid_approval", f"批文数据缺少 {key}", field=key)
    committee = approval["committee"]
    if not isinstance(committee, dict) or not all(committee.get(k) for k in ("id", "name", "region_code")):
        raise Invalid("invalid_approval", "批文数据缺少评审委员会的 id、名称或地区", field="committee")
    if not re.fullmatch(r"\d{6}", str(committee["region_code"])):
        raise Invalid("invalid_approval", "地区代码应为 6 位数字", field="committee.region_code")
    if not DATE.match(str(approval["approved_on"])[:10]):
        raise Invalid("invalid_approval", "批准日期格式应为 YYYY-MM-DD", field="approved_on")
    try:
        year = int(approval["year"])
    except (TypeError, ValueError):
        raise Invalid("invalid_approval", "年度应为整数", field="year") from None
    if not 2000 <= year <= 2100:
        raise Invalid("invalid_approval", "年度不正确", field="year")
    items = approval["applications"]
    if not isinstance(items, list):
        raise Invalid("invalid_approval", "applications 应为列表", field="applications")
    for item in items:
        if not isinstance(item, dict) or any(not item.get(k) for k in REQUIRED_ITEM):
            raise Invalid("invalid_approval", "每个申请须有 application_id、applicant_id、姓名、资格名称和级别",
                          field="applications")
    return year


def kind_name(cert):
    return getattr(cert, "kind_name", None) or "评审"


def public_view(cert):
    return {"no": cert.no, "name": cert.name, "title": cert.title, "level": cert.level,
            "kind": kind_name(cert),
            "committee": cert.committee_name, "approved_on": cert.approved_on,
            "document_no": cert.document_no,
            # 南疆四地州定向评价、定向使用: only on a directed certificate
            **({"directed_note": cert.directed_note} if getattr(cert, "directed_note", None) else {})}


def holder_view(cert):
    return {**public_view(cert), "application_id": cert.application_id,
            "application_number": cert.application_number, "series": cert.series,
            "specialty": cert.specialty, "unit_name": cert.unit_name,
            "committee_id": cert.committee_id, "region_code": cert.region_code, "year": cert.year,
            "issued_at": cert.issued_at.isoformat() if cert.issued_at else None,
            "verify_url": verification_url(cert.no, cert.name, qr=cert.qr_payload)}


STYLE = """
@page { size: A4 landscape; margin: 12mm; }
html { font-family: %(font)s; }
.frame { border: 3pt double #8a1a1a; height: 178mm; padding: 10mm 16mm; position: relative; }
h1 { text-align: center; font-size: 28pt; letter-spacing: 8pt; color: #8a1a1a; margin: 4mm 0 8mm; }
table { border-collapse: collapse; font-size: 14pt; }
th { text-align: right; padding: 2.2mm 6mm 2.2mm 0; color: #444; font-weight: normal; white-space: nowrap; }
td { padding: 2.2mm 0; font-weight: bold; }
.qr { position: absolute; right: 16mm; bottom: 14mm; width: 42mm; text-align: center; font-size: 9pt; }
.qr img { width: 40mm; height: 40mm; }
.issuer { position: absolute; left: 16mm; bottom: 16mm; font-size: 12pt; }
"""


def _how(cert):
    """How the committee gave the title: the kind's name (评审, 初次确定 …)."""
    return kind_name(cert)


def render_html(cert, url):
    png = base64.b64encode(qr_png(url)).decode()
    rows = [("证书编号", cert.no), ("姓名", cert.name), ("资格名称", cert.title), ("级别", cert.level),
            ("取得方式", kind_name(cert)),
            ("使用范围", getattr(cert, "directed_note", None)),
            ("系列", cert.series), ("专业", cert.specialty), ("工作单位", cert.unit_name),
            ("评审委员会", cert.committee_name), ("批准文号", cert.document_no),
            ("批准日期", cert.approved_on)]
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows if v)
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>专业技术资格电子证书 {escape(cert.no)}</title>"
        f"<style>{STYLE % {'font': FONT_STACK}}</style></head><body><div class=\"frame\">"
        "<h1>专业技术资格证书</h1>"
        f"<table>{table}</table>"
        f'<div class="issuer">经 {escape(cert.committee_name)} {escape(_how(cert))}，<br>'
        f"依 {escape(cert.document_no)} 批准，具备 {escape(cert.title)} 资格。</div>"
        f'<div class="qr"><img src="data:image/png;base64,{png}" alt="核验二维码"><br>扫码核验证书真伪</div>'
        "</div></body></html>")

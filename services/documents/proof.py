"""What the public check answers about a certificate's QR payload or an uploaded
certificate PDF (issue #15): a verdict, never "not found" for a forgery.

verdict  valid        genuine, in the register as shown, not revoked
         revoked      genuine and registered, but revoked (an objection upheld after approval)
         invalid      forged, altered, signed by someone else, or disagreeing with the register
         unregistered genuinely signed by the platform, yet the register has no such certificate
"""
import re

from sqlalchemy import select

from services.documents import certificates, signing
from services.documents.models import Certificate
from zc_common.clock import iso

PDF_PROBLEMS = {
    "not_pdf": "上传的文件不是有效的 PDF 文件",
    "unsigned": "文件中没有数字签名：这不是本平台签发的电子证书原件",
    "invalid_signature": "数字签名无效：文件在签名后被改动过，或签名已损坏",
    "other_signer": "数字签名不是本平台的证书签名密钥所签",
    "changed_after_signing": "签名之后文件又被追加修改，内容可能已被篡改",
}
REASON_NO = re.compile(re.escape(signing.certificate_reason("")) + r"(\d{16})$")


def registered(cert):
    """The register's view of a certificate, revocation included."""
    return {**certificates.public_view(cert), "revoked": cert.revoked_at is not None,
            "revoked_at": iso(cert.revoked_at), "revoked_reason": cert.revoked_reason}


def _verdict(verdict, message, cert=None, **extra):
    return {"verdict": verdict, "valid": verdict == "valid", "message": message,
            "certificate": registered(cert) if cert is not None else None, **extra}


def _registered_verdict(cert, how):
    if cert.revoked_at is not None:
        reason = f"（{cert.revoked_reason}）" if cert.revoked_reason else ""
        return _verdict("revoked", f"证书签名真实，但该证书已于 {iso(cert.revoked_at)[:10]} 被撤销{reason}", cert,
                        matched_by=how)
    return _verdict("valid", "证书真实有效：签名由本平台签发，与登记信息一致", cert, matched_by=how)


def check_qr(db, payload):
    """A QR payload: its signature first (offline-checkable), then the register."""
    fields = signing.open_payload(payload)
    if fields is None:
        return _verdict("invalid", "二维码内容的签名无效：该二维码不是本平台签发的，或内容已被改动")
    cert = db.get(Certificate, fields["no"])
    if cert is None:
        return _verdict("unregistered", "二维码签名真实，但登记库中查无此证书，请联系发证机关核实",
                        fields=fields)
    if signing.qr_fields(certificates.public_view(cert)) != fields:
        return _verdict("invalid", "二维码中的证书信息与登记信息不一致", cert, fields=fields)
    return _registered_verdict(cert, "qr")


def check_pdf(db, report):
    """An uploaded PDF, after ``signing.check_pdf``: its signature, then the register —
    the very file issued (by its sha256), else the number its signature names."""
    signature = {k: report[k] for k in ("signed", "intact", "valid", "trusted", "whole_file", "sha256")}
    if report["problem"] is not None:
        return _verdict("invalid", PDF_PROBLEMS[report["problem"]], signature=signature, problem=report["problem"])
    cert = db.scalars(select(Certificate).where(Certificate.pdf_sha256 == report["sha256"])).first()
    if cert is not None:
        return {**_registered_verdict(cert, "file"), "signature": signature}
    found = REASON_NO.search(report.get("reason") or "")
    cert = db.get(Certificate, found[1]) if found else None
    if cert is None:
        return _verdict("unregistered", "文件签名真实，但登记库中查无此证书，请联系发证机关核实", signature=signature)
    return {**_registered_verdict(cert, "number"), "signature": signature}

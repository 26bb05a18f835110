"""The platform's certificate signature (issue #15): a PDF signed with pyHanko
validates with pyHanko against the platform's certificate; a flipped byte, a file
signed by another key or an unsigned file does not; a QR payload verifies, and a
forged or re-signed one does not."""
import io

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from services.documents import proof, signing
from services.documents.models import Base, Certificate
from services.documents.pdf import render_pdf
from tests.unit.dbutil import session_for
from zc_common.clock import now

FIELDS = {"no": "6500002026000001", "name": "阿依古丽·买买提", "title": "高级工程师", "level": "副高",
          "committee": "自治区工程系列高级评审委员会", "approved_on": "2026-11-20",
          "document_no": "新职称评〔2026〕7号"}


@pytest.fixture(scope="module")
def keys():
    return signing.generate()


@pytest.fixture(scope="module")
def signed(keys):
    return signing.sign_pdf(render_pdf("<html><body><h1>专业技术资格证书</h1></body></html>"),
                            signing.certificate_reason(FIELDS["no"]), keys)


def flipped(data, at):
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def test_a_signed_certificate_validates_with_pyhanko(keys, signed):
    root = asn1_x509.Certificate.load(keys.certificate.public_bytes(serialization.Encoding.DER))
    signature = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert signing.check_pdf(signed, keys)["problem"] is None


@pytest.mark.parametrize("where", [0.3, 0.6, -300])
def test_a_byte_flipped_copy_is_invalid(keys, signed, where):
    at = int(len(signed) * where) if where > 0 else len(signed) + where
    report = signing.check_pdf(flipped(signed, at), keys)
    assert report["problem"] is not None, report


def test_a_byte_flipped_copy_is_still_signed_by_the_platform_but_altered(keys, signed):
    report = signing.check_pdf(flipped(signed, int(len(signed) * 0.3)), keys)
    assert report["problem"] == "invalid_signature" and not report["intact"]
    assert report["trusted"], report   # 由本平台签发 ✔, 签名后未被改动 ✘
    assert not signing.check_pdf(signed, signing.generate())["trusted"]


def test_another_signer_and_an_unsigned_file_are_told_apart(keys, signed):
    assert signing.check_pdf(signed, signing.generate())["problem"] in ("other_signer", "invalid_signature")
    assert signing.check_pdf(render_pdf("<p>x</p>"), keys)["problem"] == "unsigned"
    assert signing.check_pdf(b"not a pdf at all", keys)["problem"] == "not_pdf"


def test_a_qr_payload_verifies_and_a_forged_one_does_not(keys):
    payload = signing.sign_fields(FIELDS, keys)
    assert signing.open_payload(payload, keys) == FIELDS
    body, sig = payload.split(".")
    forged_body = signing._b64(signing._canonical({**FIELDS, "level": "正高"}))
    assert signing.open_payload(f"{forged_body}.{sig}", keys) is None       # fields changed
    assert signing.open_payload(signing.sign_fields(FIELDS, signing.generate()), keys) is None  # other key
    for junk in ("", "abc", "a.b", f"{body}.{sig[:-4]}AAAA", f"{body}.{sig}.x", "é" * 5000):
        assert signing.open_payload(junk, keys) is None


def test_the_register_answers_invalid_revoked_or_valid(keys, monkeypatch):
    monkeypatch.setattr(signing, "platform_keys", lambda: keys)
    db = session_for(Base)
    cert = Certificate(no=FIELDS["no"], application_id="a1", applicant_id="u1", name=FIELDS["name"],
                       title=FIELDS["title"], level=FIELDS["level"], committee_id="c1",
                       committee_name=FIELDS["committee"], region_code="650000", year=2026, sequence=1,
                       document_no=FIELDS["document_no"], approved_on=FIELDS["approved_on"],
                       object_key="k", issued_at=now())
    db.add(cert)
    db.commit()
    payload = signing.sign_fields(FIELDS, keys)
    assert proof.check_qr(db, payload)["verdict"] == "valid"
    assert proof.check_qr(db, "forged." + payload.split(".")[1])["verdict"] == "invalid"
    assert proof.check_qr(db, signing.sign_fields({**FIELDS, "no": "6500002026999999"}, keys))["verdict"] == \
        "unregistered"
    assert proof.check_qr(db, signing.sign_fields({**FIELDS, "name": "别人"}, keys))["verdict"] == "invalid"
    cert.revoked_at, cert.revoked_reason = now(), "异议成立"
    db.commit()
    answer = proof.check_qr(db, payload)
    assert answer["verdict"] == "revoked" and answer["certificate"]["revoked"] is True

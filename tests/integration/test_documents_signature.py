"""Certificates that prove themselves (issue #15): the PDF a holder downloads is
signed by the platform — pyHanko validates it here against the certificate the
public key endpoint documents — and the public check accepts the file back as
valid, while a byte-flipped copy or a forged QR payload is reported invalid (not
"not found")."""
import io

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.client import expect
from tests.integration.test_documents_attachments import new_applicant
from tests.integration.test_documents_certificates import approval_for, issue


def check_pdf(api, content, name="证书.pdf"):
    return expect(api.post("/public/certificates/check-pdf", files={"file": (name, content, "application/pdf")}), 200)


def test_a_downloaded_certificate_is_signed_and_checks_by_upload(api, stack):
    holder = new_applicant(api)
    cert = issue(stack, approval_for([holder], document_no="新职称评〔2026〕15号"))[0]
    pdf = expect(api.get(f"/certificates/{cert['no']}.pdf", token=holder["token"]), 200)

    key = expect(api.get("/public/certificate-signing-key"), 200)
    assert key["jwk"]["crv"] == "P-256" and len(key["sha256_fingerprint"]) == 64
    _, _, der = pem.unarmor(key["certificate_pem"].encode())
    root = asn1_x509.Certificate.load(der)
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"

    answer = check_pdf(api, pdf)
    assert answer["verdict"] == "valid" and answer["certificate"]["no"] == cert["no"]
    assert answer["certificate"]["name"] == holder["name"] and answer["signature"]["trusted"] is True

    # The download is the stored, signed file: the same bytes every time (signed once).
    assert expect(api.get(f"/certificates/{cert['no']}.pdf", token=holder["token"]), 200) == pdf

    for at in (len(pdf) // 3, len(pdf) - 400):
        altered = bytearray(pdf)
        altered[at] ^= 0x01
        answer = check_pdf(api, bytes(altered))
        assert answer["verdict"] == "invalid" and answer["valid"] is False, (at, answer)
        assert answer["message"]

    unsigned = check_pdf(api, b"%PDF-1.4\n%%EOF\n")
    assert unsigned["verdict"] == "invalid"
    expect(api.post("/public/certificates/check-pdf", files={"file": ("x.pdf", b"", "application/pdf")}), 422,
           "empty_file")


def test_a_forged_qr_payload_is_invalid_not_unknown(api, stack):
    holder = new_applicant(api)
    issue(stack, approval_for([holder], document_no="新职称评〔2026〕16号"))
    for payload in ("eyJubyI6IjY1MDAwMDIwMjYwMDAwMDEifQ.AAAA", "garbage", "a.b"):
        answer = expect(api.post("/public/certificates/check-qr", json={"payload": payload}), 200)
        assert answer["verdict"] == "invalid" and answer["certificate"] is None
    expect(api.post("/public/certificates/check-qr", json={"payload": ""}), 422)

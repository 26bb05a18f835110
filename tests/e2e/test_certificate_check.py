"""The public certificate check in the browser (issue #15): a certificate's QR link
is verified offline (WebCrypto, the platform's public key) and online; a forged
payload is shown invalid, not "not found"; an uploaded PDF is checked by its
signature."""
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.integration.test_documents_attachments import new_applicant
from tests.integration.test_documents_certificates import approval_for, issue


def test_the_qr_link_and_an_uploaded_pdf_are_checked(new_page, web, api, stack, tmp_path):
    holder = new_applicant(api)
    # issued over RPC as review does (asyncio.run), on a thread of its own: playwright's
    # sync API holds this thread's event loop
    with ThreadPoolExecutor(1) as pool:
        pool.submit(issue, stack, approval_for([{**holder, "name": "阿依古丽·买买提"}],
                                               document_no="新职称评〔2026〕31号")).result()
    [cert] = expect_api(api.get("/certificates", token=holder["token"]), 200)
    link = urlparse(cert["verify_url"])
    page = new_page()
    ui.goto(page, web, f"{link.path}?{link.query}")
    expect(page.locator("[data-test=verify-offline]")).to_contain_text("二维码签名有效")
    result = page.locator("[data-test=verify-result]").first
    expect(result).to_contain_text("证书真实有效")
    expect(page.locator("[data-test=verify-result]").last).to_contain_text(holder["name"])
    ui.snap(page, "verify-qr")

    # By number and name, the middle dot typed as • or ・ (every Uyghur name has one): found.
    for typed in ("阿依古丽•买买提", "阿依古丽・买买提"):
        ui.goto(page, web, f"/verify?no={cert['no']}&name={typed}")
        expect(page.locator("[data-test=verify-result]").first).to_contain_text("证书真实有效")

    # The payload with one field changed: invalid offline and online.
    body, sig = dict(p.split("=", 1) for p in link.query.split("&"))["qr"].split(".")
    ui.goto(page, web, f"/verify?qr={body[:-2]}AA.{sig}")
    expect(page.locator("[data-test=verify-offline]")).to_contain_text("二维码签名无效")
    expect(page.locator("[data-test=verify-result]").first).to_contain_text("证书无效")

    # Upload the PDF: valid; a byte-flipped copy: invalid.
    pdf = expect_api(api.get(f"/certificates/{cert['no']}.pdf", token=holder["token"]), 200)
    good, bad = tmp_path / "证书.pdf", tmp_path / "改过.pdf"
    good.write_bytes(pdf)
    flipped = bytearray(pdf)
    flipped[len(flipped) // 3] ^= 0x01
    bad.write_bytes(bytes(flipped))
    for path, verdict in ((good, "证书真实有效"), (bad, "证书无效")):
        ui.goto(page, web, "/verify")
        page.get_by_role("tab", name="上传证书 PDF 核验").click()
        page.locator("[data-test=verify-file] input[type=file]").set_input_files(str(path))
        page.locator("[data-test=verify-file-check]").click()
        expect(page.locator("[data-test=verify-result]").first).to_contain_text(verdict)
    ui.snap(page, "verify-upload-invalid")

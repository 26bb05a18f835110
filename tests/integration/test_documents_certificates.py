"""Certificates: issued over RPC the way review issues them at approval, then
listed, downloaded and verified through the gateway; the QR code on the PDF is
decoded and must open the public check."""
import asyncio
import subprocess
from urllib.parse import parse_qs, urlparse

import pytest
import zxingcpp
from PIL import Image

from gateway.rpc import RemoteError, RpcClient
from tests.client import expect
from tests.integration.accounts_helpers import fresh_address
from tests.integration.test_documents_attachments import bucket_of, new_applicant


def issue(stack, approval):
    """``documents.issue_certificates`` over the stack's broker, as review calls it."""
    async def call():
        client = RpcClient(stack.amqp_uri, timeout=60)
        await client.start()
        try:
            return await client.documents.issue_certificates(approval)
        finally:
            await client.close()
    return asyncio.run(call())


def approval_for(people, document_no="新职称评〔2026〕7号"):
    return {
        "document_no": document_no, "approved_on": "2026-11-20", "year": 2026,
        "committee": {"id": "committee-x", "name": "自治区卫生系列高级评审委员会", "region_code": "650000"},
        "applications": [{"application_id": f"app-{p['id']}", "applicant_id": p["id"], "name": p["name"],
                          "title": "副主任医师", "level": "副高", "series": "卫生", "specialty": "临床医学",
                          "number": "RSSQ00000001"} for p in people],
    }


@pytest.fixture(scope="module")
def issued(api, stack):
    holder, second = new_applicant(api), new_applicant(api)
    certs = issue(stack, approval_for([holder, second]))
    return {"holder": holder, "second": second, "certs": certs}


def test_issuing_numbers_by_region_and_year_and_is_idempotent(stack, issued):
    first, second = issued["certs"]
    assert first["no"].startswith("6500002026") and len(first["no"]) == 16
    assert int(second["no"][-6:]) == int(first["no"][-6:]) + 1
    again = issue(stack, approval_for([issued["holder"]]))
    assert [c["no"] for c in again] == [first["no"]]
    assert bucket_of(stack).exists(f"certificates/2026/{first['no']}.pdf")


def test_a_malformed_approval_is_refused(stack):
    with pytest.raises(RemoteError) as caught:
        issue(stack, {**approval_for([]), "committee": {"id": "c"}})
    assert caught.value.exc_type == "Invalid"


def test_the_holder_lists_and_downloads_and_the_qr_opens_the_check(api, stack, issued, tmp_path):
    holder, cert = issued["holder"], issued["certs"][0]
    mine = expect(api.get("/certificates", token=holder["token"]), 200)
    assert [c["no"] for c in mine] == [cert["no"]]
    assert mine[0]["title"] == "副主任医师" and mine[0]["document_no"] == "新职称评〔2026〕7号"
    response = api.get(f"/certificates/{cert['no']}.pdf", token=holder["token"])
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    (tmp_path / "cert.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "cert.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert cert["no"] in text and holder["name"] in text and "新职称评〔2026〕7号" in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "cert.pdf"),
                    str(tmp_path / "page")], check=True)
    with Image.open(tmp_path / "page.png") as page:
        codes = [b.text for b in zxingcpp.read_barcodes(page)]
    assert len(codes) == 1
    url = urlparse(codes[0])
    assert f"{url.scheme}://{url.netloc}" == stack.env["ZC_PUBLIC_URL"] and url.path == "/verify"
    query = parse_qs(url.query)
    assert {k: v for k, v in query.items() if k != "qr"} == {"no": [cert["no"]], "name": [holder["name"]]}
    # What the QR opens is confirmed by the public check …
    checked = expect(api.get(f"/public/certificates/{query['no'][0]}", params={"name": query["name"][0]},
                             headers=fresh_address()), 200)
    assert checked == {"no": cert["no"], "name": holder["name"], "title": "副主任医师", "level": "副高",
                       "committee": "自治区卫生系列高级评审委员会", "approved_on": "2026-11-20",
                       "document_no": "新职称评〔2026〕7号", "revoked": False, "revoked_at": None,
                       "revoked_reason": None, **({"kind": checked["kind"]} if "kind" in checked else {})}
    # … and so is the signed payload it carries (issue #15).
    by_qr = expect(api.post("/public/certificates/check-qr", json={"payload": query["qr"][0]}), 200)
    assert by_qr["verdict"] == "valid" and by_qr["certificate"]["no"] == cert["no"]


def test_others_cannot_download_or_list_it(api, issued):
    cert = issued["certs"][0]
    expect(api.get(f"/certificates/{cert['no']}.pdf", token=issued["second"]["token"]), 404,
           "certificate_not_found")
    assert cert["no"] not in [c["no"] for c in expect(api.get("/certificates", token=issued["second"]["token"]),
                                                       200)]
    expect(api.get(f"/certificates/{cert['no']}.pdf"), 401)


def test_public_check_needs_the_right_name_and_stops_guessers(api, issued):
    cert = issued["certs"][0]
    guesser = fresh_address()
    expect(api.get(f"/public/certificates/{cert['no']}", params={"name": "王五"}, headers=guesser), 404,
           "certificate_not_found")
    expect(api.get(f"/public/certificates/{cert['no']}", headers=guesser), 404)
    for n in range(8):
        expect(api.get(f"/public/certificates/650000202690{n:04d}", params={"name": "张三"},
                       headers=guesser), 404)
    # Ten wrong guesses from one address: the next lookup is refused, even a right one.
    expect(api.get(f"/public/certificates/{cert['no']}", params={"name": issued["holder"]["name"]},
                   headers=guesser), 429, "too_many_attempts")
    # Someone else is not affected.
    expect(api.get(f"/public/certificates/{cert['no']}", params={"name": issued["holder"]["name"]},
                   headers=fresh_address()), 200)


def test_a_certificate_lost_from_the_bucket_is_drawn_again(api, stack, issued):
    holder, cert = issued["second"], issued["certs"][1]
    key = f"certificates/2026/{cert['no']}.pdf"
    bucket_of(stack).remove(key)
    response = api.get(f"/certificates/{cert['no']}.pdf", token=holder["token"])
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert bucket_of(stack).get(key) == response.content

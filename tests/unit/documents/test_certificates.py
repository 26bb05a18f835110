"""Certificate numbering, the approval shape, and the PDF's QR code decoded for real."""
import io
import subprocess
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import pytest
import zxingcpp
from PIL import Image

from services.documents import certificates
from services.documents.pdf import render_pdf
from zc_common.errors import Invalid

APPROVAL = {
    "document_no": "新职称评〔2026〕12号", "approved_on": "2026-09-01", "year": 2026,
    "committee": {"id": "c1", "name": "自治区工程系列高级评审委员会", "region_code": "650000"},
    "applications": [{"application_id": "a1", "applicant_id": "u1", "name": "张三",
                      "title": "高级工程师", "level": "副高"}],
}


def test_number_is_region_year_sequence():
    assert certificates.certificate_number("650100", 2026, 7) == "6501002026000007"


def test_verification_url_points_at_the_public_page():
    url = certificates.verification_url("6501002026000007", "阿依古丽·买买提", base="https://zc.example/")
    parts = urlparse(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "zc.example", "/verify")
    assert parse_qs(parts.query) == {"no": ["6501002026000007"], "name": ["阿依古丽·买买提"]}


def test_a_valid_approval_gives_its_year():
    assert certificates.check_approval(APPROVAL) == 2026


@pytest.mark.parametrize("change, field", [
    ({"document_no": ""}, "document_no"),
    ({"approved_on": "1/9/2026"}, "approved_on"),
    ({"year": "soon"}, "year"),
    ({"committee": {"id": "c1", "name": "x"}}, "committee"),
    ({"committee": {"id": "c1", "name": "x", "region_code": "65"}}, "committee.region_code"),
    ({"applications": [{"application_id": "a1"}]}, "applications"),
])
def test_a_malformed_approval_is_refused(change, field):
    with pytest.raises(Invalid) as caught:
        certificates.check_approval({**APPROVAL, **change})
    assert caught.value.field == field


def _cert(**changes):
    values = dict(no="6500002026000001", name="张三", title="高级工程师", level="副高", series="工程",
                  specialty="机械电子", unit_name="乌鲁木齐某机械有限公司",
                  committee_name="自治区工程系列高级评审委员会", document_no="新职称评〔2026〕12号",
                  approved_on="2026-09-01")
    values.update(changes)
    return SimpleNamespace(**values)


def test_certificate_pdf_shows_the_holder_and_its_qr_opens_the_check(tmp_path):
    cert = _cert()
    url = certificates.verification_url(cert.no, cert.name, base="http://127.0.0.1:8080")
    pdf = render_pdf(certificates.render_html(cert, url))
    (tmp_path / "c.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    for shown in ("专业技术资格证书", cert.no, "张三", "高级工程师", "副高", "自治区工程系列高级评审委员会",
                  "新职称评〔2026〕12号", "2026-09-01"):
        assert shown in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "c.pdf"),
                    str(tmp_path / "page")], check=True)
    with Image.open(tmp_path / "page.png") as page:
        found = zxingcpp.read_barcodes(page)
    assert [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode] == [url]


def test_qr_png_round_trips():
    png = certificates.qr_png("http://x/verify?no=1&name=%E5%BC%A0")
    with Image.open(io.BytesIO(png)) as image:
        assert [b.text for b in zxingcpp.read_barcodes(image)] == ["http://x/verify?no=1&name=%E5%BC%A0"]


def test_a_directed_certificate_says_where_it_may_be_used():
    """南疆四地州 定向评价、定向使用: the certificate carries it; an ordinary one does not."""
    directed = SimpleNamespace(**{**vars(_cert()), "directed_note": "南疆四地州定向评价、定向使用"})
    assert "使用范围" in certificates.render_html(directed, "http://x") and "定向使用" in certificates.render_html(
        directed, "http://x")
    assert certificates.public_view(directed)["directed_note"] == "南疆四地州定向评价、定向使用"
    assert "使用范围" not in certificates.render_html(_cert(), "http://x")


def test_the_certificate_says_how_the_title_was_obtained():
    html = certificates.render_html(_cert(kind_name="初次确定"), "http://127.0.0.1:8080/verify")
    assert "<th>取得方式</th><td>初次确定</td>" in html and "经 自治区工程系列高级评审委员会 初次确定" in html
    assert certificates.public_view(_cert(kind_name="访惠聚三年高定"))["kind"] == "访惠聚三年高定"
    # a certificate issued before kinds existed came from 评审
    assert "<th>取得方式</th><td>评审</td>" in certificates.render_html(_cert(), "http://x/verify")

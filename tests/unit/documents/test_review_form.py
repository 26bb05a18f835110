"""The 评审表 rendered for real (WeasyPrint) and read back with pypdf."""
import io

import pytest
from pypdf import PdfReader

from services.documents.pdf import render_pdf
from services.documents.review_form import cache_key, render_html
from tests.unit.documents.sample import ATTACHMENTS, REVIEW, application

NUMBER = "RSSQ00000042"


def pages_of(app, attachments=ATTACHMENTS, review=REVIEW):
    pdf = render_pdf(render_html(app, attachments, review, "2026-03-06 10:00"))
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def draft_form():
    return pages_of(application(status="draft"))


@pytest.fixture(scope="module")
def formal_form():
    # Enough rows that the form runs over several pages.
    app = application(status="formal_review_passed")
    app["sections"]["work"]["rows"] = [
        {"from": f"20{10 + i % 10}-0{1 + i % 9}", "org": f"单位{i}", "post": "工程师"} for i in range(60)]
    return pages_of(app)


def test_before_formal_review_it_is_a_test_form_without_watermark(draft_form):
    _, texts = draft_form
    whole = "\n".join(texts)
    assert "测试表" in whole
    assert "正式评审表" not in whole
    assert f"正式评审表 {NUMBER}" not in whole


def test_after_formal_review_every_page_carries_the_watermark(formal_form):
    _, texts = formal_form
    assert len(texts) >= 3
    for text in texts:
        assert f"正式评审表 {NUMBER}" in text  # the watermark's own text
    assert "测试表" not in "\n".join(texts)


def test_pages_are_a4_with_page_x_of_y(formal_form):
    reader, texts = formal_form
    total = len(texts)
    for number, (page, text) in enumerate(zip(reader.pages, texts), 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1
        assert f"第 {number} 页 / 共 {total} 页" in text
        assert f"申请书编号：{NUMBER}" in text


def test_every_section_with_its_data_tables_and_receipts(draft_form):
    _, texts = draft_form
    whole = "\n".join(texts)
    for title in ("基本信息", "工作经历", "继续教育"):
        assert title in whole
    assert "阿依古丽·买买提" in whole and "1985-04-01" in whole
    assert "新疆某研究所" in whole and "工程师" in whole  # table rows
    assert "合计学时：162" in whole  # continuing-education hours
    assert "劳动合同.pdf" in whole
    assert ("ab" * 32)[:40] in whole.replace("\n", "")  # the sha256 receipt
    assert "材料属实，同意推荐" in whole  # reviewers' opinions


def test_html_is_chinese_with_duplex_margins():
    html = render_html(application(), ATTACHMENTS, REVIEW, "2026-03-06 10:00")
    assert '<html lang="zh-CN">' in html
    assert "@page :left" in html and "@page :right" in html
    assert "Noto Serif CJK SC" in html


def test_user_text_is_escaped():
    app = application()
    app["sections"]["basic"]["name"] = "<script>x</script>"
    html = render_html(app, [], None, "now")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_cache_key_follows_what_the_form_shows():
    base = cache_key(application(version=3), ATTACHMENTS)
    assert base == cache_key(application(version=3), ATTACHMENTS)
    assert base != cache_key(application(version=4), ATTACHMENTS)
    assert base != cache_key(application(version=3, status="formal_review_passed"), ATTACHMENTS)
    other_file = [{**ATTACHMENTS[0], "sha256": "cd" * 32}]
    assert base != cache_key(application(version=3), other_file)
    assert base != cache_key(application(version=3), [])


def test_the_form_names_the_application_kind():
    plain = render_html(application(), ATTACHMENTS, REVIEW, "2026-03-06 10:00")
    assert "<th>申报类型</th><td>评审</td>" in plain
    initial = render_html({**application(), "kind": {"key": "initial", "name": "初次确定"}}, ATTACHMENTS, REVIEW,
                          "2026-03-06 10:00")
    assert "<th>申报类型</th><td>初次确定</td>" in initial

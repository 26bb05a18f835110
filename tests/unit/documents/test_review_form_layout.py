"""The 评审表's rough edges a person met printing it (#14), each checked on the real
template rendered by WeasyPrint: one 继续教育 block with one total, no 学时 total
under the degrees, no text running off the page, no heading alone at a page's foot."""
import copy
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from services.documents.pdf import render_pdf
from services.documents.review_form import render_html
from tests.unit.applications.helpers import COMPLETE
from tests.unit.documents.sample import ATTACHMENTS, REVIEW, application

TEMPLATE = json.loads((Path(__file__).parents[3] / "services/applications/templates/2026.json").read_text())
SENIOR = next(p for p in TEMPLATE["profiles"] if p["name"] == "高级")
SECTIONS = [{"key": key, **TEMPLATE["sections"][key]} for key in SENIOR["sections"]]
# one certified record repeats a declared row (same year and course), one is new
DECLARED = COMPLETE["continuing_education"]["records"]
CE = {"records": [{"id": "r1", "year": DECLARED[0]["year"], "course": DECLARED[0]["course"], "organizer": "基地",
                   "hours": 90, "certificate": {"sha256": "ab" * 32}},
                  {"id": "r2", "year": DECLARED[0]["year"], "course": "医院感染防控", "organizer": None, "hours": 16,
                   "certificate": {"sha256": "cd" * 32}}],
      "hours_by_year": {str(DECLARED[0]["year"]): 106}, "total": 106}


def form(ce=CE, **answers):
    sections = copy.deepcopy(COMPLETE)
    for key, changes in answers.items():
        sections[key] = {**sections[key], **changes}
    return render_html(application(template={"version": "2026.1", "sections": SECTIONS}, sections=sections),
                       ATTACHMENTS, REVIEW, "2026-03-06 10:00", ce)


def text_of(html):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(html))).pages)


@pytest.fixture(scope="module")
def text():
    return text_of(form())


def test_continuing_education_is_one_block_with_one_total(text):
    """It was the form's own section (declared rows, 合计学时 270) and then a second
    继续教育记录 block of the certified records whose total said otherwise."""
    assert text.count("继续教育记录合计学时") == 1
    assert "合计学时：270" not in text                       # the declared rows' own total is gone
    assert "医院感染防控" in text and DECLARED[1]["course"] in text
    assert text.count(DECLARED[0]["course"]) == 1           # a certified record stands for its declared row
    assert "继续教育记录合计学时：286" in text                 # 90 + 16 certified, 90 + 90 declared
    assert "申报填写（无学时证明）" in text


def test_no_hours_total_under_the_degrees(text):
    """入学时间 contains 学时: the degrees table got a "合计学时：0"."""
    degrees = text.split("学历学位", 1)[1].split("工作经历", 1)[0]
    assert "入学时间" in degrees and "合计学时" not in degrees


def text_boxes(box):
    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", None) or ():
        yield from text_boxes(child)


def test_an_unbroken_long_string_stays_inside_the_page():
    long_name = "https://example.com/" + "x" * 200
    document = HTML(string=form(work_history={"jobs": [{"organization": long_name, "started_on": "2007-08-01"}]},
                                professional_work={"summary": "9" * 300})).render()
    for page in document.pages:
        right = page.width - page._page_box.margin_right
        for box in text_boxes(page._page_box):
            assert box.position_x + box.width <= right + 0.5, (box.text[:30], box.position_x + box.width, right)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(document.write_pdf())).pages)
    assert "x" * 40 in text and "9" * 40 in text       # wrapped, not cut


def blocks(box):
    if getattr(box, "element_tag", None) in ("h2", "h3", "th", "td", "p"):
        yield box.element_tag
    for child in getattr(box, "children", None) or ():
        yield from blocks(child)


def test_no_heading_is_left_alone_at_the_foot_of_a_page():
    """A long 工作总结 kept as one row went whole to the next page and left
    专业技术工作经历's heading alone at the bottom of the one before."""
    document = HTML(string=form(professional_work={"summary": "从事机械设计工作，" * 155})).render()
    for number, page in enumerate(document.pages[:-1], 1):
        assert list(blocks(page._page_box))[-1] not in ("h2", "h3"), f"page {number} ends with a heading"

"""The 继续教育记录 table of the 评审表: the applicant's records (kept by
applications apart from the application) with the hours per year and the total,
and a cache key that moves whenever a record shown changes."""
import io

from pypdf import PdfReader

from services.documents.pdf import render_pdf
from services.documents.review_form import cache_key, render_html
from tests.unit.documents.sample import ATTACHMENTS, REVIEW, application


def record(n, year, course, hours, organizer="自治区医学会"):
    return {"id": f"r{n}", "year": year, "course": course, "organizer": organizer, "hours": hours,
            "certificate": {"file_id": f"f{n}", "name": "证书.pdf", "sha256": f"{n:x}" * 64}}


CE = {"records": [record(1, 2025, "医院感染防控", 16), record(2, 2023, "重症医学规范化培训", 40, None)],
      "hours_by_year": {"2023": 40, "2025": 16}, "total": 56}


def test_the_form_lists_the_records_with_hours_per_year_and_total():
    pdf = render_pdf(render_html(application(), ATTACHMENTS, REVIEW, "2026-03-06 10:00", CE))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "继续教育记录" in text and "医院感染防控" in text and "重症医学规范化培训" in text
    assert "2023 年 40 学时" in text and "2025 年 16 学时" in text
    assert "继续教育记录合计学时：56" in text
    assert "1" * 16 in text.replace("\n", "")  # the certificate's digest, shortened


def test_no_records_says_so_and_user_text_is_escaped():
    assert "无继续教育记录" in render_html(application(), [], None, "now", {"records": [], "total": 0})
    hostile = {"records": [record(3, 2024, "<script>x</script>", 8)], "hours_by_year": {"2024": 8}, "total": 8}
    html = render_html(application(), [], None, "now", hostile)
    assert "<script>" not in html and "&lt;script&gt;" in html
    # Without a summary (applications gave nothing usable) the table is left out.
    assert "继续教育记录" not in render_html(application(), [], None, "now")


def test_the_cache_key_moves_with_the_records():
    app = application(version=3)
    base = cache_key(app, ATTACHMENTS, CE)
    assert base == cache_key(app, ATTACHMENTS, {**CE, "records": list(reversed(CE["records"]))})
    assert base != cache_key(app, ATTACHMENTS, {**CE, "records": CE["records"][:1]})
    changed = [{**CE["records"][0], "hours": 17}, CE["records"][1]]
    assert base != cache_key(app, ATTACHMENTS, {**CE, "records": changed})
    assert base != cache_key(app, ATTACHMENTS, None)

"""The 附件存证回执 names the file's section as the form titles it (基本信息), not by
its template key (basic_info) — an applicant reads the receipt, not the template."""
from datetime import datetime, timezone
from types import SimpleNamespace

from services.documents import receipts
from tests.unit.documents.sample import application


def stored(section):
    return SimpleNamespace(id="r1", name="学历证书.pdf", section=section, content_type="application/pdf", size=2048,
                           stored_at=datetime(2026, 3, 6, 2, 0, tzinfo=timezone.utc), detached_at=None,
                           sha256="ab" * 32)


def test_the_receipt_names_the_section_by_its_title():
    app = application()
    section = app["template"]["sections"][0]
    html = receipts.render_html(app, stored(section["key"]), True, "2026-03-06 10:00")
    assert f"<th>所属栏目</th><td>{section['title']}</td>" in html
    # a section the template no longer has is still named, by its key
    assert "<th>所属栏目</th><td>gone</td>" in receipts.render_html(app, stored("gone"), False, "now")

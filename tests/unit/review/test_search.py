"""申请书查询's filters and the name search on SQLite (``make run``'s LIKE fallback);
tests/integration/test_review_query.py runs the same searches on PostgreSQL."""
from datetime import datetime, timedelta, timezone

import pytest

from services.review import search, views
from services.review.models import Base, ReviewCase, Visit
from tests.unit.dbutil import session_for
from tests.unit.review.standins import ADMIN
from zc_common.errors import Invalid

NAMES = ("欧阳明华", "王明", "李华明", "张伟", "王伟明")


@pytest.fixture
def session():
    session = session_for(Base)
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    for n, name in enumerate(NAMES):
        app_id = f"a{n}"
        session.add(ReviewCase(application_id=app_id, number=f"RSSQ2026{n:07d}", year=2025 + n % 2,
                               status="submitted" if n % 2 else "approved", applicant_name=name))
        session.add(Visit(org_id="u1", application_id=app_id, first_arrived_at=start + timedelta(days=n),
                          status="submitted" if n % 2 else "approved", year=2025 + n % 2))
    session.add(ReviewCase(application_id="elsewhere", number="RSSQ20269999999", year=2026, applicant_name="王明"))
    session.add(Visit(org_id="d9", application_id="elsewhere", first_arrived_at=start, year=2026))
    session.commit()
    return session


def found(session, **filters):
    body = views.query(session, ADMIN, page_size=100, **filters)
    assert body["total"] == len(body["items"])
    return [item["applicant"]["name"] for item in body["items"]]


def test_a_fragment_finds_the_names_holding_it_newest_arrival_first(session):
    assert found(session) == list(reversed(NAMES))
    assert found(session, name="明华") == ["欧阳明华"]
    assert found(session, name="伟明") == ["王伟明"]
    assert found(session, name=" 张伟 ") == ["张伟"]
    assert found(session, name="明明") == []
    assert found(session, name="%明") == [] and found(session, name="王_") == []


def test_the_name_combines_with_status_year_and_number(session):
    assert found(session, name="王明", status="submitted") == ["王明"]
    assert found(session, name="王明", status="approved") == []
    assert found(session, name="华明", status="approved", year=2025) == ["李华明"]
    assert found(session, name="华明", year=2026) == []
    assert found(session, name="华明", number="rssq20260000002") == ["李华明"]   # the number ignores case
    assert found(session, name="伟明", number="RSSQ20260000002") == []


def namesakes(count):
    """``count`` applications of 张伟 at unit u1, an hour apart."""
    session = session_for(Base)
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    for n in range(count):
        session.add(ReviewCase(application_id=f"a{n:02d}", number=f"N{n}", year=2026, applicant_name="张伟"))
        session.add(Visit(org_id="u1", application_id=f"a{n:02d}", first_arrived_at=start + timedelta(hours=n),
                          year=2026))
    session.commit()
    return session


def test_paging_reads_the_page_after_the_offset():
    session = namesakes(45)
    pages = [views.query(session, ADMIN, name="张伟", page=p, page_size=20) for p in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [20, 20, 5] and {p["total"] for p in pages} == {45}
    ids = [item["application_id"] for p in pages for item in p["items"]]
    assert ids == [f"a{n:02d}" for n in reversed(range(45))]
    past = views.query(session, ADMIN, name="张伟", page=4, page_size=20)
    assert past["items"] == [] and (past["total"], past["total_is_lower_bound"]) == (45, False)


def test_past_the_count_cap_the_total_is_a_lower_bound_and_deep_pages_still_read(monkeypatch):
    monkeypatch.setattr(views, "COUNT_CAP", 10)
    session = namesakes(25)
    for filters in ({}, {"name": "张伟"}):
        pages = [views.query(session, ADMIN, page=p, page_size=5, **filters) for p in (1, 2, 3, 5, 6)]
        assert {(p["total"], p["total_is_lower_bound"]) for p in pages} == {(10, True)}
        ids = [item["application_id"] for p in pages for item in p["items"]]
        assert ids == [f"a{n:02d}" for n in (*range(24, 9, -1), *range(4, -1, -1))]


@pytest.mark.parametrize("filters, code, field", [
    ({"name": "张" * 65}, "invalid_field", "name"), ({"name": " 张 "}, "name_too_short", "name"),
    ({"number": "R" * 33}, "invalid_field", "number"), ({"year": 1999}, "invalid_field", "year"),
    ({"year": "二〇二六"}, "invalid_field", "year")])
def test_bad_filters_are_refused_with_the_field(session, filters, code, field):
    with pytest.raises(Invalid) as refused:
        views.query(session, ADMIN, **filters)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_the_index_is_asked_for_the_fragments_pairs():
    assert search.grams("欧阳明华") == sorted(["欧阳", "阳明", "明华"])
    assert search.grams("明明明") == ["明明"]

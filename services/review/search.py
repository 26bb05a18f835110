"""申请书查询's filters as rules: what a query may ask for, and the name search.

Chinese names are two to four characters, so most name searches are a 2-character
fragment (张伟, or the given name 伟明). pg_trgm cannot serve those: a ``LIKE
'%伟明%'`` pattern yields no trigram, and its GIN index falls back to reading every
entry. On PostgreSQL the names are therefore indexed by their adjacent character
pairs (``review_name_grams``, a GIN index made by migration d5e6f7a8b9c0): a
fragment's pairs pick the candidates from the index and ``LIKE`` checks them.
Elsewhere (SQLite under ``make run``) ``LIKE`` alone filters the organisation's rows.

A fragment needs two characters: one character (a surname) matches a few percent
of a million names, and counting those at a busy committee means reading tens of
thousands of rows whichever way — far beyond the list's 20 ms."""
from sqlalchemy import Boolean, Text, func
from sqlalchemy.dialects import postgresql

from services.review.models import ReviewCase
from zc_common.errors import Invalid

MIN_NAME = 2
MAX_NAME = 64    # as ReviewCase.applicant_name and the gateway's query field
MAX_NUMBER = 32  # as ReviewCase.number
YEARS = (2000, 2100)


def filters(status=None, year=None, name=None, number=None):
    """The query's filters, cleaned: blanks dropped, lengths and the year checked
    (the gateway checks the same; this holds for any RPC caller)."""
    name = (name or "").strip() or None
    number = (number or "").strip().upper() or None
    if name is not None and len(name) < MIN_NAME:
        raise Invalid("name_too_short", f"按姓名查询请至少输入 {MIN_NAME} 个字", field="name",
                      params={"n": str(MIN_NAME)})
    if name is not None and len(name) > MAX_NAME:
        raise Invalid("invalid_field", f"申请人姓名不能超过 {MAX_NAME} 个字符", field="name")
    if number is not None and len(number) > MAX_NUMBER:
        raise Invalid("invalid_field", f"申请书编号不能超过 {MAX_NUMBER} 个字符", field="number")
    if year is not None:
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise Invalid("invalid_field", "年度必须是整数", field="year") from None
        if not YEARS[0] <= year <= YEARS[1]:
            raise Invalid("invalid_field", f"年度必须在 {YEARS[0]}–{YEARS[1]} 之间", field="year")
    return {"status": status or None, "year": year, "name": name, "number": number}


def grams(text):
    """A text's adjacent character pairs, as ``review_name_grams`` (the index's SQL
    expression) makes them: a name containing a fragment holds all its pairs."""
    return sorted({text[i:i + 2] for i in range(len(text) - 1)})


def name_conditions(dialect, name):
    """The WHERE conditions on ReviewCase for an applicant name containing ``name``."""
    contains = ReviewCase.applicant_name.contains(name, autoescape=True)
    if dialect != "postgresql":
        return [contains]
    # A constant array, so the planner estimates from the index's statistics how
    # many names hold it, and picks the index or the organisation's own rows.
    indexed = func.review_name_grams(ReviewCase.applicant_name).op("@>", return_type=Boolean)(
        postgresql.array(grams(name), type_=Text))
    if len(name) == 2:
        # Holding the pair is containing the fragment: no LIKE, whose guessed
        # selectivity multiplied in would make the planner expect a single row.
        return [indexed]
    return [indexed, contains]

"""Paging arguments of the reviewers' lists: whatever arrives over RPC, the query
gets a page and a page size it can run (found by the contract fuzzer: a page of
10^33 overflowed PostgreSQL's OFFSET and answered 500)."""
from services.review.views import MAX_PAGE, MAX_PAGE_SIZE, page_args


def test_a_huge_page_is_capped():
    assert page_args(10**33, 20) == (MAX_PAGE, 20)
    assert (MAX_PAGE - 1) * MAX_PAGE_SIZE < 2**63


def test_nonsense_falls_back_to_the_first_page():
    assert page_args("x", None) == (1, 20)
    assert page_args(0, 0) == (1, 20)
    assert page_args(3, 10**6) == (3, MAX_PAGE_SIZE)

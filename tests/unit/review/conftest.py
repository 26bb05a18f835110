import pytest

from services.review import copies
from tests.unit.review.standins import service  # noqa: F401 — the fixture


@pytest.fixture(autouse=True)
def fresh_memos():
    """Each test starts with nothing remembered: the process-wide memos of copies
    (services/review/copies.py) would otherwise carry one test's organisations into
    the next."""
    copies.ORGS.clear()
    copies.SETTINGS.clear()
    yield
    copies.ORGS.clear()
    copies.SETTINGS.clear()

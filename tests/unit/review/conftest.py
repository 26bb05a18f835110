from tests.unit.review.standins import service  # noqa: F401 — the fixture

import pytest

from tests.conftest import early_start_settled


@pytest.fixture(autouse=True)
def _early_stack_started():
    """These tests patch the launcher's subprocess and Procfile and set the umask: the
    session's stack, started ahead in a thread (tests/conftest.py), must be up first."""
    early_start_settled()

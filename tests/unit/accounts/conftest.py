"""A fresh SQLite database per test and an accounts worker over it."""
import pytest
from nameko.testing.services import worker_factory

from services.accounts.models import Base
from services.accounts.service import AccountsService
from tests.unit.dbutil import session_for


@pytest.fixture(autouse=True)
def _settings(monkeypatch):
    monkeypatch.setenv("ZC_SECRET_KEY", "unit-test-secret-of-at-least-32-bytes-long")
    monkeypatch.delenv("ZC_FAKE_NOW", raising=False)
    # Still argon2id, with light parameters: the suite hashes hundreds of passwords.
    from services.accounts import passwords
    monkeypatch.setattr(passwords, "_hasher", passwords.make_hasher("light"))


@pytest.fixture
def db():
    session = session_for(Base)
    yield session
    session.close()


@pytest.fixture
def service(db):
    return worker_factory(AccountsService, db=db)


@pytest.fixture
def admin(service, db):
    from services.accounts.registration import ensure_admin
    ensure_admin(db, "Admin-Unit-2026")
    return service.login("admin", "Admin-Unit-2026", None, "10.0.0.1")

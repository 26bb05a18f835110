"""单位编号 as a running number: issued in order, never twice, skipping numbers
units already hold; a failed registration gives its number back; the migration
leaves every existing unit's number as it was."""
import sqlite3

import pytest

from services.accounts.models import Organization
from tests.unit.accounts.builders import unit
from zc_common.errors import Conflict


def code_of(db, created):
    return db.get(Organization, created["unit_id"]).code


def test_units_are_numbered_in_registration_order(service, db):
    codes = [code_of(db, service.register_unit(unit())) for _ in range(3)]
    assert codes == ["DWBH00000001", "DWBH00000002", "DWBH00000003"]


def test_a_number_a_unit_already_holds_is_skipped(service, db):
    db.add(Organization(kind="unit", name="早已注册的单位", unit_name_key="早已注册的单位", code="DWBH00000002",
                        region_code="650100", recommending_unit_ids=[]))
    db.commit()
    codes = [code_of(db, service.register_unit(unit())) for _ in range(2)]
    assert codes == ["DWBH00000001", "DWBH00000003"]


def test_a_refused_registration_gives_its_number_back(service, db):
    first = unit()
    assert code_of(db, service.register_unit(first)) == "DWBH00000001"
    with pytest.raises(Conflict):
        service.register_unit(unit(credit_code=first["credit_code"]))
    assert code_of(db, service.register_unit(unit())) == "DWBH00000002"


def test_the_migration_keeps_existing_numbers(tmp_path, monkeypatch):
    from alembic import command

    from zc_common.migrate import alembic_config
    path = tmp_path / "accounts.sqlite3"
    monkeypatch.setenv("ZC_ACCOUNTS_DB", f"sqlite:///{path}")
    config = alembic_config("accounts")
    command.upgrade(config, "d1e2f3a4b5c6")   # before the counter
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO organizations (id, kind, name, unit_name_key, code, region_code, "
                           "recommending_unit_ids, created_at) VALUES ('u1', 'unit', '老单位', '老单位', "
                           "'DWBH48213307', '650100', '[]', '2025-01-01 00:00:00')")
    command.upgrade(config, "head")
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT code FROM organizations WHERE id = 'u1'").fetchall() == [("DWBH48213307",)]
        assert connection.execute("SELECT name, value FROM counters").fetchall() == [("unit_code", 0)]

"""Back-off instead of locks: the delay function, and logins counted per account,
per address and per device, with a known device getting past failures from
elsewhere (worker_factory, SQLite, the platform clock moved with ZC_FAKE_NOW)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.accounts import throttling
from services.accounts.models import KnownDevice
from tests.unit.accounts.builders import PASSWORD, applicant
from zc_common.clock import now
from zc_common.errors import TooManyAttempts, Unauthorized

DEVICE = "known-device-id-0123456789abcdef"
OTHER_DEVICE = "other-device-id-0123456789abcdef"


def test_the_delay_is_free_then_doubles_up_to_the_cap():
    policy = throttling.Backoff(free=3, base=timedelta(seconds=10), cap=timedelta(minutes=1))
    assert [policy.delay(n).total_seconds() for n in range(8)] == [0, 0, 0, 10, 20, 40, 60, 60]
    assert policy.delay(10_000) == timedelta(minutes=1)  # no overflow far past the cap


def test_the_account_policy_backs_off_rather_than_locks():
    account = throttling.ACCOUNT
    assert account.delay(account.free - 1) == timedelta(0)
    assert account.delay(account.free) == timedelta(seconds=30)
    assert account.delay(account.free + 1) == timedelta(seconds=60)
    assert account.delay(account.free + 50) == timedelta(minutes=15)
    # An address fronts many people: more free failures than one account has.
    assert throttling.ADDRESS.free > account.free


def fail(service, username, address, device=None, times=1):
    for _ in range(times):
        with pytest.raises(Unauthorized):
            service.login(username, "Wrong-pass-1", None, address, device)


def refused(service, username, address, device=None):
    with pytest.raises(TooManyAttempts) as caught:
        service.login(username, PASSWORD, None, address, device)
    return int(caught.value.extra["retry_after"])


def at(monkeypatch, moment):
    monkeypatch.setenv("ZC_FAKE_NOW", moment.isoformat())


def test_a_known_device_gets_past_failures_from_elsewhere_and_the_wait_grows(service, db, monkeypatch):
    start = now()
    at(monkeypatch, start)
    created = service.register_applicant(applicant())
    name = created["username"]
    assert service.login(name, PASSWORD, None, "10.20.0.1", DEVICE)["token"]
    assert db.scalars(select(KnownDevice.device_hash)).one() != DEVICE  # only a hash is kept
    start += timedelta(seconds=1)
    at(monkeypatch, start)
    for n in range(5):
        fail(service, name, f"10.20.1.{n}")
    first = refused(service, name, "10.20.2.1", OTHER_DEVICE)
    assert 0 < first <= 30
    assert service.login(name, PASSWORD, None, "10.20.2.2", DEVICE)["token"]
    # The known device's success does not hand the guesser fresh free tries.
    assert refused(service, name, "10.20.2.3") == first
    at(monkeypatch, start + timedelta(seconds=31))
    fail(service, name, "10.20.3.1")
    second = refused(service, name, "10.20.3.2", OTHER_DEVICE)
    assert 30 < second <= 60
    at(monkeypatch, start + timedelta(seconds=92))
    assert service.login(name, PASSWORD, None, "10.20.3.3", OTHER_DEVICE)["token"]


def test_failures_from_a_known_device_still_count(service, monkeypatch):
    start = now()
    at(monkeypatch, start)
    name = service.register_applicant(applicant())["username"]
    assert service.login(name, PASSWORD, None, "10.21.0.1", DEVICE)["token"]
    at(monkeypatch, start + timedelta(seconds=1))
    fail(service, name, "10.21.0.1", DEVICE, times=5)
    # The device's own back-off holds it (a stolen device cookie cannot guess fast) …
    assert 0 < refused(service, name, "10.21.0.2", DEVICE) <= 30
    # … and the account's counts them for everyone else.
    assert 0 < refused(service, name, "10.21.0.3", OTHER_DEVICE) <= 30


def test_a_shared_address_has_a_larger_allowance_than_one_account(service, monkeypatch):
    at(monkeypatch, now())
    name = service.register_applicant(applicant())["username"]
    office = "10.22.0.1"
    allowance = throttling.ADDRESS.free
    for n in range(allowance - 1):
        fail(service, f"colleague{n}", office)  # many accounts, a typo each
    assert service.login(name, PASSWORD, None, office)["token"]
    fail(service, "colleague-last", office)
    assert 0 < refused(service, name, office) <= 30
    assert service.login(name, PASSWORD, None, "10.22.0.2")["token"]  # elsewhere: unaffected


def test_typos_on_a_shared_computer_hold_back_only_that_account(service, monkeypatch):
    at(monkeypatch, now())
    first = service.register_applicant(applicant())["username"]
    second = service.register_applicant(applicant())["username"]
    fail(service, first, "10.23.0.1", DEVICE, times=5)
    assert refused(service, first, "10.23.0.1", DEVICE) > 0
    assert service.login(second, PASSWORD, None, "10.23.0.1", DEVICE)["token"]

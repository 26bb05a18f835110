"""Shared fixtures. ``stack``: one whole running system per test session (real
RabbitMQ vhost, real PostgreSQL databases, real object store); ``api``: an HTTP
client pointed at its gateway.

When the session's first tests do not need the system (the unit tests come first),
it starts in a thread as soon as the tests are collected: its migrations and
processes come up on the machine's other core while those tests run, and the first
test that needs it waits for the rest of the start."""
import os
import threading

import pytest

_early = {}   # "stack", "thread", "error": the session's stack, started ahead


def pytest_configure(config):
    # Still argon2id, over 1 MiB instead of 64: the copies hash thousands of passwords
    # (logins, registrations, staff), each the standard way a tenth of a second of CPU.
    from tests.stack import SUITE_ENV
    SUITE_ENV.setdefault("ZC_PASSWORD_HASH", os.environ.get("ZC_PASSWORD_HASH") or "light")


def _needs_stack(item):
    if item.get_closest_marker("skip"):
        return False
    names = getattr(item, "fixturenames", ())
    # e2e's ``web`` asks for the stack itself unless ZC_E2E_BASE_URL names a running copy
    return "stack" in names or ("web" in names and not os.environ.get("ZC_E2E_BASE_URL"))


def pytest_collection_finish(session):
    items = session.items
    if session.config.option.collectonly or not items or _needs_stack(items[0]):
        return   # nothing to overlap the start with
    if not any(_needs_stack(item) for item in items):
        return
    from tests.stack import Stack
    running = Stack()

    def start():
        try:
            running.start()
        except BaseException as exc:   # handed to the first test that needs the stack
            _early["error"] = exc

    _early["stack"] = running
    _early["thread"] = threading.Thread(target=start, name="early-stack", daemon=True)
    _early["thread"].start()


def early_start_settled():
    """Wait until the stack started ahead (if any) is up: for tests that change what its
    start uses (the launcher's subprocess, the Procfile, the umask)."""
    if "thread" in _early:
        _early["thread"].join()


def pytest_sessionfinish(session):
    # Started ahead but never used (e.g. -x stopped the session in the unit tests).
    if "stack" in _early:
        early_start_settled()
        _early.pop("stack").stop()


@pytest.fixture(scope="session")
def stack():
    if "stack" not in _early:
        from tests.stack import running_stack
        with running_stack() as running:
            yield running
        return
    early_start_settled()
    running = _early.pop("stack")
    try:
        if "error" in _early:
            raise _early.pop("error")
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def api(stack):
    from tests.client import ApiClient
    return ApiClient(stack.base_url)


@pytest.fixture(scope="session")
def admin_token(api):
    return api.admin_token()

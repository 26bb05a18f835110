"""Shared fixtures. ``stack``: one whole running system per test session (real
RabbitMQ vhost, real PostgreSQL databases, real object store); ``api``: an HTTP
client pointed at its gateway."""
import pytest


@pytest.fixture(scope="session")
def stack():
    from tests.stack import Stack
    running = Stack()
    try:
        running.start()
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

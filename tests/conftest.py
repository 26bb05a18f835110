"""Shared fixtures. ``stack``: one whole running system per test session (real
RabbitMQ vhost, real PostgreSQL databases, real object store); ``api``: an HTTP
client pointed at its gateway."""
import pytest


@pytest.fixture(scope="session")
def stack():
    from tests.stack import running_stack
    with running_stack() as running:
        yield running


@pytest.fixture(scope="session")
def api(stack):
    from tests.client import ApiClient
    return ApiClient(stack.base_url)


@pytest.fixture(scope="session")
def admin_token(api):
    return api.admin_token()

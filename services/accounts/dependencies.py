"""Dependency providers of the accounts service: the bootstrap administrator made
at start, and the pluggable notification sender."""
import os

from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session

from services.accounts.notifications import load_sender
from services.accounts.registration import ensure_admin
from zc_common.config import database_url
from zc_common.db import make_engine


class BootstrapAdmin(DependencyProvider):
    """Creates user ``admin`` from ``ZC_ADMIN_PASSWORD`` when the service starts
    (migrations have run by then); an existing admin is left alone."""

    def start(self):
        engine = make_engine(database_url("accounts"))
        try:
            with Session(engine) as db:
                ensure_admin(db, os.environ.get("ZC_ADMIN_PASSWORD"))
        finally:
            engine.dispose()

    def get_dependency(self, worker_ctx):
        return None


class NotificationSender(DependencyProvider):
    """``ZC_NOTIFY_SENDER``: ``logging`` (default) or ``package.module:callable``."""

    def setup(self):
        self.sender = load_sender()

    def get_dependency(self, worker_ctx):
        return self.sender

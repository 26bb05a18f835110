"""The accounts service."""
from nameko.rpc import rpc

from services.accounts.models import Base  # noqa: F401
from zc_common.db import Database


class AccountsService:
    name = "accounts"

    db = Database("accounts")

    @rpc
    def ping(self):
        return "ok"

    @rpc
    def echo(self, text):
        """The bare RPC the benchmarks compare against."""
        return {"echo": text}

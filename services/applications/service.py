"""The applications service."""
from nameko.rpc import rpc

from services.applications.models import Base  # noqa: F401
from zc_common.db import Database


class ApplicationsService:
    name = "applications"

    db = Database("applications")

    @rpc
    def ping(self):
        return "ok"

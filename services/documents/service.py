"""The documents service."""
from nameko.rpc import rpc

from services.documents.models import Base  # noqa: F401
from zc_common.db import Database


class DocumentsService:
    name = "documents"

    db = Database("documents")

    @rpc
    def ping(self):
        return "ok"

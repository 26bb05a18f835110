"""The review service."""
from nameko.rpc import rpc

from services.review.models import Base  # noqa: F401
from zc_common.db import Database


class ReviewService:
    name = "review"

    db = Database("review")

    @rpc
    def ping(self):
        return "ok"

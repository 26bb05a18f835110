"""A throwaway SQLite session holding one service's tables, for ``worker_factory`` tests."""
from sqlalchemy.orm import sessionmaker

from zc_common.db import make_engine


def session_for(base):
    engine = make_engine("sqlite://")
    base.metadata.create_all(engine)
    return sessionmaker(bind=engine, expire_on_commit=False)()

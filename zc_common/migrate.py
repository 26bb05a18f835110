"""Run a service's Alembic migrations: ``python -m zc_common.migrate [service ...]``."""
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from zc_common.config import SERVICES, database_url

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(service):
    config = Config()
    config.set_main_option("script_location", str(ROOT / "services" / service / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url(service).replace("%", "%%"))
    return config


def upgrade(service):
    command.upgrade(alembic_config(service), "head")


def run_env(target_metadata):
    """The body of every service's ``migrations/env.py``."""
    from alembic import context
    from sqlalchemy import create_engine, pool

    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()




def make_revision(service, message):
    """Autogenerate a migration against a scratch SQLite database at head:
    ``python -m zc_common.migrate --revision SERVICE "message"``."""
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as scratch:
        os.environ[f"ZC_{service.upper()}_DB"] = f"sqlite:///{scratch}/scratch.sqlite3"
        config = alembic_config(service)
        command.upgrade(config, "head")
        command.revision(config, message=message, autogenerate=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--revision"]:
        make_revision(sys.argv[2], sys.argv[3])
    else:
        for name in sys.argv[1:] or SERVICES:
            upgrade(name)

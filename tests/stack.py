"""A whole running copy of the system for integration tests: its own RabbitMQ
vhost, its own PostgreSQL databases, its own object store ports and data dir —
nothing shared with a running ``make run`` copy. Started the way ``make run``
starts it (deploy/launcher.py)."""
import os
import shlex
import shutil
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg2

from deploy import launcher, processes
from zc_common.config import SERVICES

PG_ADMIN_DSN = os.environ.get("ZC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_BASE = os.environ.get("ZC_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672/")
ADMIN_PASSWORD = "Admin-Test-2026!"
# Settings every copy the test session starts gets under its own (tests/conftest.py:
# the light password hashing); the benches, which start Stack too, keep the defaults.
SUITE_ENV = {}


def _pg_admin():
    connection = psycopg2.connect(PG_ADMIN_DSN)
    connection.autocommit = True
    return connection


def _db_url(name):
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    return f"{base}/{name}".replace("postgresql://", "postgresql+psycopg2://")


class Stack:
    """``Stack()`` makes its own vhost on the machine's broker; ``Stack(amqp_uri=...)``
    uses the given broker as it is (e.g. a private node a fault test stops), and
    ``env`` overrides settings (e.g. ``ZC_RPC_TIMEOUT``). ``database="sqlite"`` keeps
    each service's database in a SQLite file in the data dir, as ``make run`` does by
    default (benches compare the two)."""

    def __init__(self, amqp_uri=None, env=None, database="postgres"):
        if database not in ("postgres", "sqlite"):
            raise ValueError(f"database must be postgres or sqlite, not {database!r}")
        self.run_id = uuid.uuid4().hex[:8]
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"zc-test-{self.run_id}-"))
        self.database = database
        self.databases = {s: f"zc_test_{self.run_id}_{s}" for s in SERVICES} if database == "postgres" else {}
        self.own_vhost = amqp_uri is None
        self.amqp_uri = amqp_uri or launcher.with_vhost(AMQP_BASE, f"zc-test-{self.run_id}")
        # ports outside the ephemeral range (32768–60999), where outgoing connections
        # took them between the check and the bind
        port = launcher.free_port_block(size=2, start=61000, end=65500)
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.process = None
        self.log_path = self.data_dir / "processes.log"
        overrides = {
            "ZC_PORT": str(port),
            "ZC_DATA_DIR": str(self.data_dir),
            "ZC_AMQP_URI": self.amqp_uri,
            "ZC_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "ZC_WEED_BASE": str(launcher.free_port_block(size=20, start=22000, end=32700)),
            # One line per request and per RPC/event worker, JSON: tests follow a request
            # through them (tests/integration/test_request_trace.py).
            "ZC_LOG_LEVEL": "INFO",
            "ZC_LOG_FORMAT": "json",
            # Slow uploads are cut off after seconds, not minutes (tests/integration/test_slow_uploads.py).
            "ZC_UPLOAD_RATE_GRACE": "3",
            # Application pages kept by the gateway live long here: a change a service
            # failed to tell the gateways about fails the test that reads it afterwards,
            # instead of being hidden by the age limit (gateway/application_pages.py).
            # Benches set the production default (bench/__init__.py).
            "ZC_PAGE_CACHE_SECONDS": os.environ.get("ZC_PAGE_CACHE_SECONDS", "600"),
        }
        overrides.update({f"ZC_{s.upper()}_DB": _db_url(db) for s, db in self.databases.items()})
        if database == "sqlite":   # named explicitly, where zc_common.config would put them
            overrides.update({f"ZC_{s.upper()}_DB": f"sqlite:///{self.data_dir / (s + '.sqlite3')}"
                              for s in SERVICES})
        overrides.update(SUITE_ENV)
        overrides.update(env or {})
        self.env = launcher.system_env(overrides)

    def db_url(self, service):
        return self.env[f"ZC_{service.upper()}_DB"]

    def vhost_ahead(self):
        """Start making the vhost (rabbitmqctl: seconds) in a thread, to overlap with
        making and migrating the databases; returns its future (ensure_vhost's answer)."""
        launcher.ensure_broker(self.amqp_uri)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vhost")
        made = pool.submit(launcher.ensure_vhost, self.amqp_uri)
        pool.shutdown(wait=False)
        return made

    @staticmethod
    def vhost_made(made):
        if not made.result():
            raise RuntimeError("cannot create a RabbitMQ vhost for the test run (needs rabbitmqctl as root)")

    def create_databases(self):
        if self.databases:
            with closing(_pg_admin()) as connection, connection.cursor() as cursor:
                for name in self.databases.values():
                    cursor.execute(f'CREATE DATABASE "{name}"')

    def start(self):
        made = self.vhost_ahead()
        try:
            self.create_databases()
            launcher.migrate_all(self.env)
        finally:
            made.exception()   # never left running behind an error
        self.vhost_made(made)
        self._log = open(self.log_path, "wb")
        self.process = launcher.start_processes(self.env, log_file=self._log)
        try:
            launcher.wait_healthy(self.base_url, self.process, wait=120)
        except Exception:
            self._log.flush()
            print(self.recent_output())
            raise
        return self

    def recent_output(self):
        """supervisord's log (starts, exits, restarts), then the end of each process's log."""
        return (self.log_path.read_text(errors="replace")[-4000:] + "\n"
                + processes.recent_output(self.data_dir))

    def pids_of(self, name):
        """The operating system's pids of a Procfile process (one per replica), found by
        its command line below the process manager — not by asking the manager."""
        command = shlex.split(dict(processes.read_procfile())[name])
        found = []
        for pid in launcher.descendants(self.process.pid):
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
            except OSError:
                continue
            # A shell wrapping the command is not the process; the interpreter running
            # the command's script (``python …/nameko run …``) is.
            if argv and Path(argv[0]).name not in ("sh", "dash") and argv[-len(command) + 1:] == command[1:]:
                found.append(pid)
        return sorted(found)

    def stop(self):
        if self.process is not None:
            launcher.stop_processes(self.process)
            self._log.close()
        # The vhost goes (rabbitmqctl: seconds) while the databases are dropped.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vhost") as pool:
            deleted = pool.submit(launcher.delete_vhost, self.amqp_uri) if self.own_vhost else None
            if self.databases:
                with closing(_pg_admin()) as connection, connection.cursor() as cursor:
                    for name in self.databases.values():
                        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if deleted is not None:
                deleted.result()
        if not os.environ.get("ZC_KEEP_TEST_DATA"):
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def sql(self, service, query, *params):
        """Read a service's database directly (tests only: e.g. the notification outbox)."""
        dsn = self.db_url(service).replace("postgresql+psycopg2://", "postgresql://")
        with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
            cursor.execute(query, params)
            if cursor.description is None:
                return []
            columns = [c.name for c in cursor.description]
            return [dict(zip(columns, row)) for row in cursor.fetchall()]


@contextmanager
def running_stack(**options):
    """A started Stack (``options`` as for Stack), stopped and cleaned up after."""
    running = Stack(**options)
    try:
        running.start()
        yield running
    finally:
        running.stop()

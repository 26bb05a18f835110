"""The container image's one entrypoint: ``python -m deploy.entrypoint COMMAND``.

    accounts | applications | review | documents | payments   a Nameko service
    gateway                                                    the HTTP gateway and web frontend
    migrate SERVICE [SERVICE ...] | migrate all                Alembic upgrade to head
    migrate --wait SERVICE                                     wait until SERVICE's database is at
                                                               this image's head (an init container)
    demo                                                       load the demo data through the gateway
    probe SERVICE                                              the health probe (deploy.probe)

The processes are the Procfile's lines (deploy/Procfile, the one place that names
them), run with ``exec`` so the process itself receives SIGTERM from Kubernetes and
stops gracefully (nameko finishes its running workers, aiohttp its requests)."""
import os
import shlex
import sys
import time

from deploy import processes
from zc_common.config import SERVICES

USAGE = __doc__.split("\n\n")[1]
WAIT_SECONDS = float(os.environ.get("ZC_MIGRATE_WAIT_SECONDS", "900"))
WAIT_INTERVAL = 2.0


class UsageError(Exception):
    pass


def procfile_command(name):
    """The Procfile's command for ``name`` as an argv (``python`` is this interpreter)."""
    commands = dict(processes.read_procfile())
    if name not in commands:
        raise UsageError(f"no process {name!r} in deploy/Procfile")
    argv = shlex.split(commands[name])
    if argv[0] == "python":
        argv[0] = sys.executable
    return argv


def service_argument(args, command):
    if len(args) != 1 or args[0] not in SERVICES:
        raise UsageError(f"{command} needs one service: {', '.join(SERVICES)}")
    return args[0]


# -- migrations ----------------------------------------------------------------------

def schema_state(service):
    """``(current, heads, known)``: the database's Alembic revisions, this image's
    heads, and every revision this image knows."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, pool

    from zc_common.config import database_url
    from zc_common.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(service))
    engine = create_engine(database_url(service), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    return current, set(script.get_heads()), {rev.revision for rev in script.walk_revisions()}


def schema_verdict(current, heads, known):
    """``(ready, why)`` for a database at ``current`` and an image whose migrations
    end at ``heads``."""
    if current == heads:
        return True, "at head " + ",".join(sorted(heads))
    if current - known:
        # A newer image's migration already ran (a rollback, or old pods during a
        # rollout): migrations only add, so this image's code still works on it.
        return True, f"ahead of this image (database at {','.join(sorted(current))})"
    return False, f"at {','.join(sorted(current)) or 'no revision'}, this image needs {','.join(sorted(heads))}"


def wait_for_schema(service, timeout=WAIT_SECONDS, interval=WAIT_INTERVAL):
    """Block until the service's database is at this image's head; 0 when it is,
    1 after ``timeout`` seconds (the pod's init container then fails and is retried)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            ready, why = schema_verdict(*schema_state(service))
        except Exception as exc:  # noqa: BLE001 — the database may not answer yet: keep waiting
            ready, why = False, f"database not reachable ({type(exc).__name__}: {exc})"
        if ready:
            print(f"[zhicheng] {service}: database {why}", flush=True)
            return 0
        if why != last:
            print(f"[zhicheng] {service}: waiting for the migration job: database {why}", flush=True)
            last = why
        if time.monotonic() >= deadline:
            print(f"[zhicheng] {service}: gave up after {timeout:.0f}s: database {why}", file=sys.stderr, flush=True)
            return 1
        time.sleep(interval)


def migrate(args):
    if args[:1] == ["--wait"]:
        return wait_for_schema(service_argument(args[1:], "migrate --wait"))
    from zc_common.migrate import upgrade
    names = list(SERVICES) if args == ["all"] else args
    unknown = [name for name in names if name not in SERVICES]
    if not names or unknown:
        raise UsageError(f"migrate needs services ({', '.join(SERVICES)}) or 'all'"
                         + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
    for name in names:
        print(f"[zhicheng] migrating {name}…", flush=True)
        upgrade(name)
    return 0


# -- the rest ------------------------------------------------------------------------

def demo(args):
    """Load the demo data set through a running gateway (``ZC_GATEWAY_URL``)."""
    if args:
        raise UsageError("demo takes no arguments")
    password = os.environ.get("ZC_ADMIN_PASSWORD")
    if not password:
        raise UsageError("demo needs ZC_ADMIN_PASSWORD (the bootstrap admin's password)")
    from deploy import demo as demo_data
    from zc_common.config import data_dir
    base_url = os.environ.get("ZC_GATEWAY_URL", "http://gateway:8080")
    for role, username, login_password in demo_data.load(base_url, password, data_dir()):
        print(f"{role:<16} {username:<14} {login_password}")
    return 0


def command_argv(argv):
    """The argv to exec for a process command, or None for one handled in-process."""
    if not argv:
        raise UsageError("no command given")
    command, args = argv[0], argv[1:]
    if command in SERVICES or command == "gateway":
        if args:
            raise UsageError(f"{command} takes no arguments")
        return procfile_command(command)
    if command == "probe":
        return [sys.executable, "-m", "deploy.probe", service_argument(args, "probe")]
    if command in ("migrate", "demo"):
        return None
    raise UsageError(f"unknown command {command!r}")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        exec_argv = command_argv(argv)
        if exec_argv is None:
            return migrate(argv[1:]) if argv[0] == "migrate" else demo(argv[1:])
    except UsageError as exc:
        print(f"deploy.entrypoint: {exc}\n\n{USAGE}", file=sys.stderr)
        return 2
    os.chdir(processes.ROOT)   # the Procfile's paths (deploy/nameko.yaml) are the repo root's
    # The same warning filters as under make run (eventlet's deprecation notice at every start).
    os.environ["PYTHONWARNINGS"] = processes.python_warnings()
    os.execvp(exec_argv[0], exec_argv)


if __name__ == "__main__":
    sys.exit(main())

"""CPU seconds per process of a running copy, read from /proc: where a request's cost
goes (each service with its replicas and children, the shared broker, the copy's
PostgreSQL backends, the bench client itself)."""
import os
import threading
from pathlib import Path

from deploy import launcher, processes

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def _broker_pids():
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "beam.smp":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _postgres_backends(stack):
    if not stack.databases:
        return []
    import psycopg2

    from tests.stack import _pg_admin
    try:
        connection = _pg_admin()
    except psycopg2.OperationalError:
        # PostgreSQL's connections all taken (a shared machine: another copy of the
        # system starting): the backends' process titles name their database.
        return _backends_by_title(stack.databases.values())
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s)",
                           (list(stack.databases.values()),))
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def _backends_by_title(databases):
    """PostgreSQL backends of ``databases`` found by their process title
    (``postgres: 15/main: user database host(port) state``)."""
    wanted = {f" {name} " for name in databases}
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().decode(errors="replace").replace("\0", " ")
            except OSError:
                continue
            if title.startswith("postgres:") and any(name in title for name in wanted):
                found.append(int(entry.name))
    return found


def cpu_snapshot(stack):
    """CPU seconds so far, per supervised process (its replicas and their children
    summed), the broker (shared by the machine), and this copy's PostgreSQL backends
    (those alive at the moment: a lower bound, unless a ``BackendWatch`` adds those
    that closed meanwhile)."""
    figures, pids = {}, {}
    for name, _ in processes.read_procfile():
        own = stack.pids_of(name)
        every = own + [child for pid in own for child in launcher.descendants(pid)]
        figures[name] = sum(_cpu_of(pid) for pid in every)
        pids[name] = tuple(own)
    # supervisord reads every process's log lines from its pipes and writes the files:
    # the cost of logging that the processes themselves do not show
    figures["supervisord (logs)"] = _cpu_of(stack.process.pid) if stack.process is not None else 0.0
    figures["rabbitmq (shared)"] = sum(_cpu_of(pid) for pid in _broker_pids())
    backends = _postgres_backends(stack)
    figures["postgres backends"] = {pid: _cpu_of(pid) for pid in backends}
    figures["bench client"] = sum(os.times()[:2])
    return figures, pids


def cpu_delta(before, after):
    (first, first_pids), (last, last_pids) = before, after
    delta = {}
    for name, value in last.items():
        if name == "postgres backends":
            delta[name] = sum(cpu - first[name].get(pid, 0.0) for pid, cpu in value.items())
        else:
            delta[name] = value - first.get(name, 0.0)
    restarted = [name for name in last_pids if last_pids[name] != first_pids.get(name)]
    return delta, restarted


def per_request(delta, requests):
    """Milliseconds of CPU per request, per process, largest first (zeros left out)."""
    return {name: 1000 * seconds / requests for name, seconds in sorted(delta.items(), key=lambda kv: -kv[1])
            if seconds > 0}


class BackendWatch:
    """Looks at the copy's PostgreSQL backends every ``every`` seconds while a load
    runs: a backend that closes before the last snapshot (a service trims its pool
    once quiet, a connection beyond the pool ends with its transaction) took its CPU
    with it, and the snapshots alone missed it. ``counted(after)`` is ``after`` with
    every backend seen meanwhile at the most CPU it was seen with.

        with BackendWatch(stack) as watch:
            ...
        after = watch.counted(cpu_snapshot(stack))
    """

    def __init__(self, stack, every=0.5):
        self.stack, self.every = stack, every
        self.seen = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="backend-watch", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _look(self):
        # by the process titles: no connection opened twice a second to ask
        for pid in _backends_by_title(self.stack.databases.values()):
            cpu = _cpu_of(pid)
            if cpu > self.seen.get(pid, 0.0):
                self.seen[pid] = cpu

    def _run(self):
        while not self._stop.is_set():
            try:
                self._look()
            except Exception:  # noqa: BLE001 — a missed look only undercounts, as before
                pass
            self._stop.wait(self.every)

    def counted(self, after):
        figures, pids = after
        backends = dict(self.seen)
        for pid, cpu in figures.get("postgres backends", {}).items():
            backends[pid] = max(cpu, backends.get(pid, 0.0))
        return {**figures, "postgres backends": backends}, pids

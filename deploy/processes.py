"""The system's processes under supervisord: the list (deploy/Procfile, the one
place that names them), replicas (``ZC_REPLICAS``), and the supervisord
configuration rendered from both, one per copy under ZC_DATA_DIR.

supervisord restarts a process that dies and leaves the others running. A process
that dies within ``START_SECONDS`` of starting is retried after 1 s, 2 s, 3 s …
and, after ``START_RETRIES`` such failures, left stopped with a ``gave up: … entered
FATAL state`` line in supervisord's log, so a broken process never spins the CPU.
Each process writes to its own file, ``ZC_DATA_DIR/logs/<process>.log``; supervisord's
own log (starts, exits, restarts) goes to ``logs/supervisord.log`` and to its stdout."""
import os
import xmlrpc.client
from pathlib import Path

from zc_common.config import SERVICES
from zc_common.logs import QUIET_WARNINGS

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "deploy" / "Procfile"

# The Nameko services may run several copies (they share their RPC queue), and so may
# the gateway: its copies share one port (SO_REUSEPORT; the kernel spreads the
# connections). The sandbox and the object store each bind fixed ports of their own.
REPLICABLE = (*SERVICES, "gateway")
SHARED_PORT = {"gateway": "ZC_GATEWAY_REUSE_PORT"}   # set for a program with several copies

# A process must stay up this long to count as started (a Nameko service needs a
# few seconds to import and connect on a busy machine; one that crashes on start
# must not look "started" and be restarted at once, forever).
START_SECONDS = 10
START_RETRIES = 5
STOP_WAIT_SECONDS = 10
GROUP = "zhicheng"
SOCKET_MAX = 100   # AF_UNIX paths are limited to 107 bytes


class ProcessConfigError(ValueError):
    pass


def read_procfile(path=None):
    """``[(name, command)]`` in file order (the start order)."""
    programs = []
    for line in Path(path or PROCFILE).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, command = line.partition(":")
        programs.append((name.strip(), command.strip()))
    return programs


def parse_replicas(text, names=REPLICABLE):
    """``"review=2,documents=3"`` → ``{"review": 2, "documents": 3}``."""
    replicas = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, _, count = item.partition("=")
        name = name.strip()
        if name not in names:
            raise ProcessConfigError(f"ZC_REPLICAS: {name!r} cannot have replicas (only {', '.join(names)})")
        if not count.strip().isdigit() or not 1 <= int(count) <= 16:
            raise ProcessConfigError(f"ZC_REPLICAS: {item!r} needs a count from 1 to 16")
        replicas[name] = int(count)
    return replicas


def logs_dir(data_dir):
    return Path(data_dir) / "logs"


def socket_path(data_dir):
    return Path(data_dir) / "supervisor.sock"


def _quoted(value):
    # supervisord expands %(name)s in its values: a literal % must be doubled.
    return str(value).replace("%", "%%")


def python_warnings(environ=os.environ):
    """The processes' PYTHONWARNINGS: the caller's filters, then ours."""
    return ",".join(filter(None, (environ.get("PYTHONWARNINGS", "").strip(), QUIET_WARNINGS)))


def supervisord_config(data_dir, programs, replicas=None, root=ROOT):
    """The text of a supervisord.conf that runs ``programs`` in the foreground."""
    data_dir, logs = Path(data_dir), logs_dir(data_dir)
    sock = socket_path(data_dir)
    if len(str(sock)) > SOCKET_MAX:
        raise ProcessConfigError(f"ZC_DATA_DIR is too long a path for supervisord's socket: {sock}")
    replicas = replicas or {}
    sections = [
        "[supervisord]",
        "nodaemon=true",
        f"logfile={_quoted(logs / 'supervisord.log')}",
        "logfile_maxbytes=10MB",
        "logfile_backups=3",
        f"pidfile={_quoted(data_dir / 'supervisord.pid')}",
        f"childlogdir={_quoted(logs)}",
        # Every process: no EventletDeprecationWarning at start (zc_common.logs.QUIET_WARNINGS).
        f'environment=PYTHONWARNINGS="{_quoted(python_warnings())}"',
        # As root, say so: supervisord otherwise warns that it could not drop privileges.
        *(["user=root"] if os.geteuid() == 0 else []),
        "",
        "[unix_http_server]",
        f"file={_quoted(sock)}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{_quoted(sock)}",
    ]
    for order, (name, command) in enumerate(programs, start=1):
        count = replicas.get(name, 1)
        process_name = "%(program_name)s-%(process_num)d" if count > 1 else "%(program_name)s"
        sections += [
            "",
            f"[program:{name}]",
            f"command={_quoted(command)}",
            f"directory={_quoted(root)}",
            # Procfile order: started first (the object store before its users).
            f"priority={order * 10}",
            f"numprocs={count}",
            f"process_name={process_name}",
            "autostart=true",
            "autorestart=true",
            f"startsecs={START_SECONDS}",
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            f"stopwaitsecs={STOP_WAIT_SECONDS}",
            # Stop and kill the whole group (a shell's children too).
            "stopasgroup=true",
            "killasgroup=true",
            "umask=077",   # the data dir's files are the owner's only (launcher.PROCESS_UMASK)
            *([f'environment={SHARED_PORT[name]}="1"'] if count > 1 and name in SHARED_PORT else []),
            "redirect_stderr=true",
            f"stdout_logfile={_quoted(logs)}/{process_name}.log",
            "stdout_logfile_maxbytes=10MB",
            "stdout_logfile_backups=3",
        ]
    # One group: on stop, supervisord signals all of its processes at once (program
    # by program would wait for each in turn).
    sections += ["", f"[group:{GROUP}]", "programs=" + ",".join(name for name, _ in programs)]
    return "\n".join(sections) + "\n"


def describe(replicas, programs=None):
    """What runs, for the banner: ``accounts, applications ×2, …``."""
    names = [name for name, _ in (programs or read_procfile())]
    return ", ".join(name + (f" ×{replicas[name]}" if replicas.get(name, 1) > 1 else "") for name in names)


def write_config(env, programs=None):
    """Render this copy's configuration into ZC_DATA_DIR; returns its path."""
    data_dir = Path(env["ZC_DATA_DIR"])
    logs_dir(data_dir).mkdir(mode=0o700, parents=True, exist_ok=True)
    text = supervisord_config(data_dir, read_procfile() if programs is None else programs,
                              parse_replicas(env.get("ZC_REPLICAS")))
    path = data_dir / "supervisord.conf"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)   # the owner's only, as the data dir
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    return path


def control(data_dir):
    """supervisord's XML-RPC interface over this copy's socket (``.supervisor.*``)."""
    from supervisor.xmlrpc import SupervisorTransport
    transport = SupervisorTransport(None, None, f"unix://{socket_path(data_dir)}")
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)


def recent_output(data_dir, chars=3000):
    """The end of every process's log, each under its name: what to print when a
    start fails."""
    parts = []
    for path in sorted(logs_dir(data_dir).glob("*.log")):
        text = path.read_text(errors="replace")[-chars:]
        parts.append(f"---- {path.stem} ({path}) ----\n{text}")
    return "\n".join(parts)

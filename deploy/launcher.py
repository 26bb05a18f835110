"""Bringing the system up: broker, vhost, migrations, processes. Used by
``make run`` (deploy/run.py) and by the test suite (tests/stack.py), so both start
the system the same way."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from deploy import processes

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


class LaunchError(RuntimeError):
    pass


def log(message):
    print(f"[zhicheng] {message}", flush=True)


# -- broker -------------------------------------------------------------------

def broker_address(uri):
    parts = urllib.parse.urlparse(uri)
    return parts.hostname or "127.0.0.1", parts.port or 5672


def port_open(host, port, timeout=1.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def ensure_broker(uri, wait=60):
    """A broker answers at ``uri``; start (or install, as root) a local one if not."""
    host, port = broker_address(uri)
    if port_open(host, port):
        return
    if host not in ("127.0.0.1", "localhost"):
        raise LaunchError(f"RabbitMQ does not answer at {host}:{port} (ZC_AMQP_URI).")
    if not shutil.which("rabbitmq-server"):
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise LaunchError("RabbitMQ is not running and not installed. Install it "
                              "(Debian: apt-get install rabbitmq-server) or set ZC_AMQP_URI.")
        log("installing rabbitmq-server (Debian package)…")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "rabbitmq-server"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    log("starting the local rabbitmq-server…")
    subprocess.run(["rabbitmq-server", "-detached"], check=False)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if port_open(host, port):
            time.sleep(1)
            return
        time.sleep(0.5)
    raise LaunchError(f"rabbitmq-server did not start listening on {host}:{port} in {wait}s.")


def vhost_of(uri):
    path = urllib.parse.urlparse(uri).path
    return urllib.parse.unquote(path[1:]) if len(path) > 1 else "/"


def with_vhost(uri, vhost):
    parts = urllib.parse.urlparse(uri)
    return urllib.parse.urlunparse(parts._replace(path="/" + urllib.parse.quote(vhost, safe="")))


def ensure_vhost(uri):
    """Create the URI's vhost (and guest's rights on it) when it is not '/'."""
    vhost = vhost_of(uri)
    if vhost == "/":
        return True
    if not shutil.which("rabbitmqctl") or os.geteuid() != 0:
        return False
    listed = subprocess.run(["rabbitmqctl", "-q", "list_vhosts"], capture_output=True, text=True)
    if vhost not in listed.stdout.split():
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True, capture_output=True)
    user = urllib.parse.urlparse(uri).username or "guest"
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, user, ".*", ".*", ".*"],
                   check=True, capture_output=True)
    return True


def delete_vhost(uri):
    vhost = vhost_of(uri)
    if vhost != "/" and shutil.which("rabbitmqctl"):
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True)


# -- environment ----------------------------------------------------------------

# Every process the launcher starts creates files only its own user can read: the
# databases hold ID numbers, phones and password hashes; the data dir holds secrets.
PROCESS_UMASK = 0o077


def secure_data_dir(path):
    """ZC_DATA_DIR and everything already in it (from before this rule, or copied in)
    readable by the owner only: directories 0700, files 0600."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    for root, dirs, files in os.walk(path):
        for name in dirs:
            target = Path(root) / name
            if not target.is_symlink():
                target.chmod(0o700)
        for name in files:
            target = Path(root) / name
            if not target.is_symlink():
                target.chmod(0o600)


def free_port_block(size=20, start=20000, end=60000):
    """A base port with ``size`` consecutive free ports above it."""
    import random
    for _ in range(200):
        base = random.randrange(start, end - size)
        if not any(port_open("127.0.0.1", p, 0.05) for p in range(base, base + size)):
            return base
    raise LaunchError("no free port block found")


def system_env(overrides=None):
    """The environment every process of one copy shares."""
    env = dict(os.environ)
    env.update(overrides or {})
    env.setdefault("ZC_PORT", "8080")
    env.setdefault("ZC_DATA_DIR", str(ROOT / "var"))
    env["ZC_DATA_DIR"] = str(Path(env["ZC_DATA_DIR"]).resolve())
    secure_data_dir(env["ZC_DATA_DIR"])
    # One object store per copy: its ports follow the gateway port unless given.
    port = int(env["ZC_PORT"])
    env.setdefault("ZC_WEED_BASE", str(20000 + (port % 1500) * 20))
    env.setdefault("ZC_S3_ENDPOINT", f"127.0.0.1:{int(env['ZC_WEED_BASE']) + 3}")
    env.setdefault("ZC_S3_ACCESS_KEY", "zhicheng")
    secret_file = Path(env["ZC_DATA_DIR"]) / "s3-secret"
    if "ZC_S3_SECRET_KEY" not in env:
        if not secret_file.exists():
            write_private(secret_file, os.urandom(16).hex())
        env["ZC_S3_SECRET_KEY"] = secret_file.read_text().strip()
    env.setdefault("ZC_PUBLIC_URL", f"http://127.0.0.1:{port}")
    env.setdefault("ZC_SANDBOX_PORT", str(port + 1))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def write_private(path, text):
    """Create ``path`` readable by its owner only (never briefly world-readable)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)


def migrate_all(env):
    # The migrations import the services' models (and so nameko and eventlet): the same
    # warning filters as the services get, or eventlet's notice opens make run's output.
    from deploy.processes import python_warnings
    env = {**env, "PYTHONWARNINGS": python_warnings(env)}
    subprocess.run([sys.executable, "-m", "zc_common.migrate"], cwd=ROOT, env=env, check=True,
                   umask=PROCESS_UMASK)


# -- processes --------------------------------------------------------------------

# The running system's process group (supervisord's), for deploy/backup.py to pause it.
RUNNER_PGID_FILE = "runner.pgid"


def start_processes(env, log_file=None):
    """Every process of the Procfile (with ``ZC_REPLICAS``) under supervisord, in the
    foreground; returns its Popen. supervisord restarts a process that dies and keeps
    the others running; its own log lines go to ``log_file`` (default: our stdout),
    each process's output to ZC_DATA_DIR/logs/<process>.log."""
    try:
        config = processes.write_config(env)
    except processes.ProcessConfigError as exc:
        raise LaunchError(str(exc)) from exc
    args = [str(VENV_BIN / "supervisord"), "--nodaemon", "--configuration", str(config)]
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                               start_new_session=True, umask=PROCESS_UMASK)
    if env.get("ZC_DATA_DIR"):
        write_private(Path(env["ZC_DATA_DIR"]) / RUNNER_PGID_FILE, str(process.pid))
    return process


def wait_healthy(base_url, process=None, wait=90):
    deadline = time.monotonic() + wait
    last = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise LaunchError(f"the processes stopped (exit {process.returncode}) before becoming healthy")
        try:
            with urllib.request.urlopen(f"{base_url}/api/v1/health", timeout=5) as response:
                if response.status == 200:
                    return
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.5)
    raise LaunchError(f"not healthy after {wait}s: {last}")


def descendants(root_pid):
    """Every process below ``root_pid`` (children, their children …), from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root_pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def signal_processes(process, signum=signal.SIGTERM):
    """Signal supervisord (it stops its processes in reverse Procfile order on SIGTERM
    or SIGINT; they run in process groups of their own)."""
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def signal_system(pgid, signum):
    """Signal the running system: supervisord's group (``pgid``), then every process
    below it — supervisord starts each in a process group of its own, so a signal to
    its group alone would not reach them."""
    os.killpg(pgid, signum)
    for pid in descendants(pgid):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def stop_processes(process, wait=60):
    if process.poll() is not None:
        return
    signal_processes(process)
    try:
        process.wait(wait)
    except subprocess.TimeoutExpired:
        # supervisord did not finish in time: kill what it started, then itself —
        # in that order, as its children are found through it.
        for pid in descendants(process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        signal_processes(process, signal.SIGKILL)
        process.wait()


DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def load_demo(env, base_url, admin_password):
    """Load the demo data set through the gateway; returns the demo logins."""
    from deploy import demo
    return demo.load(base_url, admin_password, Path(env["ZC_DATA_DIR"]))


def banner(base_url, env, admin_password, generated, logins, seconds):
    lines = [
        "",
        "=" * 64,
        f"  zhicheng 职称评审申报平台 is running ({seconds:.1f}s)",
        f"  Open:        {base_url}/",
        f"  API:         {base_url}/api/v1/health  ·  {base_url}/api/v1/openapi.json",
        f"  Admin login: admin / {admin_password}" + ("  (generated; saved in ZC_DATA_DIR/admin-password)"
                                                     if generated else ""),
    ]
    if logins:
        lines.append("  Demo logins:")
        lines += [f"    {role:<16} {username:<14} {password}" for role, username, password in logins]
    lines += [f"  Data:        {env['ZC_DATA_DIR']}",
              f"  Logs:        {processes.logs_dir(env['ZC_DATA_DIR'])}/<process>.log "
              "(crashed processes are restarted)",
              f"  Processes:   {processes.describe(processes.parse_replicas(env.get('ZC_REPLICAS')))}",
              "  Stop:        Ctrl-C", "=" * 64]
    return "\n".join(lines)

"""``make run``: everything in the foreground — broker check, object store,
migrations, seed data, every service, the gateway — until Ctrl-C or SIGTERM."""
import argparse
import os
import secrets
import signal
import sys
import time
from pathlib import Path

from deploy import launcher
from deploy.launcher import LaunchError, log


def admin_password(env):
    if env.get("ZC_ADMIN_PASSWORD"):
        return env["ZC_ADMIN_PASSWORD"], False
    stored = Path(env["ZC_DATA_DIR"]) / "admin-password"
    if not stored.exists():
        launcher.write_private(stored, "Zc-" + secrets.token_urlsafe(12))
    return stored.read_text().strip(), True


def main():
    parser = argparse.ArgumentParser(description="Start zhicheng in the foreground.")
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo data set")
    args = parser.parse_args()
    started = time.monotonic()
    os.umask(launcher.PROCESS_UMASK)   # what this process writes too (demo logins, logs)

    explicit_amqp = "ZC_AMQP_URI" in os.environ
    env = launcher.system_env()
    if not explicit_amqp:
        # A vhost per copy (by port), so two copies on one broker never share queues.
        env["ZC_AMQP_URI"] = launcher.with_vhost(launcher.DEFAULT_AMQP, f"zhicheng-{env['ZC_PORT']}")
    password, generated = admin_password(env)
    env["ZC_ADMIN_PASSWORD"] = password

    try:
        launcher.ensure_broker(env["ZC_AMQP_URI"])
        if not launcher.ensure_vhost(env["ZC_AMQP_URI"]):
            if explicit_amqp:
                raise LaunchError(f"cannot create vhost {launcher.vhost_of(env['ZC_AMQP_URI'])}: "
                                  "create it, or set ZC_AMQP_URI to an existing one")
            log("cannot create a vhost (not root): using '/'")
            env["ZC_AMQP_URI"] = launcher.DEFAULT_AMQP
        if launcher.port_open("127.0.0.1", int(env["ZC_PORT"])):
            raise LaunchError(f"port {env['ZC_PORT']} is taken: set ZC_PORT to a free one")
        log("migrating databases…")
        launcher.migrate_all(env)
        process = launcher.start_processes(env)
    except (LaunchError, OSError) as exc:
        log(f"cannot start: {exc}")
        return 1
    stopping = False

    def stop(signum, _frame):
        # Only signal here: the main thread is inside process.wait() and reaps
        # supervisord, which stops every process it started before it exits.
        nonlocal stopping
        if not stopping:
            stopping = True
            log("stopping…")
            launcher.signal_processes(process)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    base_url = f"http://127.0.0.1:{env['ZC_PORT']}"
    try:
        launcher.wait_healthy(base_url, process, wait=120)
        logins = [] if args.no_demo else launcher.load_demo(env, base_url, password)
    except Exception as exc:  # noqa: BLE001 — a failed demo load too: never leave the processes behind
        launcher.stop_processes(process)
        if stopping:
            return 0
        log(f"cannot start: {exc}")
        return 1
    print(launcher.banner(base_url, env, password, generated, logins, time.monotonic() - started),
          flush=True)
    try:
        process.wait(timeout=None)
    finally:
        launcher.stop_processes(process)
    return 0 if stopping else process.returncode


if __name__ == "__main__":
    sys.exit(main())

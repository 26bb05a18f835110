"""``python -m deploy.backup [--out DIR]``: every service database, the object
bucket and the data dir's secrets into one timestamped directory with a manifest
(what, sizes, sha256, Alembic heads). Settings from the same environment as
``make run`` (ZC_*_DB, ZC_S3_*, ZC_DATA_DIR, ZC_PORT).

Consistency across services (deploy/README.md, "Backups"): when the system's
processes run under the launcher, they are paused (SIGSTOP to the runner's process
group, recorded in ZC_DATA_DIR/runner.pgid, and to every process below it) while the
databases are snapshotted — a second or two — so every database is taken at the
same instant, the state a whole-system crash would leave, which the services are built to recover from
(request ids stored before every cross-service call, retried after; the outbox).
Events that were still in a broker queue at that instant are replayed from the
outbox by the restore. The bucket is copied after the processes resume: objects
are written before the rows that name them and never rewritten, so every object
a snapshot names is already there."""
import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from deploy import launcher, snapshots
from deploy.snapshots import BackupError
from zc_common import config


@contextlib.contextmanager
def environment(env):
    """Run zc_common.config's readers against ``env`` (the system's settings)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


PAUSE_LIMIT_SECONDS = 120   # far above the seconds the snapshots take


def system_settings(env):
    with environment(env):
        return {"databases": {s: config.database_url(s) for s in config.SERVICES},
                "s3": config.s3_settings(), "data_dir": Path(env["ZC_DATA_DIR"])}


def runner_group(data_dir):
    """The process group of the running system (written by launcher.start_processes)."""
    try:
        pgid = int((Path(data_dir) / launcher.RUNNER_PGID_FILE).read_text())
        os.killpg(pgid, 0)
        return pgid
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def paused(data_dir, enabled=True):
    """Every process of the running system stopped (SIGSTOP) for the duration."""
    pgid = runner_group(data_dir) if enabled else None
    if pgid is None:
        yield None
        return
    # Should this process die while the system is stopped, a detached watchdog
    # resumes it anyway: supervisord's group and every process below it (each in a
    # group of its own).
    below = " ".join(str(pid) for pid in launcher.descendants(pgid))
    watchdog = subprocess.Popen(["sh", "-c", f"sleep {PAUSE_LIMIT_SECONDS}; kill -CONT -- -{pgid} {below}"],
                                start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    launcher.signal_system(pgid, signal.SIGSTOP)
    started = time.monotonic()
    try:
        yield pgid
    finally:
        launcher.signal_system(pgid, signal.SIGCONT)
        watchdog.kill()
        watchdog.wait()
        launcher.log(f"backup: the system was paused {time.monotonic() - started:.2f}s")


@contextlib.contextmanager
def object_store(env):
    """The object store answering at ZC_S3_ENDPOINT: the running one, or — for a
    stopped local copy — SeaweedFS started for the duration (deploy/objectstore.sh)."""
    host, _, port = env["ZC_S3_ENDPOINT"].rpartition(":")
    if launcher.port_open(host or "127.0.0.1", int(port)) or "ZC_WEED_BASE" not in env:
        yield
        return
    process = subprocess.Popen(["bash", str(launcher.ROOT / "deploy" / "objectstore.sh")], env=env,
                               cwd=launcher.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, umask=launcher.PROCESS_UMASK)
    try:
        wait_for_bucket_api(env, process)
        yield
    finally:
        launcher.stop_processes(process)


def wait_for_bucket_api(env, process, wait=60):
    with environment(env):
        settings = config.s3_settings()
    deadline = time.monotonic() + wait
    while True:
        if process.poll() is not None:
            raise BackupError(f"the local object store stopped at once (exit {process.returncode}): "
                              f"are the ports from ZC_WEED_BASE={env['ZC_WEED_BASE']} free?")
        try:
            snapshots.s3_client(settings).list_buckets()
            return
        except Exception as exc:  # noqa: BLE001 — not up yet
            if time.monotonic() > deadline:
                raise BackupError(f"the local object store did not answer in {wait}s: {exc}") from exc
            time.sleep(0.3)


def software(databases):
    """Which code made the backup (a restore wants code at least as new: its
    migrations must know every Alembic head in the manifest)."""
    found = {"python": sys.version.split()[0]}
    if shutil.which("git"):
        commit = subprocess.run(["git", "-C", str(launcher.ROOT), "rev-parse", "HEAD"], capture_output=True,
                                text=True)
        if commit.returncode == 0:
            found["commit"] = commit.stdout.strip()
    if shutil.which("pg_dump") and any(url.startswith("postgresql") for url in databases.values()):
        found["pg_dump"] = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout.strip()
    return found


def take(env, out_dir, pause=True):
    """One backup of the system ``env`` describes; returns (folder, manifest)."""
    settings = system_settings(env)
    started = datetime.now(timezone.utc)
    folder = Path(out_dir) / f"zhicheng-{started.strftime('%Y%m%dT%H%M%S.%fZ')}"
    Path(out_dir).mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.mkdir(mode=0o700)
    clock = time.monotonic()
    with paused(settings["data_dir"], pause) as pgid:
        # All at once: the pause lasts as long as the slowest dump, not their sum.
        with ThreadPoolExecutor(max_workers=len(settings["databases"])) as pool:
            dumps = {service: pool.submit(snapshots.dump_database, url, folder, service)
                     for service, url in settings["databases"].items()}
            databases = {service: dump.result() for service, dump in dumps.items()}
    databases_seconds = time.monotonic() - clock
    with object_store(env):
        bucket = snapshots.dump_bucket(settings["s3"], folder)
    files = snapshots.dump_state_files(settings["data_dir"], folder)
    manifest = {
        "format": 1, "started_at": started.isoformat(),
        "finished_at": datetime.now(timezone.utc).isoformat(),
        "software": software(settings["databases"]),
        "paused": pgid is not None, "databases_seconds": round(databases_seconds, 3),
        "databases": databases, "bucket": bucket, "files": files,
    }
    snapshots.write_manifest(folder, manifest)
    return folder, manifest


def summary(folder, manifest):
    lines = [f"backup: {folder}"]
    for service, piece in manifest["databases"].items():
        lines.append(f"  {service:<13} {piece['kind']:<10} {piece['size']:>10} B  alembic {piece['alembic_head']}")
    objects = manifest["bucket"]["objects"]
    lines.append(f"  bucket {manifest['bucket']['bucket']}: {len(objects)} objects, "
                 f"{sum(o['size'] for o in objects)} B")
    lines.append(f"  files: {', '.join(manifest['files']) or '—'}; system paused: {manifest['paused']} "
                 f"({manifest['databases_seconds']}s for the databases)")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Back up every zhicheng database and the object bucket.")
    parser.add_argument("--out", default=os.environ.get("ZC_BACKUP_DIR", "backups"),
                        help="where the timestamped backup directory goes (default: ZC_BACKUP_DIR or ./backups)")
    parser.add_argument("--no-pause", action="store_true",
                        help="do not pause the running processes (per-database snapshots; see deploy/README.md)")
    args = parser.parse_args(argv)
    os.umask(launcher.PROCESS_UMASK)
    try:
        folder, manifest = take(launcher.system_env(), args.out, pause=not args.no_pause)
    except BackupError as exc:
        launcher.log(f"backup failed: {exc}")
        return 1
    print(summary(folder, manifest), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m deploy.restore BACKUP_DIR [--force]``: put a backup made by
deploy.backup into the databases, bucket and data dir that the environment names
(the same settings as ``make run``). Run it with the system stopped, then start
the system (``make run``): its migrations find every database at its head.

It refuses, before touching anything, when a target database or the bucket is not
empty or a secret file in ZC_DATA_DIR differs — unless ``--force``, which empties
them first. Every piece is checked against the manifest's sha256 first. The
events of the last ``--replay-minutes`` before the backup are marked unsent in
each outbox, so the relays send them again (consumers skip what they have seen):
what sat in a broker queue at backup time is not lost."""
import argparse
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from deploy import launcher, snapshots
from deploy.backup import object_store, system_settings
from deploy.snapshots import BackupError

REPLAY_MINUTES = 60


def refusals(settings, manifest, folder):
    """What a restore without --force would overwrite."""
    found = [f"database {service} is not empty" for service in manifest["databases"]
             if not snapshots.database_is_empty(settings["databases"][service])]
    if manifest["bucket"]["objects"] and not snapshots.bucket_is_empty(settings["s3"]):
        found.append(f"bucket {settings['s3']['bucket']} is not empty")
    found += [f"{name} in ZC_DATA_DIR differs from the backup's"
              for name in snapshots.state_file_conflicts(settings["data_dir"], manifest["files"], folder)]
    return found


def restore(env, folder, force=False, replay_minutes=REPLAY_MINUTES):
    """Returns what was restored (counts per piece) or raises BackupError."""
    folder = Path(folder)
    manifest = snapshots.read_manifest(folder)
    snapshots.verify(folder, manifest)
    settings = system_settings(env)
    started = time.monotonic()
    with object_store(env):
        blocked = refusals(settings, manifest, folder)
        if blocked and not force:
            raise BackupError("the targets are not empty (use --force to replace them): " + "; ".join(blocked))
        since = (datetime.fromisoformat(manifest["started_at"]) - timedelta(minutes=replay_minutes))
        since = since.astimezone(timezone.utc).replace(tzinfo=None)
        replayed = {}
        for service, piece in manifest["databases"].items():
            url = settings["databases"][service]
            if force:
                snapshots.empty_database(url)
            snapshots.restore_database(url, piece, folder, service)
            replayed[service] = snapshots.replay_outbox(url, since)
        if force:
            snapshots.empty_bucket(settings["s3"])
        objects = snapshots.restore_bucket(settings["s3"], manifest["bucket"], folder)
        snapshots.restore_state_files(settings["data_dir"], manifest["files"], folder)
    return {"databases": list(manifest["databases"]), "objects": objects, "files": list(manifest["files"]),
            "events_replayed": replayed, "seconds": round(time.monotonic() - started, 2)}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Restore a zhicheng backup into empty databases and bucket.")
    parser.add_argument("backup", help="a directory made by python -m deploy.backup")
    parser.add_argument("--force", action="store_true", help="empty non-empty targets first (destroys their data)")
    parser.add_argument("--replay-minutes", type=int, default=REPLAY_MINUTES,
                        help=f"resend the events of this many minutes before the backup (default {REPLAY_MINUTES})")
    args = parser.parse_args(argv)
    os.umask(launcher.PROCESS_UMASK)
    try:
        done = restore(launcher.system_env(), args.backup, force=args.force, replay_minutes=args.replay_minutes)
    except BackupError as exc:
        launcher.log(f"restore refused: {exc}")
        return 1
    launcher.log(f"restored {', '.join(done['databases'])}; {done['objects']} objects; files "
                 f"{', '.join(done['files']) or '—'}; events to resend {done['events_replayed']} "
                 f"({done['seconds']}s). Start the system with make run.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

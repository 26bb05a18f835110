"""The pieces of a backup, each taken and put back the way its store wants it:
SQLite through its online backup API (a consistent copy of a live database, never
a file copy of a half-written page), PostgreSQL with ``pg_dump -Fc`` /
``pg_restore``, the object bucket object by object with its content type and
metadata, and the few secret files of ZC_DATA_DIR. deploy/backup.py and
deploy/restore.py put them together."""
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

# The data dir's files that are state, not cache: the key that signs login tokens
# and internal links, the admin's generated password, and the record that the demo
# data is loaded (without it ``make run`` would load the demo data a second time).
STATE_FILES = ("secret.key", "admin-password", "demo-logins.json")


class BackupError(RuntimeError):
    pass


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe(path):
    return {"file": path.name, "size": path.stat().st_size, "sha256": sha256_of(path)}


def private_file(path):
    """An empty file only its owner can read, for a backup piece to go into."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)


# -- databases -------------------------------------------------------------------------

def kind_of(url):
    if url.startswith("sqlite:///"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"unsupported database URL: {url.split(':', 1)[0]}")


def sqlite_path(url):
    return Path(url[len("sqlite:///"):])


def libpq_url(url):
    """SQLAlchemy's ``postgresql+psycopg2://`` → what pg_dump and psycopg2 take."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest


def alembic_head(url):
    """The Alembic revision a database is at (None when never migrated)."""
    query = "SELECT version_num FROM alembic_version"
    try:
        if kind_of(url) == "sqlite":
            if not sqlite_path(url).exists():
                return None
            with closing(sqlite3.connect(sqlite_path(url))) as db:
                rows = db.execute(query).fetchall()
        else:
            import psycopg2
            with closing(psycopg2.connect(libpq_url(url))) as db, db.cursor() as cursor:
                cursor.execute(query)
                rows = cursor.fetchall()
    except (sqlite3.Error, Exception) as exc:  # noqa: BLE001 — no table: not migrated
        if "alembic_version" in str(exc) or "no such table" in str(exc):
            return None
        raise
    return ",".join(sorted(r[0] for r in rows)) or None


def dump_database(url, target_dir, name):
    """A consistent snapshot of one live database into ``target_dir``."""
    if kind_of(url) == "sqlite":
        source = sqlite_path(url)
        if not source.exists():
            raise BackupError(f"{name}: no database at {source}")
        target = target_dir / f"{name}.sqlite3"
        private_file(target)
        # The backup API reads page by page under SQLite's own locking; the services
        # run in WAL mode, so a writer (even one paused mid-transaction) never blocks it.
        with closing(sqlite3.connect(source, timeout=30)) as live, closing(sqlite3.connect(target)) as copy:
            live.backup(copy)
    else:
        target = target_dir / f"{name}.pgdump"
        private_file(target)
        run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={target}",
             f"--dbname={libpq_url(url)}"], name)
    return {"kind": kind_of(url), **describe(target), "alembic_head": alembic_head(url)}


def database_is_empty(url):
    if kind_of(url) == "sqlite":
        path = sqlite_path(url)
        if not path.exists():
            return True
        with closing(sqlite3.connect(path)) as db:
            return db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] == 0
    import psycopg2
    with closing(psycopg2.connect(libpq_url(url))) as db, db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        return cursor.fetchone()[0] == 0


def empty_database(url):
    """What ``--force`` does before restoring over a database: drop every table."""
    if kind_of(url) == "sqlite":
        path = sqlite_path(url)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg2
    with closing(psycopg2.connect(libpq_url(url))) as db, db.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        db.commit()


def restore_database(url, piece, source_dir, name):
    source = source_dir / piece["file"]
    if kind_of(url) != piece["kind"]:
        raise BackupError(f"{name}: the backup is {piece['kind']}, the target is {kind_of(url)}")
    if piece["kind"] == "sqlite":
        target = sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        private_file(target)
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as saved, \
                closing(sqlite3.connect(target)) as live:
            saved.backup(live)
    else:
        run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
             f"--dbname={libpq_url(url)}", str(source)], name)


def replay_outbox(url, since):
    """Mark the events a service announced since ``since`` (naive UTC) as not yet
    published, so its relay sends them again after the restore: a message that was
    still in a broker queue when the backup was taken is not in any database, and
    consumers drop what they have already seen (their inbox keeps event ids).
    Returns how many were marked; 0 for a service without an outbox."""
    if kind_of(url) == "sqlite":
        with closing(sqlite3.connect(sqlite_path(url))) as db:
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name='outbox'").fetchone():
                return 0
            # SQLite keeps the timestamps as text, 'YYYY-MM-DD HH:MM:SS.ffffff'.
            marked = db.execute("UPDATE outbox SET published = 0 WHERE created_at >= ?",
                                (since.isoformat(sep=" "),)).rowcount
            db.commit()
            return marked
    import psycopg2
    with closing(psycopg2.connect(libpq_url(url))) as db, db.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.outbox')")
        if cursor.fetchone()[0] is None:
            return 0
        cursor.execute("UPDATE outbox SET published = false WHERE created_at >= %s", (since,))
        marked = cursor.rowcount
        db.commit()
        return marked


def run(args, name):
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed (Debian: postgresql-client)")
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{name}: {args[0]} failed: {done.stderr.strip()[-2000:]}")


# -- the bucket ---------------------------------------------------------------------------

def s3_client(settings):
    from minio import Minio
    return Minio(settings["endpoint"], access_key=settings["access_key"], secret_key=settings["secret_key"],
                 secure=settings["secure"])


def user_metadata(headers):
    """``X-Amz-Meta-*`` headers of a stat → the metadata dict put_object takes."""
    prefix = "x-amz-meta-"
    return {k[len(prefix):]: v for k, v in headers.items() if k.lower().startswith(prefix)}


def dump_bucket(settings, target_dir):
    """Every object of the bucket with its content type and user metadata, each in a
    numbered file (keys may hold any character); the manifest maps keys to files."""
    client, bucket = s3_client(settings), settings["bucket"]
    folder = target_dir / "objects"
    folder.mkdir(mode=0o700)
    objects = []
    if not client.bucket_exists(bucket):
        return {"bucket": bucket, "objects": objects}
    for number, item in enumerate(client.list_objects(bucket, recursive=True), start=1):
        stat = client.stat_object(bucket, item.object_name)
        path = folder / f"{number:07d}"
        private_file(path)
        response = client.get_object(bucket, item.object_name)
        try:
            with open(path, "wb") as out:
                for chunk in response.stream(1 << 20):
                    out.write(chunk)
        finally:
            response.close()
            response.release_conn()
        objects.append({"key": item.object_name, "content_type": stat.content_type,
                        "metadata": user_metadata(stat.metadata), **describe(path),
                        "file": f"objects/{path.name}"})
    return {"bucket": bucket, "objects": objects}


def bucket_is_empty(settings):
    client, bucket = s3_client(settings), settings["bucket"]
    if not client.bucket_exists(bucket):
        return True
    return next(iter(client.list_objects(bucket, recursive=True)), None) is None


def empty_bucket(settings):
    from minio.deleteobjects import DeleteObject
    client, bucket = s3_client(settings), settings["bucket"]
    if not client.bucket_exists(bucket):
        return
    doomed = [DeleteObject(o.object_name) for o in client.list_objects(bucket, recursive=True)]
    for error in client.remove_objects(bucket, doomed):
        raise BackupError(f"could not empty the bucket: {error}")


def restore_bucket(settings, piece, source_dir):
    client, bucket = s3_client(settings), settings["bucket"]
    if not client.bucket_exists(bucket):
        client.make_bucket(bucket)
    for item in piece["objects"]:
        data = (source_dir / item["file"]).read_bytes()
        client.put_object(bucket, item["key"], io.BytesIO(data), len(data),
                          content_type=item["content_type"] or "application/octet-stream",
                          metadata=item["metadata"] or None)
    return len(piece["objects"])


# -- the manifest ----------------------------------------------------------------------

def write_manifest(folder, manifest):
    path = folder / "manifest.json"
    private_file(path)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))


def read_manifest(folder):
    path = Path(folder) / "manifest.json"
    if not path.exists():
        raise BackupError(f"{folder} is not a backup (no manifest.json)")
    return json.loads(path.read_text())


def verify(folder, manifest):
    """Every piece is there with the size and sha256 the manifest recorded."""
    folder = Path(folder)
    pieces = list(manifest["databases"].values()) + manifest["bucket"]["objects"] + list(manifest["files"].values())
    for piece in pieces:
        path = folder / piece["file"]
        if not path.exists() or path.stat().st_size != piece["size"] or sha256_of(path) != piece["sha256"]:
            raise BackupError(f"{piece['file']} is missing or damaged (size/sha256 differ from the manifest)")


def dump_state_files(data_dir, target_dir):
    folder = target_dir / "files"
    folder.mkdir(mode=0o700)
    pieces = {}
    for name in STATE_FILES:
        source = Path(data_dir) / name
        if source.exists():
            target = folder / name
            private_file(target)
            target.write_bytes(source.read_bytes())
            pieces[name] = {**describe(target), "file": f"files/{name}"}
    return pieces


def state_file_conflicts(data_dir, pieces, source_dir):
    """State files that exist in the data dir with other contents than the backup's."""
    return [name for name, piece in pieces.items()
            if (Path(data_dir) / name).exists()
            and (Path(data_dir) / name).read_bytes() != (Path(source_dir) / piece["file"]).read_bytes()]


def restore_state_files(data_dir, pieces, source_dir):
    for name, piece in pieces.items():
        target = Path(data_dir) / name
        private_file(target)
        target.write_bytes((Path(source_dir) / piece["file"]).read_bytes())

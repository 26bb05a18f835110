"""deploy.backup / deploy.restore on the SQLite path (what ``make run`` uses by
default), with a real object store (SeaweedFS, started for the duration as the
restore does for a stopped local copy): a round trip into a fresh data dir, the
manifest, the refusals, and the outbox replay."""
import io
import json
import sqlite3
import stat
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from deploy import backup, launcher, restore, snapshots
from zc_common.config import SERVICES


def weed_ports():
    """A SeaweedFS port base whose ports (B..B+19 and B+10016) all lie below the
    ephemeral range, where outgoing connections cannot take them meanwhile."""
    while True:
        base = launcher.free_port_block(size=20, start=20000, end=22700)
        if not launcher.port_open("127.0.0.1", base + 10016, 0.05):
            return base


def system(tmp_path, name, monkeypatch):
    for service in SERVICES:
        monkeypatch.delenv(f"ZC_{service.upper()}_DB", raising=False)
    for variable in ("ZC_S3_ENDPOINT", "ZC_S3_SECRET_KEY", "ZC_WEED_BASE", "ZC_ADMIN_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    base = weed_ports()
    return launcher.system_env({"ZC_DATA_DIR": str(tmp_path / name), "ZC_PORT": "18090",
                                "ZC_WEED_BASE": str(base), "ZC_S3_ENDPOINT": f"127.0.0.1:{base + 3}"})


def fill(env):
    """Each service's database at an Alembic head with a row; applications with an
    outbox holding an old and a recent event; a secret; two objects with metadata."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for service in SERVICES:
        with closing(sqlite3.connect(f"{env['ZC_DATA_DIR']}/{service}.sqlite3")) as db:
            db.execute("PRAGMA journal_mode=WAL")     # as zc_common.db opens them
            db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
            db.execute("INSERT INTO alembic_version VALUES (?)", (f"{service}0001",))
            db.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)")
            db.execute("INSERT INTO things (name) VALUES (?)", (f"{service} 身份证 650102…",))
            if service == "applications":
                db.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY, event_id TEXT, created_at DATETIME,"
                           " published BOOLEAN)")
                for event_id, at in (("old", now - timedelta(days=2)), ("recent", now - timedelta(minutes=5))):
                    db.execute("INSERT INTO outbox (event_id, created_at, published) VALUES (?, ?, 1)",
                               (event_id, at.isoformat(sep=" ")))
            db.commit()
    (Path(env["ZC_DATA_DIR"]) / "secret.key").write_text("k" * 64)
    (Path(env["ZC_DATA_DIR"]) / "demo-logins.json").write_text('[["applicant", "demo_applicant", "p"]]')
    with backup.object_store(env):
        settings = backup.system_settings(env)["s3"]
        client = snapshots.s3_client(settings)
        client.make_bucket(settings["bucket"])
        for key, data in (("attachments/a/证书.pdf", b"%PDF-1.4 scan"), ("certs/X1.pdf", b"%PDF cert")):
            client.put_object(settings["bucket"], key, io.BytesIO(data), len(data), content_type="application/pdf",
                              metadata={"sha256": "abc"})


def rows(env, service, query):
    with closing(sqlite3.connect(f"{env['ZC_DATA_DIR']}/{service}.sqlite3")) as db:
        return db.execute(query).fetchall()


def test_round_trip_into_a_fresh_data_dir(tmp_path, monkeypatch):
    source = system(tmp_path, "source", monkeypatch)
    fill(source)
    # A writer in the middle of a transaction: the snapshot neither waits for it nor sees it.
    with closing(sqlite3.connect(f"{source['ZC_DATA_DIR']}/review.sqlite3", timeout=1)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO things (name) VALUES ('uncommitted')")
        folder, manifest = backup.take(source, tmp_path / "backups")
        writer.rollback()

    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.rglob("*") if p.is_file())
    assert {s: p["alembic_head"] for s, p in manifest["databases"].items()} == {s: f"{s}0001" for s in SERVICES}
    assert manifest["software"]["python"] and manifest["paused"] is False   # no running system to pause
    assert manifest["databases"]["review"]["kind"] == "sqlite" and manifest["databases"]["review"]["size"] > 0
    assert sorted(o["key"] for o in manifest["bucket"]["objects"]) == ["attachments/a/证书.pdf", "certs/X1.pdf"]
    assert list(manifest["files"]) == ["secret.key", "demo-logins.json"]   # no admin-password: none generated
    assert json.loads((folder / "manifest.json").read_text()) == manifest

    target = system(tmp_path, "target", monkeypatch)
    done = restore.restore(target, folder)
    assert done["objects"] == 2 and done["events_replayed"] == {**{s: 0 for s in SERVICES}, "applications": 1}
    for service in SERVICES:
        assert rows(target, service, "SELECT name FROM things") == [(f"{service} 身份证 650102…",)]
    # Only the recent event is sent again; the old one was long since delivered.
    assert rows(target, "applications", "SELECT event_id, published FROM outbox ORDER BY id") == [
        ("old", 1), ("recent", 0)]
    assert (Path(target["ZC_DATA_DIR"]) / "secret.key").read_text() == "k" * 64
    # The demo data is in the restored databases: make run must not load it again.
    assert (Path(target["ZC_DATA_DIR"]) / "demo-logins.json").exists()
    with backup.object_store(target):
        settings = backup.system_settings(target)["s3"]
        client = snapshots.s3_client(settings)
        got = client.get_object(settings["bucket"], "attachments/a/证书.pdf")
        assert got.read() == b"%PDF-1.4 scan"
        described = client.stat_object(settings["bucket"], "attachments/a/证书.pdf")
        assert described.content_type == "application/pdf"
        assert snapshots.user_metadata(described.metadata) == {"sha256": "abc"}

        # A second restore over the now non-empty target is refused, and changes nothing…
        with pytest.raises(snapshots.BackupError) as refused:
            restore.restore(target, folder)
        assert "not empty" in str(refused.value)
        # …unless forced.
        assert restore.restore(target, folder, force=True)["objects"] == 2
    assert rows(target, "review", "SELECT count(*) FROM things") == [(1,)]


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    source = system(tmp_path, "source", monkeypatch)
    fill(source)
    folder, manifest = backup.take(source, tmp_path / "backups")
    with open(folder / manifest["databases"]["accounts"]["file"], "r+b") as piece:
        piece.seek(100)
        piece.write(b"\x00garbage")
    target = system(tmp_path, "target", monkeypatch)
    with pytest.raises(snapshots.BackupError) as damaged:
        restore.restore(target, folder)
    assert "accounts.sqlite3" in str(damaged.value)
    assert not (Path(target["ZC_DATA_DIR"]) / "accounts.sqlite3").exists()

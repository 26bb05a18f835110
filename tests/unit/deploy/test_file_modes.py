"""What ``make run`` leaves on disk is its owner's only: the launcher's start-up steps
(deploy/run.py: environment, admin password, migrations, processes) on a temporary
data dir that starts out world-readable, as an older version left it."""
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from deploy import demo, launcher, processes, run
from tests.client import wait_for
from zc_common.config import SERVICES


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def world_readable_leftovers(data_dir):
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    (data_dir / "objects").mkdir(mode=0o755)
    for name in ("accounts.sqlite3", "objects/1.dat"):
        (data_dir / name).write_text("x")
        (data_dir / name).chmod(0o644)


def test_start_up_leaves_the_data_dir_0700_and_every_file_0600(tmp_path, monkeypatch):
    for service in SERVICES:
        monkeypatch.delenv(f"ZC_{service.upper()}_DB", raising=False)
    monkeypatch.delenv("ZC_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("ZC_S3_SECRET_KEY", raising=False)
    data_dir = tmp_path / "var"
    world_readable_leftovers(data_dir)
    (data_dir / "accounts.sqlite3").unlink()          # a fresh database, created by the migration
    env = launcher.system_env({"ZC_DATA_DIR": str(data_dir), "ZC_PORT": "18080"})
    run.admin_password(env)
    launcher.migrate_all(env)

    assert mode(data_dir) == 0o700 and mode(data_dir / "objects") == 0o700
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {f"{s}.sqlite3" for s in SERVICES} | {"s3-secret", "admin-password", "1.dat"} <= names
    assert {str(p.relative_to(data_dir)): oct(mode(p)) for p in files if mode(p) != 0o600} == {}


def test_processes_the_launcher_starts_create_owner_only_files(tmp_path, monkeypatch):
    procfile = tmp_path / "Procfile"
    procfile.write_text(f'writer: {sys.executable} -c "open(\'{tmp_path}/made\', \'w\').write(\'x\'); '
                        'import time; time.sleep(60)"\n')
    monkeypatch.setattr(processes, "PROCFILE", procfile)
    data_dir = tmp_path / "data"
    old = os.umask(0o022)       # what a login shell usually has
    try:
        process = launcher.start_processes({**os.environ, "ZC_DATA_DIR": str(data_dir)},
                                           log_file=subprocess.DEVNULL)
        try:
            wait_for(lambda: (tmp_path / "made").exists(), seconds=60, what="the process to write")
        finally:
            launcher.stop_processes(process)
    finally:
        os.umask(old)
    assert mode(tmp_path / "made") == 0o600
    # The process manager's files too: its configuration, logs, socket.
    files = [p for p in data_dir.rglob("*") if p.is_file() or p.is_socket()]
    assert {p.name for p in files} >= {"supervisord.conf", "supervisord.log", "writer.log"}
    assert {str(p.relative_to(data_dir)): oct(mode(p)) for p in files if mode(p) & 0o077} == {}


def test_demo_logins_never_hold_the_admin_password(tmp_path):
    marker = tmp_path / "demo-logins.json"
    demo.save_logins(marker, [("platform_admin", "admin", "Admin-Secret-1"), ("applicant", "demo_applicant", "p")])
    assert "Admin-Secret-1" not in marker.read_text() and mode(marker) == 0o600
    # A file an older version wrote (admin included, world-readable) is cleaned on the next start.
    marker.write_text(json.dumps([["platform_admin", "admin", "Admin-Secret-1"], ["applicant", "demo_applicant", "p"]]))
    marker.chmod(0o644)
    assert demo.load("http://127.0.0.1:9", "Admin-Secret-1", tmp_path) == [("applicant", "demo_applicant", "p")]
    assert "Admin-Secret-1" not in marker.read_text() and mode(marker) == 0o600


def test_data_dir_modes_are_kept_by_system_env_alone(tmp_path):
    data_dir = tmp_path / "var"
    world_readable_leftovers(data_dir)
    launcher.system_env({"ZC_DATA_DIR": str(data_dir), "ZC_PORT": "18081"})
    assert mode(data_dir) == 0o700 and mode(data_dir / "accounts.sqlite3") == 0o600
    assert mode(Path(data_dir / "objects" / "1.dat")) == 0o600

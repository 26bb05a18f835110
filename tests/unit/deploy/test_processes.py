"""The supervisord configuration rendered from the Procfile (deploy/processes.py)."""
import configparser

import pytest

from deploy import processes


def rendered(tmp_path, replicas=None, programs=None):
    parser = configparser.RawConfigParser()
    parser.read_string(processes.supervisord_config(tmp_path, programs or processes.read_procfile(), replicas))
    return parser


def test_every_procfile_process_is_supervised_and_restarted(tmp_path):
    config = rendered(tmp_path)
    names = [name for name, _ in processes.read_procfile()]
    assert {"gateway", "objectstore", *processes.REPLICABLE} <= set(names)
    assert config.get(f"group:{processes.GROUP}", "programs").split(",") == names
    for order, name in enumerate(names, start=1):
        section = f"program:{name}"
        assert config.get(section, "autorestart") == "true"
        assert config.get(section, "startsecs") == str(processes.START_SECONDS)
        assert config.get(section, "startretries") == str(processes.START_RETRIES)
        assert config.get(section, "numprocs") == "1"
        assert config.get(section, "stdout_logfile") == f"{tmp_path}/logs/%(program_name)s.log"
        assert int(config.get(section, "priority")) == order * 10


def test_replicas_are_numbered_processes_with_logs_of_their_own(tmp_path):
    config = rendered(tmp_path, processes.parse_replicas("review=3, documents=2"))
    assert config.get("program:review", "numprocs") == "3"
    assert config.get("program:review", "process_name") == "%(program_name)s-%(process_num)d"
    assert config.get("program:review", "stdout_logfile").endswith("/%(program_name)s-%(process_num)d.log")
    assert config.get("program:documents", "numprocs") == "2"
    assert config.get("program:accounts", "numprocs") == "1"


def test_gateway_replicas_share_the_port_and_a_single_gateway_does_not(tmp_path):
    shared = rendered(tmp_path, processes.parse_replicas("gateway=2"))
    assert shared.get("program:gateway", "numprocs") == "2"
    assert shared.get("program:gateway", "environment") == 'ZC_GATEWAY_REUSE_PORT="1"'
    assert not rendered(tmp_path).has_option("program:gateway", "environment")
    assert not shared.has_option("program:review", "environment")


def test_the_banner_names_what_runs():
    programs = [("objectstore", "x"), ("review", "y"), ("gateway", "z")]
    assert processes.describe({"review": 2}, programs) == "objectstore, review ×2, gateway"


@pytest.mark.parametrize("text", ["sandbox_pay=2", "objectstore=2", "nosuch=2", "review=0", "review=x", "review"])
def test_replicas_only_for_services_and_with_a_sane_count(text):
    with pytest.raises(processes.ProcessConfigError):
        processes.parse_replicas(text)


def test_no_replicas_when_unset():
    assert processes.parse_replicas(None) == {} == processes.parse_replicas(" ")


def test_a_percent_sign_in_a_path_survives_supervisords_expansion(tmp_path):
    data_dir = tmp_path / "100%"
    config = rendered(data_dir, programs=[("web", "python -m gateway.app")])
    # RawConfigParser leaves the text as written: supervisord turns %% back into %.
    assert config.get("supervisord", "logfile") == f"{tmp_path}/100%%/logs/supervisord.log"


def test_a_socket_path_too_long_for_unix_sockets_is_refused(tmp_path):
    with pytest.raises(processes.ProcessConfigError):
        processes.supervisord_config(tmp_path / ("x" * 120), [("web", "python -m gateway.app")])


def test_migrations_run_with_the_services_warning_filters(monkeypatch):
    """make run's migration step imports nameko (the models): without the filters,
    eventlet's deprecation notice opened make run's output."""
    from deploy import launcher
    seen = {}
    monkeypatch.setattr(launcher.subprocess, "run", lambda argv, **kwargs: seen.update(kwargs))
    launcher.migrate_all({"ZC_DATA_DIR": "/nowhere"})
    assert seen["env"]["PYTHONWARNINGS"] == processes.python_warnings({})
    assert seen["env"]["ZC_DATA_DIR"] == "/nowhere"

"""zc_common.logs: which request ids are taken, what a log line holds in either
format, the line WorkerLog writes per worker, and the request id an event leaves with
(straight from a worker, or later from the outbox)."""
import json
import logging
from unittest import mock

import pytest
from nameko.containers import ServiceContainer, WorkerContext
from nameko.testing.utils import get_extension
from sqlalchemy.orm import DeclarativeBase

from tests.unit.dbutil import session_for
from zc_common import logs
from zc_common.errors import DomainError, NotFound
from zc_common.outbox import CONTEXT_KEY, OutboxMixin, add_event, relay
from zc_common.rpc import EventDispatcher, EventHandler, Rpc, event_handler, rpc

CONFIG = {"AMQP_URI": "memory://localhost", "serializer": "json"}


# -- request ids ---------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "0f8fa1c2b3d44e5f8a9b0c1d2e3f4a5b", "req-2026.12.02:42_a", "A", "x" * 64,
    "123e4567-e89b-12d3-a456-426614174000",
])
def test_a_well_formed_request_id_is_taken_as_it_is(value):
    assert logs.valid_request_id(value) == value


@pytest.mark.parametrize("value", [
    None, "", "x" * 65, "two words", 'quote"d', "line\nbreak", "tab\t", "请求编号", "a/b", "a;b",
    "<script>", 42, b"bytes",
])
def test_a_malformed_request_id_is_refused(value):
    assert logs.valid_request_id(value) is None


def test_new_request_ids_are_valid_and_distinct():
    made = {logs.new_request_id() for _ in range(100)}
    assert len(made) == 100 and all(logs.valid_request_id(value) for value in made)


# -- the formats ---------------------------------------------------------------------

def record(message="申请已提交 %s", args=("A-1",), level=logging.INFO, exc_info=None, **extra):
    made = logging.LogRecord("zc.test", level, __file__, 1, message, args, exc_info)
    made.__dict__.update(extra)
    return made


def test_a_json_line_has_the_fields_in_order_and_the_request_context():
    logs._service_name = "review"
    token = logs.bind("rid-1", "user-7")
    try:
        line = logs.JsonLineFormatter().format(record(method="review.review_view", duration_ms=3.2))
    finally:
        logs.unbind(token)
        logs._service_name = None
    assert "\n" not in line
    data = json.loads(line)
    assert list(data)[:6] == ["time", "level", "logger", "service", "instance", "message"]
    assert data["time"].endswith("+00:00") and data["level"] == "INFO" and data["logger"] == "zc.test"
    assert data["service"] == "review"
    assert data["message"] == "申请已提交 A-1" and "申请" in line  # readable, not \\u escapes
    assert data["request_id"] == "rid-1" and data["user_id"] == "user-7"
    assert data["method"] == "review.review_view" and data["duration_ms"] == 3.2


def test_a_json_line_outside_any_request_has_no_request_fields():
    data = json.loads(logs.JsonLineFormatter().format(record(request_id=None)))
    assert "request_id" not in data and "user_id" not in data and "taskName" not in data


def test_an_exception_stays_on_its_one_json_line():
    try:
        raise ValueError("broken")
    except ValueError:
        import sys
        line = logs.JsonLineFormatter().format(record(level=logging.ERROR, exc_info=sys.exc_info()))
    assert "\n" not in line
    assert "ValueError: broken" in json.loads(line)["exc_info"]


def test_the_text_line_is_readable_and_names_the_request():
    token = logs.bind("rid-2")
    try:
        line = logs.TextFormatter().format(record(status=200))
    finally:
        logs.unbind(token)
    assert "INFO zc.test: 申请已提交 A-1" in line
    assert "request_id=rid-2" in line and "status=200" in line


@pytest.mark.parametrize("setting, kind", [(None, logs.JsonLineFormatter), ("json", logs.JsonLineFormatter),
                                           ("TEXT", logs.TextFormatter)])
def test_the_format_follows_the_setting(monkeypatch, setting, kind):
    if setting is None:
        monkeypatch.delenv("ZC_LOG_FORMAT", raising=False)
    else:
        monkeypatch.setenv("ZC_LOG_FORMAT", setting)
    assert isinstance(logs.formatter(), kind)


def test_an_unknown_format_is_refused_at_start(monkeypatch):
    monkeypatch.setenv("ZC_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="ZC_LOG_FORMAT"):
        logs.formatter()


def test_the_service_is_named_by_the_module_nameko_runs(monkeypatch):
    monkeypatch.delenv("ZC_SERVICE", raising=False)
    monkeypatch.setattr("sys.argv", ["nameko", "run", "--config", "deploy/nameko.yaml",
                                     "services.documents.service:DocumentsService"])
    assert logs.service_name() == "documents"


def test_nameko_s_traceback_for_an_expected_error_is_dropped_and_an_unexpected_one_kept():
    keep = logs.NoExpectedErrors().filter
    assert not keep(logging.LogRecord("nameko.containers", logging.WARNING, "", 1,
                                      "(expected) error handling worker %s: %s", ("w", "e"), None))
    assert keep(logging.LogRecord("nameko.containers", logging.ERROR, "", 1,
                                  "error handling worker %s: %s", ("w", "e"), None))


# -- one line per worker -------------------------------------------------------------

class Service:
    name = "sample"
    worker_log = logs.WorkerLog()
    dispatch = EventDispatcher()

    @rpc(expected_exceptions=DomainError)
    def show(self, actor, item_id):
        return item_id

    @event_handler("elsewhere", "happened")
    def on_happened(self, payload):
        pass


@pytest.fixture
def container():
    return ServiceContainer(Service, CONFIG)


def run_worker(container, entrypoint, args, context, exc_info=None, during=None):
    """WorkerLog's hooks in the order nameko calls them around one worker."""
    worker_log = get_extension(container, logs.WorkerLog)
    ctx = WorkerContext(container, None, entrypoint, args=args, data=dict(context))
    worker_log.worker_setup(ctx)
    seen = (logs.current_request_id(), logs.current().get("user_id"))
    if during:
        during(ctx)
    worker_log.worker_result(ctx, None if exc_info else "result", exc_info)
    worker_log.worker_teardown(ctx)
    return seen


def test_an_rpc_worker_runs_under_its_request_and_ends_with_one_line(container, caplog):
    entry = get_extension(container, Rpc, method_name="show")
    actor = {"id": "u-1", "role": "applicant", "name": "张三"}
    with caplog.at_level(logging.INFO, logger="zc.worker"):
        seen = run_worker(container, entry, (actor, "A-1"), {"request_id": "rid-9"})
    assert seen == ("rid-9", "u-1")
    assert logs.current() == {}  # unbound after the worker
    [line] = caplog.records
    assert line.method == "sample.show" and line.kind == "rpc" and line.outcome == "ok"
    assert line.duration_ms >= 0 and line.levelno == logging.INFO


def test_a_refusal_is_one_info_line_with_its_code_and_a_failure_an_error(container, caplog):
    entry = get_extension(container, Rpc, method_name="show")
    for exc in (NotFound("application_not_found", "申请书不存在"), RuntimeError("bug")):
        try:
            raise exc
        except Exception:
            import sys
            with caplog.at_level(logging.INFO, logger="zc.worker"):
                run_worker(container, entry, ({"id": "u-1", "role": "applicant"}, "A-1"), {}, sys.exc_info())
    refused, failed = caplog.records
    assert refused.outcome == "refused" and refused.error == "NotFound:application_not_found"
    assert refused.levelno == logging.INFO
    assert failed.outcome == "error" and failed.error == "RuntimeError" and failed.levelno == logging.ERROR


def test_a_malformed_request_id_from_the_broker_is_not_taken(container):
    entry = get_extension(container, Rpc, method_name="show")
    assert run_worker(container, entry, ("not an actor", "A-1"), {"request_id": "bad id\n"}) == (None, None)


def test_an_event_worker_names_its_event(container, caplog):
    handler = get_extension(container, EventHandler, method_name="on_happened")
    with caplog.at_level(logging.INFO, logger="zc.worker"):
        seen = run_worker(container, handler, ({"event_id": "e-1", "id": "x", "role": "y"},),
                          {"request_id": "rid-3"})
    assert seen == ("rid-3", None)   # an event's payload is not an actor
    [line] = caplog.records
    assert line.kind == "event" and line.event == "elsewhere.happened" and line.method == "sample.on_happened"


# -- events leave under the request that caused them -----------------------------------

def dispatched_headers(container, worker_context, send):
    """The headers EventDispatcher publishes with, for what ``send(dispatch)`` sends."""
    dispatcher = get_extension(container, EventDispatcher)
    dispatcher.exchange = "sample.events"
    dispatcher.publisher = mock.Mock()
    entry = get_extension(container, Rpc, method_name="show")
    published = []

    def during(ctx):
        send(dispatcher.get_dependency(ctx))
        published.extend(call.kwargs["extra_headers"] for call in dispatcher.publisher.publish.call_args_list)

    run_worker(container, entry, ({}, "A-1"), worker_context, during=during)
    return published


def test_an_event_sent_by_a_worker_carries_its_request_id(container):
    [headers] = dispatched_headers(container, {"request_id": "rid-1"}, lambda d: d("thing_done", {"x": 1}))
    assert headers[logs.REQUEST_ID_HEADER] == "rid-1"


class Base(DeclarativeBase):
    pass


class OutboxEvent(OutboxMixin, Base):
    __tablename__ = "outbox"


def test_an_outbox_event_keeps_the_request_that_queued_it_and_leaves_under_it(container):
    session = session_for(Base)
    token = logs.bind("rid-queued")
    try:
        add_event(session, OutboxEvent, "thing_done", {"x": 1})
    finally:
        logs.unbind(token)
    add_event(session, OutboxEvent, "thing_undone", {"x": 2})   # queued outside any request
    session.commit()
    assert session.query(OutboxEvent).first().payload[CONTEXT_KEY] == {"request_id": "rid-queued"}

    sent = []
    # relayed by another request's worker: each event keeps its own id (or none)
    headers = dispatched_headers(container, {"request_id": "rid-relaying"},
                                 lambda dispatch: relay(session, OutboxEvent,
                                                        lambda t, p: (sent.append(p), dispatch(t, p))))
    assert [h.get(logs.REQUEST_ID_HEADER) for h in headers] == ["rid-queued", None]
    assert all(CONTEXT_KEY not in payload for payload in sent)  # consumers never see it
    assert [p["x"] for p in sent] == [1, 2]


# -- every process is set up so ------------------------------------------------------

SERVICE_CLASSES = [
    ("services.accounts.service", "AccountsService"),
    ("services.applications.service", "ApplicationsService"),
    ("services.review.service", "ReviewService"),
    ("services.documents.service", "DocumentsService"),
    ("services.payments.service", "PaymentsService"),
]


@pytest.mark.parametrize("module, name", SERVICE_CLASSES)
def test_every_service_logs_its_workers_and_sends_events_under_their_request(module, name):
    """A service without WorkerLog logs no line per call and loses the request id of
    the events its outbox relays; nameko's own EventDispatcher would send them under
    whichever request runs the relay."""
    import importlib

    from nameko import events as nameko_events
    container = ServiceContainer(getattr(importlib.import_module(module), name), CONFIG)
    assert [d for d in container.dependencies if isinstance(d, logs.WorkerLog)]
    dispatchers = [d for d in container.dependencies if isinstance(d, nameko_events.EventDispatcher)]
    assert all(isinstance(d, EventDispatcher) for d in dispatchers)


def run_python(code, **env):
    import os
    import subprocess
    import sys
    environ = {**os.environ, "PYTHONPATH": os.getcwd(), **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=60)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_gateway_s_setup_writes_one_line_per_event_in_the_chosen_format(fmt):
    done = run_python("import logging; from zc_common import logs; logs.configure('gateway'); "
                      "t = logs.bind('rid-5'); logging.getLogger('gateway.x').info('已受理 %s', 1); "
                      "logging.getLogger('fontTools.subset').info('chatter'); "
                      "logging.getLogger('weasyprint.progress').info('Step 2 - chatter')",
                      ZC_LOG_FORMAT=fmt, ZC_LOG_LEVEL="INFO", PYTHONWARNINGS=logs.QUIET_WARNINGS)
    [line] = done.stderr.splitlines()
    if fmt == "json":
        data = json.loads(line)
        assert (data["service"], data["message"], data["request_id"]) == ("gateway", "已受理 1", "rid-5")
    else:
        assert " gateway INFO gateway.x: 已受理 1" in line and "request_id=rid-5" in line


def test_the_gateway_starts_without_eventlet_s_deprecation_warning():
    """The gateway imports nameko (for zc_common.db), which imports eventlet: with the
    processes' PYTHONWARNINGS its nine-line warning is not printed."""
    done = run_python("import gateway.app", PYTHONWARNINGS=logs.QUIET_WARNINGS)
    assert done.returncode == 0 and "Eventlet" not in done.stderr, done.stderr
    loud = run_python("import gateway.app", PYTHONWARNINGS="")
    assert "EventletDeprecationWarning" in loud.stderr   # what the filter is for


def test_what_only_formats_logs_does_not_import_eventlet():
    """``make run`` itself and the payment sandbox import zc_common.logs (the first
    through deploy/processes.py): WorkerLog, the one part needing nameko and so
    eventlet, is loaded only by the services that declare it."""
    done = run_python("import sys, deploy.run, services.payments.sandbox.app\n"
                      "assert 'eventlet' not in sys.modules, 'eventlet imported'\n"
                      "from zc_common.logs import WorkerLog\n"
                      "assert 'eventlet' in sys.modules and WorkerLog.__name__ == 'WorkerLog'",
                      PYTHONWARNINGS=logs.QUIET_WARNINGS)
    assert done.returncode == 0, done.stderr

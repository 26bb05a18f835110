"""Logs every process writes: one line per event, JSON by default, and the request id
that lets one request be followed across the gateway and every service it touched.

- ``ZC_LOG_FORMAT``: ``json`` (default; one object per line: ``time``, ``level``,
  ``logger``, ``service``, ``instance``, ``message``, and where known ``request_id``,
  ``user_id``, ``method``, ``duration_ms``…) or ``text`` (the same fields on one
  readable line). ``ZC_LOG_LEVEL``: the root level (INFO).
- The request id is made by the gateway (or taken from a well-formed ``X-Request-ID``,
  ``valid_request_id``), sent with every RPC as the Nameko context header
  ``nameko.request_id``; Nameko copies a worker's context data onto every RPC and
  event it sends, and ``zc_common.outbox`` stores it with each queued event so the
  relay publishes the event under the request that caused it.
- ``WorkerLog`` (a DependencyProvider every service declares; zc_common/worker_log.py)
  logs one line per RPC or event worker — method, duration, outcome, request id, the actor's user id — and makes
  the request id the current one (``current``) for every line logged meanwhile.
- Nameko processes read their logging setup from deploy/nameko.yaml (``formatter``
  below); the gateway and the payment sandbox call ``configure``.
"""
import functools
import json
import logging
import logging.config
import os
import re
import socket
import sys
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone

REQUEST_ID = "request_id"                 # Nameko context key
REQUEST_ID_HEADER = "nameko." + REQUEST_ID  # …as an AMQP header
HTTP_HEADER = "X-Request-ID"
REQUEST_ID_MAX = 64
# What a caller's id may hold: it lands in every log line and response header, so no
# spaces, quotes, control characters or anything a log parser could trip on.
_SAFE_ID = re.compile(rf"[A-Za-z0-9._:-]{{1,{REQUEST_ID_MAX}}}")

# Every Nameko process printed eventlet's nine-line EventletDeprecationWarning at start
# (eventlet warns when imported; nameko's CLI imports it before any of our code runs, so
# only the interpreter's own filter, PYTHONWARNINGS, is early enough). The module named
# is the first importer: nameko's CLI for ``nameko run``, nameko.extensions for the
# gateway. deploy/processes.py passes this to every process; set it in an image too.
QUIET_WARNINGS = "ignore::Warning:nameko.cli.commands,ignore::Warning:nameko.extensions"

# Chatter at INFO from libraries: WeasyPrint's progress steps for every PDF, fontTools'
# subsetting notes.
QUIET_LOGGERS = {"weasyprint.progress": "WARNING", "fontTools": "WARNING"}

_context: ContextVar = ContextVar("zc_log_context", default=None)


def valid_request_id(value):
    """``value`` if it is a usable request id (1–64 of letters, digits, ``._:-``),
    else None."""
    if isinstance(value, str) and _SAFE_ID.fullmatch(value):
        return value
    return None


def new_request_id():
    return uuid.uuid4().hex


def current():
    """``{"request_id", "user_id"}`` of what this task or worker is serving, or {}."""
    return _context.get() or {}


def bound():
    """Whether this task or worker has its request context (``bind``)."""
    return _context.get() is not None


def current_request_id():
    return current().get("request_id")


def bind(request_id=None, user_id=None):
    """Make ``request_id``/``user_id`` current for this asyncio task or green thread
    (and what it starts); returns the token for ``unbind``."""
    return _context.set({"request_id": request_id, "user_id": user_id})


def unbind(token):
    _context.reset(token)


class publishing_as:
    """``with publishing_as(request_id):`` — what is sent meanwhile goes out under
    ``request_id`` (the outbox relay sends each event under the request that queued
    it, not the one that happens to run the relay)."""

    def __init__(self, request_id):
        self.request_id = request_id

    def __enter__(self):
        self.token = bind(self.request_id, current().get("user_id"))

    def __exit__(self, *exc):
        unbind(self.token)


def set_user(user_id):
    """The user became known mid-request (the gateway authenticates inside the handler)."""
    context = _context.get()
    if context is not None:
        context["user_id"] = user_id


# -- who is logging ------------------------------------------------------------------

_SERVICE_ARG = re.compile(r"services\.(\w+)\.service\b")
_service_name = None


def service_name():
    """This process's service: ``configure``'s, else ``ZC_SERVICE``, else the service
    module ``nameko run`` was given (the same command runs locally and in an image)."""
    if _service_name:
        return _service_name
    if os.environ.get("ZC_SERVICE"):
        return os.environ["ZC_SERVICE"]
    for arg in sys.argv[1:]:
        found = _SERVICE_ARG.search(arg)
        if found:
            return found.group(1)
    return os.path.basename(sys.argv[0] or "python")


@functools.cache
def instance_name():
    """Which copy: supervisord's process name locally (``review-1``), the host name
    (a Kubernetes pod's name) elsewhere. Asked once: it is on every line."""
    return os.environ.get("SUPERVISOR_PROCESS_NAME") or socket.gethostname()


# -- formats -------------------------------------------------------------------------

_process_service = functools.cache(service_name)  # what every line names: found once


def _iso_time(created):
    """``2026-12-02T10:28:39.610+00:00``: the second's text kept while the second lasts
    (one line per worker makes many lines per second)."""
    second = int(created)
    if _second_text[0] != second:
        _second_text[:] = [second, datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")]
    return f"{_second_text[1]}.{int((created - second) * 1000):03d}+00:00"


_second_text = [None, ""]

# Fields a line carries in this order, when present; anything else given with
# ``extra=`` follows them.
CONTEXT_FIELDS = ("request_id", "user_id")


def _fields(record):
    """The line's fields, in order: time, level, logger, service, instance, message,
    the request's context, then the record's extras."""
    fields = {
        "time": _iso_time(record.created),
        "level": record.levelname,
        "logger": record.name,
        "service": _service_name or _process_service(),
        "instance": instance_name(),
        "message": record.getMessage(),
    }
    context = current()
    for key in CONTEXT_FIELDS:
        value = record.__dict__.get(key, context.get(key))
        if value is not None:
            fields[key] = value
    return fields


# A LogRecord's own attributes: whatever else a record carries came by ``extra=``.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: our fields in order, then the record's extras, then
    a traceback as ``exc_info``; non-ASCII text (the Chinese messages) kept readable.
    Written directly rather than through python-json-logger, whose generic field
    handling cost several times as much per line — and every RPC, event worker and
    request writes one."""

    def format(self, record):
        data = _fields(record)
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in data:
                data[key] = value
        for key in CONTEXT_FIELDS:
            if data.get(key) is None:   # extra={"request_id": None} says nothing
                data.pop(key, None)
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time service level logger: message  key=value…`` — for a person at a terminal."""

    _skip = _STANDARD

    def format(self, record):
        fields = _fields(record)
        extras = {k: v for k, v in fields.items() if k in CONTEXT_FIELDS}
        extras.update((k, v) for k, v in record.__dict__.items() if k not in self._skip and k not in extras)
        line = (f"{fields['time']} {fields['service']} {fields['level']} {fields['logger']}: "
                f"{fields['message']}")
        if extras:
            line += "  " + " ".join(f"{k}={v}" for k, v in extras.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class NoExpectedErrors(logging.Filter):
    """Drops nameko's WARNING with a whole traceback for every expected (domain) error
    — a refused request is no fault, and WorkerLog reports it in one line with its code.
    Unexpected errors are still logged by nameko, traceback and all."""

    def filter(self, record):
        return not str(record.msg).startswith("(expected) error handling worker")


def log_format():
    value = os.environ.get("ZC_LOG_FORMAT", "json").strip().lower()
    if value not in ("json", "text"):
        raise ValueError(f"ZC_LOG_FORMAT must be json or text, not {value!r}")
    return value


def formatter():
    """The formatter ``ZC_LOG_FORMAT`` asks for. deploy/nameko.yaml names this as its
    formatter's factory; it also routes ``warnings`` into the log, one line each
    (nameko's dictConfig offers no other hook before the services start)."""
    logging.captureWarnings(True)
    return JsonLineFormatter() if log_format() == "json" else TextFormatter()


def configure(service, level=None):
    """The gateway's and the sandbox's logging: to stderr, in ``ZC_LOG_FORMAT``, at
    ``ZC_LOG_LEVEL`` (INFO), libraries' chatter quiet."""
    global _service_name
    _service_name = service
    logging.config.dictConfig({
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"zc": {"()": formatter}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "zc"}},
        "loggers": {name: {"level": lvl} for name, lvl in QUIET_LOGGERS.items()},
        "root": {"level": level or os.environ.get("ZC_LOG_LEVEL", "INFO"), "handlers": ["console"]},
    })


def __getattr__(name):
    """``from zc_common.logs import WorkerLog`` — loaded on first use: WorkerLog is a
    nameko extension, and importing nameko imports eventlet, which the processes that
    only format logs (the sandbox, ``make run`` itself) do without."""
    if name == "WorkerLog":
        from zc_common.worker_log import WorkerLog
        return WorkerLog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

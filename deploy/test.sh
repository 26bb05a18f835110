#!/usr/bin/env bash
# Every test: lint, unit, integration (real broker, PostgreSQL, object store), browser.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# The real servers the tests need: start them when they are not running.
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
fi
.venv/bin/python -c "from deploy.launcher import ensure_broker, DEFAULT_AMQP; ensure_broker(DEFAULT_AMQP)"
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"

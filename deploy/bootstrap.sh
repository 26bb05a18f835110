#!/usr/bin/env bash
# Make a fresh machine ready: system packages (as root, when missing), the
# virtualenv with pinned dependencies, and (when it has sources) the frontend build.
# Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
WANT_TEST=${1:-}

need_pkgs=()
have() { dpkg -s "$1" >/dev/null 2>&1; }
for p in fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils; do have "$p" || need_pkgs+=("$p"); done
if [ "$WANT_TEST" = test ]; then
  have chromium || need_pkgs+=(chromium)
fi
command -v node >/dev/null 2>&1 || need_pkgs+=(nodejs npm)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[zhicheng] installing system packages: ${need_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    echo "[zhicheng] missing system packages (install them as root): ${need_pkgs[*]}" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "[zhicheng] creating .venv"
  "$PY" -m venv .venv
fi
REQ=requirements.txt
[ "$WANT_TEST" = test ] && REQ=requirements-dev.txt
STAMP=.venv/.installed-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-$(basename $REQ)
if [ ! -f "$STAMP" ]; then
  echo "[zhicheng] installing Python dependencies ($REQ)"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -r "$REQ"
  touch "$STAMP"
  [ "$REQ" = requirements-dev.txt ] && touch ".venv/.installed-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-requirements.txt"
fi

if [ -f gateway/web/package.json ]; then
  if ! bash deploy/build-frontend.sh; then
    # The tests need the frontend; `make run` can still serve the API without it.
    [ "$WANT_TEST" = test ] && exit 1
    echo "[zhicheng] the web frontend could not be built: starting with the API only" >&2
  fi
fi

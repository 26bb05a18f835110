#!/usr/bin/env bash
# Build the web frontend (gateway/web → gateway/web/dist) when its sources changed.
# `npm ci` from the committed lockfile only when the lockfile changed; `vite build`
# only when the sources, config or lockfile changed (hash stamps). Works with
# Debian 12's own nodejs (18) and newer.
set -euo pipefail
cd "$(dirname "$0")/../gateway/web"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "[zhicheng] node/npm not found: install Debian's nodejs and npm to build the web frontend" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "[zhicheng] Node.js $(node --version) is too old for the frontend build (need 18 or newer)" >&2
  exit 1
fi

lock_hash=$(sha256sum package.json package-lock.json | sha256sum | cut -c1-16)
if [ ! -f node_modules/.zc-lock-"$lock_hash" ]; then
  echo "[zhicheng] installing frontend dependencies (npm ci)"
  # A node_modules linked to another checkout's (a git worktree sharing main's) is
  # replaced by this checkout's own: npm ci empties the folder it finds, which would
  # wipe the other checkout's packages through the link.
  if [ -L node_modules ]; then rm node_modules; fi
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.zc-lock-"$lock_hash"
fi

src_hash=$( { echo "$lock_hash"; find index.html vite.config.js src -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)
if [ -f dist/index.html ] && [ "$(cat dist/.zc-build 2>/dev/null)" = "$src_hash" ]; then
  exit 0
fi
echo "[zhicheng] building the web frontend (vite build)"
start=$(date +%s)
node node_modules/vite/bin/vite.js build --logLevel warn
echo "$src_hash" > dist/.zc-build
echo "[zhicheng] frontend built in $(( $(date +%s) - start ))s"

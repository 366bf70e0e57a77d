#!/usr/bin/env bash
# Sets up what is missing on this machine: npm dependencies (which bring Node 24 LTS as the npm
# package `node`) and the real services the environment runs, built into the cache once.
# Sourced by start.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# A node_modules linked to another checkout's is that checkout's to install: `npm ci` here would empty
# it through the link (a fresh worktree's lock file is newer than the installed one).
if [ ! -L node_modules ] && { [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "[setup] installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
bash test/env/build-tools.sh all
# The brokers' readiness agent the operator ships to every cluster it runs.
bash kafka-agent/build.sh
# Every command after this runs on the project's Node 24, not the machine's.
export PATH="$PWD/node_modules/.bin:$PATH"

# Shared helpers for the test-environment scripts: directories, pins, pids, ports, waits.
# Sourced, never run.
ENV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$ENV_DIR/../.." && pwd)
# shellcheck source=versions.env
. "$ENV_DIR/versions.env"
TESTENV_CACHE=${TESTENV_CACHE:-$HOME/.cache/kafka-actor-operator-testenv}
TESTENV_RUN=${TESTENV_RUN:-${TMPDIR:-/tmp}/kafka-actor-operator-testenv}
BIN_DIR=$TESTENV_CACHE/bin
mkdir -p "$TESTENV_CACHE" "$TESTENV_RUN" "$BIN_DIR"

log() { printf '[testenv %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# A free TCP port on loopback, chosen by the kernel.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Start a command in the background, its output in $TESTENV_RUN/logs/NAME.log, its pid recorded.
start_process() {
  local name=$1; shift
  mkdir -p "$TESTENV_RUN/logs" "$TESTENV_RUN/pids"
  # fd 9 is the start-up lock: the service must not keep holding it.
  setsid "$@" >"$TESTENV_RUN/logs/$name.log" 2>&1 < /dev/null 9>&- &
  echo $! > "$TESTENV_RUN/pids/$name.pid"
}

# Stop a process this environment started (by its recorded pid only): TERM, then KILL.
stop_process() {
  local name=$1 pidfile="$TESTENV_RUN/pids/$1.pid" pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# Wait until a command succeeds, or fail after N seconds naming what was awaited.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what not ready after ${seconds}s (logs: $TESTENV_RUN/logs)"
    sleep 0.5
  done
}

# Fail unless the named process is still alive (it may have exited at start-up).
assert_running() {
  local name=$1 pid
  pid=$(cat "$TESTENV_RUN/pids/$name.pid" 2>/dev/null) || die "$name has no pid file"
  kill -0 "$pid" 2>/dev/null || { tail -n 30 "$TESTENV_RUN/logs/$name.log" >&2; die "$name exited"; }
}

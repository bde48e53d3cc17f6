#!/usr/bin/env bash
# Local Temporal dev server for Lamplighter: ensures the CLI, starts
# `temporal server start-dev` with the Web UI and every search attribute the
# project uses, and stops it again.
#
#   ./temporal-dev.sh          start (idempotent: says so if already running)
#   ./temporal-dev.sh stop     stop the server this script started
#   ./temporal-dev.sh status   running or not
#   ./temporal-dev.sh cli      print the path of the Temporal CLI (building it if needed)
#
# Environment (all optional):
#   TEMPORAL_CLI          path of an existing `temporal` binary
#   TEMPORAL_PORT         frontend gRPC port (7233)
#   TEMPORAL_UI_PORT      Web UI port (TEMPORAL_PORT + 1000)
#   TEMPORAL_HEADLESS=1   no Web UI
#   TEMPORAL_DATA_DIR     where the SQLite file, log and pid live (.data/temporal)
#   TEMPORAL_IN_MEMORY=1  no SQLite file: state is lost on stop (tests)
#   TEMPORAL_NAMESPACE    namespace to create (default)
#   LAMPLIGHTER_CACHE     machine-wide cache for built binaries (~/.cache/lamplighter)
set -euo pipefail

TEMPORAL_CLI_VERSION=1.5.1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
port=${TEMPORAL_PORT:-7233}
ui_port=${TEMPORAL_UI_PORT:-$((port + 1000))}
data_dir=${TEMPORAL_DATA_DIR:-$root/.data/temporal}
namespace=${TEMPORAL_NAMESPACE:-default}
cache=${LAMPLIGHTER_CACHE:-$HOME/.cache/lamplighter}
pid_file=$data_dir/temporal-$port.pid
log_file=$data_dir/temporal-$port.log

log() { printf 'temporal-dev: %s\n' "$*" >&2; }

# The CLI is found on $TEMPORAL_CLI, then PATH, then the project's .tools/bin,
# then the machine-wide cache; otherwise it is built from the Go module proxy
# (no other host is reachable here) and kept in both places.
ensure_cli() {
  if [[ -n "${TEMPORAL_CLI:-}" ]]; then
    [[ -x "$TEMPORAL_CLI" ]] || { log "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable"; exit 1; }
    echo "$TEMPORAL_CLI"; return
  fi
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return; fi
  local local_bin=$root/.tools/bin/temporal
  local cached=$cache/bin/temporal-$TEMPORAL_CLI_VERSION
  if [[ ! -x "$cached" ]]; then
    command -v go >/dev/null 2>&1 || { log "no Temporal CLI found and no Go toolchain to build one; install Go >= 1.25 or set TEMPORAL_CLI"; exit 1; }
    log "building Temporal CLI v$TEMPORAL_CLI_VERSION with go install (a few minutes, once per machine)"
    local gobin; gobin=$(mktemp -d)
    CGO_ENABLED=0 GOBIN=$gobin GOFLAGS=-buildvcs=false go install \
      -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$TEMPORAL_CLI_VERSION" \
      "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION" >&2
    mkdir -p "$cache/bin"
    mv "$gobin/temporal" "$cached"
    rmdir "$gobin"
  fi
  if [[ ! -x "$local_bin" ]]; then
    mkdir -p "$(dirname "$local_bin")"
    ln -sf "$cached" "$local_bin"
  fi
  echo "$local_bin"
}

# Search attribute names live in one JSON file shared with the TypeScript code.
search_attribute_flags() {
  node -e '
    const names = require(process.argv[1]);
    for (const name of Object.values(names)) console.log("--search-attribute=" + name + "=Keyword");
  ' "$root/domain/searchAttributeNames.json"
}

running() {
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

healthy() {
  "$1" operator cluster health --address "127.0.0.1:$port" >/dev/null 2>&1
}

start() {
  local cli; cli=$(ensure_cli)
  if running && healthy "$cli"; then
    log "already running on 127.0.0.1:$port (pid $(cat "$pid_file"))"
    return 0
  fi
  if healthy "$cli"; then
    log "a Temporal server not started by this script already answers on 127.0.0.1:$port; using it"
    return 0
  fi
  mkdir -p "$data_dir"
  local args=(server start-dev --ip 127.0.0.1 --port "$port" --namespace "$namespace"
    --log-level warn
    --sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=NORMAL)
  if [[ "${TEMPORAL_IN_MEMORY:-}" != 1 ]]; then
    args+=(--db-filename "$data_dir/temporal.sqlite")
  fi
  if [[ "${TEMPORAL_HEADLESS:-}" == 1 ]]; then
    args+=(--headless)
  else
    args+=(--ui-ip 127.0.0.1 --ui-port "$ui_port")
  fi
  mapfile -t sa < <(search_attribute_flags)
  args+=("${sa[@]}")
  nohup "$cli" "${args[@]}" >"$log_file" 2>&1 &
  echo $! >"$pid_file"
  for _ in $(seq 1 120); do
    if healthy "$cli"; then
      log "running on 127.0.0.1:$port (pid $(cat "$pid_file"), log $log_file)"
      [[ "${TEMPORAL_HEADLESS:-}" == 1 ]] || log "Web UI: http://127.0.0.1:$ui_port"
      return 0
    fi
    if ! running; then break; fi
    sleep 0.5
  done
  log "did not become healthy; last log lines:"
  tail -n 30 "$log_file" >&2 || true
  stop
  exit 1
}

stop() {
  if running; then
    local pid; pid=$(cat "$pid_file")
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
  rm -f "$pid_file"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if running; then log "running (pid $(cat "$pid_file"))"; else log "not running"; exit 1; fi ;;
  cli) ensure_cli ;;
  *) echo "usage: $0 [start|stop|status|cli]" >&2; exit 2 ;;
esac

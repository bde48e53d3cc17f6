#!/usr/bin/env bash
# A real Kubernetes API server (kube-apiserver + etcd) on loopback, for
# development and tests. No kubelet, no controllers, no scheduler: objects are
# stored and validated for real, but Deployments create no pods and deleted
# namespaces stay Terminating. See tools/kube-apiserver/README.md.
#
#   ./kube-dev.sh build    ensure the kube-apiserver binary (built once per machine) and etcd
#   ./kube-dev.sh start    build if needed, start etcd + kube-apiserver (idempotent);
#                          prints the kubeconfig path on stdout (logs go to stderr)
#   ./kube-dev.sh stop     stop both (nothing running is fine)
#   ./kube-dev.sh status   running or not (exit 1 when not running)
#   ./kube-dev.sh env      `export KUBECONFIG=...` lines, for eval
#
# Every start wipes etcd, so each run gets an empty cluster; the CA, serving
# certificate, service-account keys, tokens and kubeconfig are generated once
# under KUBE_DATA_DIR and stay the same across restarts.
#
# Kubeconfig ($KUBE_DATA_DIR/kubeconfig): cluster `lamplighter-dev`, contexts
# and users `admin` (system:masters), `lamplighter` (authenticated, no RBAC
# grants: apply the role it needs yourself), `nobody` (no permissions at all);
# current context `admin`.
#
# Environment (all optional):
#   KUBE_DATA_DIR      keys, tokens, kubeconfig, etcd data, logs, pids (<repo>/.data/kube)
#   KUBE_API_PORT      kube-apiserver HTTPS port (16443)
#   ETCD_PORT          etcd client port (12379); the peer port is ETCD_PORT + 1
#   ETCD_BIN           etcd binary (default: `etcd` on PATH, else /usr/bin/etcd;
#                      installed with apt-get when missing and running as root)
#   KUBE_APISERVER_BIN an existing kube-apiserver binary (skips the build)
#   LAMPLIGHTER_CACHE  machine-wide cache for built binaries (~/.cache/lamplighter)
#   KUBE_START_TIMEOUT seconds to wait for /readyz (60)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
module_dir=$root/tools/kube-apiserver
data_dir=${KUBE_DATA_DIR:-$root/.data/kube}
api_port=${KUBE_API_PORT:-16443}
etcd_port=${ETCD_PORT:-12379}
etcd_peer_port=$((etcd_port + 1))
cache=${LAMPLIGHTER_CACHE:-$HOME/.cache/lamplighter}
start_timeout=${KUBE_START_TIMEOUT:-60}

# The pinned release is the one the wrapper module requires.
kube_version=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$module_dir/go.mod")
[[ -n "$kube_version" ]] || { echo "kube-dev: cannot read the k8s.io/kubernetes version from $module_dir/go.mod" >&2; exit 1; }

log() { printf 'kube-dev: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------- build ----

apt_install() {
  [[ $(id -u) == 0 ]] || die "missing $*; install the Debian package(s) $* (needs root)"
  command -v apt-get >/dev/null 2>&1 || die "missing $*, and no apt-get to install it"
  log "installing $* with apt-get"
  local apt_log; apt_log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq "$@" >"$apt_log" 2>&1; then
    # A new machine may have no package lists yet.
    if ! { apt-get update -qq && apt-get install -y -qq "$@"; } >"$apt_log" 2>&1; then
      tail -n 20 "$apt_log" >&2; rm -f "$apt_log"
      die "apt-get install $* failed"
    fi
  fi
  rm -f "$apt_log"
}

# Installing etcd-server may start Debian's own etcd service (on the default
# ports 2379/2380, as user etcd). We never use it: stop and disable it.
disable_system_etcd() {
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    if systemctl is-active --quiet etcd.service || systemctl is-enabled --quiet etcd.service 2>/dev/null; then
      log "stopping and disabling the etcd system service started by the package"
      systemctl disable --now etcd.service >/dev/null 2>&1 || true
    fi
  elif [[ -x /etc/init.d/etcd ]]; then
    if /etc/init.d/etcd status >/dev/null 2>&1; then
      log "stopping the etcd init.d service started by the package"
      /etc/init.d/etcd stop >/dev/null 2>&1 || true
    fi
    command -v update-rc.d >/dev/null 2>&1 && update-rc.d etcd disable >/dev/null 2>&1 || true
  fi
}

find_etcd() {
  if [[ -n "${ETCD_BIN:-}" ]]; then
    [[ -x "$ETCD_BIN" ]] || die "ETCD_BIN=$ETCD_BIN is not an executable"
    echo "$ETCD_BIN"; return
  fi
  command -v etcd 2>/dev/null && return
  [[ -x /usr/bin/etcd ]] && { echo /usr/bin/etcd; return; }
  return 1
}

ensure_etcd() {
  local etcd
  if ! etcd=$(find_etcd); then
    apt_install etcd-server
    disable_system_etcd
    etcd=$(find_etcd) || die "etcd-server installed but no etcd binary found"
  fi
  echo "$etcd"
}

ensure_tools() {
  local missing=() tool
  for tool in openssl curl; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  [[ ${#missing[@]} == 0 ]] || apt_install "${missing[@]}"
}

go_bin() {
  if [[ -n "${GO:-}" ]]; then echo "$GO"; return; fi
  command -v go 2>/dev/null && return
  [[ -x /usr/local/go/bin/go ]] && { echo /usr/local/go/bin/go; return; }
  die "no kube-apiserver at $(apiserver_cache_path) and no Go toolchain to build it (needs Go >= 1.23); set KUBE_APISERVER_BIN or install Go"
}

apiserver_cache_path() { echo "$cache/bin/kube-apiserver-$kube_version"; }

# Builds kube-apiserver from the wrapper module (about 3 minutes on 2 cores with
# a cold Go build cache, measured; 91 MB), once per machine: the binary is kept in the
# machine-wide cache, which survives clean clones.
ensure_apiserver() {
  if [[ -n "${KUBE_APISERVER_BIN:-}" ]]; then
    [[ -x "$KUBE_APISERVER_BIN" ]] || die "KUBE_APISERVER_BIN=$KUBE_APISERVER_BIN is not an executable"
    echo "$KUBE_APISERVER_BIN"; return
  fi
  local bin; bin=$(apiserver_cache_path)
  [[ -x "$bin" ]] && { echo "$bin"; return; }
  mkdir -p "$cache/bin"
  # One build at a time per machine (parallel CI jobs, several clones).
  exec 9>"$cache/bin/.kube-apiserver.lock"
  flock 9
  if [[ ! -x "$bin" ]]; then build_apiserver "$bin"; fi
  exec 9>&-
  echo "$bin"
}

build_apiserver() {
  local out=$1 go; go=$(go_bin)
  local minor=${kube_version#v1.}; minor=${minor%%.*}
  # The release's publication date as the build date: reproducible builds.
  local build_date
  build_date=$(cd "$module_dir" && "$go" list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes) \
    || die "cannot resolve k8s.io/kubernetes $kube_version through the Go module proxy"
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date -X $pkg.gitCommit="
  local tmp="$out.tmp.$$" build_log; build_log=$(mktemp)
  log "building kube-apiserver $kube_version from $module_dir (about 3-5 min on 2 cores with a cold Go cache; once per machine)"
  local started=$SECONDS
  (cd "$module_dir" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false -mod=readonly" \
    "$go" build -trimpath -ldflags "$ldflags" -o "$tmp" k8s.io/kubernetes/cmd/kube-apiserver) >"$build_log" 2>&1 &
  local build_pid=$!
  while kill -0 "$build_pid" 2>/dev/null; do
    sleep 5
    if kill -0 "$build_pid" 2>/dev/null && (( (SECONDS - started) % 60 < 5 )) && (( SECONDS - started >= 60 )); then
      log "  still building ($(( (SECONDS - started) / 60 )) min)"
    fi
  done
  if ! wait "$build_pid"; then
    tail -n 40 "$build_log" >&2; rm -f "$tmp" "$build_log"
    die "kube-apiserver build failed"
  fi
  rm -f "$build_log"
  # Only the release's own staging modules may be linked in (see go.mod).
  local stray
  stray=$("$go" version -m "$tmp" | awk -v want="v0.$minor." '
    $1 == "dep" { path = $2; ver = $3 }
    $1 == "=>"  { path = $2; ver = $3 }
    ($1 == "dep" || $1 == "=>") && path ~ /^k8s\.io\// && ver ~ /^v0\.[0-9]+\.[0-9]+$/ { linked[path] = ver }
    END { for (p in linked) if (index(linked[p], want) != 1) print p " " linked[p] }')
  [[ -z "$stray" ]] || { rm -f "$tmp"; die "kube-apiserver links modules of another release: $stray"; }
  "$tmp" --version >/dev/null || { rm -f "$tmp"; die "built kube-apiserver does not run"; }
  mv -f "$tmp" "$out"
  log "built $out ($(du -m "$out" | cut -f1) MB) in $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
}

build() {
  ensure_tools
  local apiserver etcd
  apiserver=$(ensure_apiserver)
  etcd=$(ensure_etcd)
  log "kube-apiserver: $apiserver ($("$apiserver" --version 2>/dev/null))"
  log "etcd: $etcd ($("$etcd" --version 2>/dev/null | head -n 1))"
}

# ------------------------------------------------------------ processes ----

etcd_pid_file=$data_dir/etcd.pid
api_pid_file=$data_dir/apiserver.pid
etcd_log=$data_dir/etcd.log
api_log=$data_dir/apiserver.log
kubeconfig=$data_dir/kubeconfig

# A pid file counts only if its process is alive and is the program we started
# (guards against pid reuse after a reboot or a crash).
alive() {
  local pid_file=$1 name=$2 pid
  [[ -f "$pid_file" ]] || return 1
  pid=$(cat "$pid_file" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$name" || return 1
}

admin_token() { awk -F, '$2 == "admin" { print $1 }' "$data_dir/tokens.csv"; }

ready() {
  [[ -f "$data_dir/tokens.csv" && -f "$data_dir/pki/ca.crt" ]] || return 1
  [[ $(curl -s --max-time 3 --cacert "$data_dir/pki/ca.crt" \
        -H "Authorization: Bearer $(admin_token)" \
        "https://127.0.0.1:$api_port/readyz" 2>/dev/null) == ok ]]
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop_one() {
  local pid_file=$1 name=$2 pid
  if alive "$pid_file" "$name"; then
    pid=$(cat "$pid_file")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) did not exit within 15 s of SIGTERM; killing it"
      kill -9 "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$pid_file"
}

stop() {
  if ! alive "$api_pid_file" kube-apiserver && ! alive "$etcd_pid_file" etcd; then
    rm -f "$api_pid_file" "$etcd_pid_file"
    log "not running"
    return 0
  fi
  stop_one "$api_pid_file" kube-apiserver
  stop_one "$etcd_pid_file" etcd
}

# Starts "$@" detached in its own session; the pid file holds the pid of the
# program itself (the shell execs it).
spawn() {
  local pid_file=$1 log_file=$2; shift 2
  rm -f "$pid_file"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$@" </dev/null >"$log_file" 2>&1 &
  for _ in $(seq 1 50); do [[ -s "$pid_file" ]] && return 0; sleep 0.1; done
  die "could not start $1"
}

# --------------------------------------------------------------- secrets ----

# Generated once: a CA and the API server's serving certificate (127.0.0.1,
# localhost and the in-cluster names), the service-account signing key and the
# token file. They survive restarts, so kubeconfigs and tokens stay valid.
ensure_secrets() {
  local pki=$data_dir/pki
  mkdir -p "$pki"
  chmod 700 "$data_dir" "$pki"
  if [[ ! -f "$pki/ca.crt" || ! -f "$pki/apiserver.crt" ]]; then
    log "generating a CA and the serving certificate in $pki"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
      -subj "/CN=lamplighter-dev-ca" -keyout "$pki/ca.key" -out "$pki/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=kube-apiserver" \
      -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" >/dev/null 2>&1
    printf '%s\n' \
      "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" \
      "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
      >"$pki/apiserver.ext"
    openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
      -days 3650 -sha256 -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt" >/dev/null 2>&1
    rm -f "$pki/apiserver.csr" "$pki/apiserver.ext" "$pki/ca.srl"
  fi
  if [[ ! -f "$pki/sa.key" || ! -f "$pki/sa.pub" ]]; then
    log "generating the service-account key pair in $pki"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/sa.key" >/dev/null 2>&1
    openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub" >/dev/null 2>&1
  fi
  chmod 600 "$pki"/*.key
  if [[ ! -f "$data_dir/tokens.csv" ]]; then
    log "generating tokens for admin, lamplighter and nobody"
    # token,user,uid,"groups"
    {
      echo "$(openssl rand -hex 32),admin,lamplighter-dev-admin,\"system:masters\""
      echo "$(openssl rand -hex 32),lamplighter,lamplighter-dev-lamplighter"
      echo "$(openssl rand -hex 32),nobody,lamplighter-dev-nobody"
    } >"$data_dir/tokens.csv.tmp"
    chmod 600 "$data_dir/tokens.csv.tmp"
    mv "$data_dir/tokens.csv.tmp" "$data_dir/tokens.csv"
  fi
}

write_kubeconfig() {
  local ca_data; ca_data=$(base64 -w0 <"$data_dir/pki/ca.crt")
  local tmp=$kubeconfig.tmp user token
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "clusters:"
    echo "- name: lamplighter-dev"
    echo "  cluster:"
    echo "    server: https://127.0.0.1:$api_port"
    echo "    certificate-authority-data: $ca_data"
    echo "contexts:"
    for user in admin lamplighter nobody; do
      echo "- name: $user"
      echo "  context: {cluster: lamplighter-dev, user: $user, namespace: default}"
    done
    echo "current-context: admin"
    echo "users:"
    for user in admin lamplighter nobody; do
      token=$(awk -F, -v u="$user" '$2 == u { print $1 }' "$data_dir/tokens.csv")
      echo "- name: $user"
      echo "  user: {token: $token}"
    done
  } >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$kubeconfig"
}

# ----------------------------------------------------------------- start ----

start() {
  local apiserver etcd
  ensure_tools
  apiserver=$(ensure_apiserver)
  etcd=$(ensure_etcd)
  mkdir -p "$data_dir"

  if alive "$api_pid_file" kube-apiserver && alive "$etcd_pid_file" etcd && ready; then
    write_kubeconfig
    log "already running on https://127.0.0.1:$api_port (apiserver pid $(cat "$api_pid_file"), etcd pid $(cat "$etcd_pid_file")); kubeconfig:"
    echo "$kubeconfig"
    return 0
  fi
  # Half up (one process died) or not up: start both from scratch.
  if alive "$api_pid_file" kube-apiserver || alive "$etcd_pid_file" etcd; then
    log "not healthy; restarting"
    stop
  fi
  rm -f "$api_pid_file" "$etcd_pid_file"
  local port
  for port in "$api_port" "$etcd_port" "$etcd_peer_port"; do
    port_busy "$port" && die "port $port on 127.0.0.1 is in use by another program; set KUBE_API_PORT / ETCD_PORT"
  done

  ensure_secrets
  write_kubeconfig

  # A fresh, empty etcd on every start.
  rm -rf "$data_dir/etcd"
  local etcd_url=http://127.0.0.1:$etcd_port peer_url=http://127.0.0.1:$etcd_peer_port
  spawn "$etcd_pid_file" "$etcd_log" "$etcd" \
    --name lamplighter-dev \
    --data-dir "$data_dir/etcd" \
    --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls "$peer_url" --initial-advertise-peer-urls "$peer_url" \
    --initial-cluster "lamplighter-dev=$peer_url" --initial-cluster-state new \
    --logger zap --log-level warn
  local i
  for i in $(seq 1 $((start_timeout * 4))); do
    [[ $(curl -s --max-time 2 "$etcd_url/health" 2>/dev/null) == *'"health":"true"'* ]] && break
    alive "$etcd_pid_file" etcd || { tail -n 30 "$etcd_log" >&2; rm -f "$etcd_pid_file"; die "etcd exited; log: $etcd_log"; }
    (( i < start_timeout * 4 )) || { tail -n 30 "$etcd_log" >&2; stop; die "etcd did not become healthy in ${start_timeout}s"; }
    sleep 0.25
  done

  local pki=$data_dir/pki
  spawn "$api_pid_file" "$api_log" "$apiserver" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="$api_port" \
    --tls-cert-file="$pki/apiserver.crt" \
    --tls-private-key-file="$pki/apiserver.key" \
    --etcd-servers="$etcd_url" \
    --token-auth-file="$data_dir/tokens.csv" \
    --authorization-mode=RBAC \
    --service-account-issuer="https://127.0.0.1:$api_port" \
    --service-account-key-file="$pki/sa.pub" \
    --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --disable-admission-plugins=ServiceAccount \
    --allow-privileged=true \
    --profiling=false \
    --v=0
  local started=$SECONDS
  until ready; do
    if ! alive "$api_pid_file" kube-apiserver; then
      log "kube-apiserver exited; last lines of $api_log:"
      tail -n 30 "$api_log" >&2
      stop; exit 1
    fi
    if (( SECONDS - started >= start_timeout )); then
      log "kube-apiserver not ready after ${start_timeout}s; last lines of $api_log:"
      tail -n 30 "$api_log" >&2
      log "last lines of $etcd_log:"
      tail -n 10 "$etcd_log" >&2
      stop; exit 1
    fi
    sleep 0.25
  done
  log "running on https://127.0.0.1:$api_port in $((SECONDS - started)) s (apiserver pid $(cat "$api_pid_file"), etcd pid $(cat "$etcd_pid_file") on 127.0.0.1:$etcd_port)"
  log "logs: $api_log, $etcd_log"
  log "kubeconfig (contexts admin, lamplighter, nobody; or eval \"\$(./kube-dev.sh env)\"):"
  echo "$kubeconfig"
}

status() {
  if alive "$api_pid_file" kube-apiserver && alive "$etcd_pid_file" etcd; then
    if ready; then
      log "running on https://127.0.0.1:$api_port (apiserver pid $(cat "$api_pid_file"), etcd pid $(cat "$etcd_pid_file")); kubeconfig $kubeconfig"
    else
      log "running but not ready on https://127.0.0.1:$api_port (apiserver pid $(cat "$api_pid_file"), etcd pid $(cat "$etcd_pid_file"))"
    fi
    return 0
  fi
  if alive "$api_pid_file" kube-apiserver || alive "$etcd_pid_file" etcd; then
    log "partly running (apiserver $(alive "$api_pid_file" kube-apiserver && echo up || echo down), etcd $(alive "$etcd_pid_file" etcd && echo up || echo down)); run stop or start"
    return 1
  fi
  log "not running"
  return 1
}

env_lines() {
  echo "export KUBECONFIG=$(printf %q "$kubeconfig")"
  echo "export KUBE_API_SERVER=https://127.0.0.1:$api_port"
  echo "export KUBE_CA_FILE=$(printf %q "$data_dir/pki/ca.crt")"
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) env_lines ;;
  *) echo "usage: $0 build|start|stop|status|env" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Makes sure the real servers the tests run against are installed: PostgreSQL
# (Debian), moto's EC2 server (PyPI), the Temporal CLI (built with Go), and
# kube-apiserver (built with Go) with etcd (Debian).
# Installs only what is missing, so it costs a second when all is there.
# Runs before `npm test` (npm's pretest hook).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf 'test-prereqs: %s\n' "$*" >&2; }

apt_missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_missing+=(postgresql)
command -v openssl >/dev/null || apt_missing+=(openssl)
if ((${#apt_missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    say "missing Debian packages: ${apt_missing[*]}; run: sudo apt-get install -y ${apt_missing[*]}"
    exit 1
  fi
  say "installing ${apt_missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

if ! command -v moto_server >/dev/null; then
  say "installing moto[server] (pip)"
  python3 -m pip install --quiet 'moto[server]>=5,<6'
  hash -r
  command -v moto_server >/dev/null || { say "moto_server is not on PATH after pip install"; exit 1; }
fi

"$root/temporal-dev.sh" cli >/dev/null
"$root/kube-dev.sh" build

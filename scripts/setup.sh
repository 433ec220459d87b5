#!/usr/bin/env bash
# One set-up for every entry point (README commands, .ci/run). Safe to re-run: each step checks first.
#
#   scripts/setup.sh            native runtime for TorchSharp only (enough to run a study)
#   scripts/setup.sh --tests    also the services the tests start themselves (redis-server, PostgreSQL, Azurite)
#
# Why the libstdc++ step: TorchSharp 0.107's native library is built against GCC 13's libstdc++
# (symbol version GLIBCXX_3.4.32). Debian 12 ships GCC 12's, so `torch` fails to load there with a
# DllNotFoundException. Debian 13 / Ubuntu 24.04 already have it and skip this step.
set -euo pipefail

want_tests=0
for arg in "$@"; do
  case "$arg" in
    --tests) want_tests=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '[setup] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; return; fi
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"; return; fi
  return 99
}

apt_updated=0
apt_install() {
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

libstdcxx_path() {
  local p
  p=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  [ -n "$p" ] || p=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
  echo "$p"
}

has_glibcxx_3_4_32() {
  local lib; lib=$(libstdcxx_path)
  [ -f "$lib" ] && grep -qa 'GLIBCXX_3\.4\.32' "$lib"
}

ensure_libstdcxx() {
  if has_glibcxx_3_4_32; then say "libstdc++ has GLIBCXX_3.4.32: TorchSharp can load"; return; fi
  local codename=""
  [ -r /etc/os-release ] && codename=$(. /etc/os-release; echo "${VERSION_CODENAME:-}")
  local fix_cmds
  fix_cmds=$(cat <<'CMDS'
  echo 'deb http://deb.debian.org/debian trixie main' > /etc/apt/sources.list.d/trixie.list
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > /etc/apt/preferences.d/trixie-pin
  apt-get update && apt-get install -y -t trixie libstdc++6
CMDS
)
  if [ "$codename" != "bookworm" ]; then
    echo "[setup] libstdc++ lacks GLIBCXX_3.4.32 (needed by TorchSharp 0.107) and this is not Debian 12." >&2
    echo "[setup] Install libstdc++ from GCC 13 or newer (Ubuntu 24.04 / Debian 13 have it), then re-run." >&2
    exit 1
  fi
  if ! as_root true; then
    echo "[setup] libstdc++ lacks GLIBCXX_3.4.32 (needed by TorchSharp 0.107). Run as root:" >&2
    echo "$fix_cmds" >&2
    exit 1
  fi
  say "installing libstdc++6 from Debian trixie (pinned at priority 100; only this package is taken from it)"
  as_root sh -c "echo 'deb http://deb.debian.org/debian trixie main' > /etc/apt/sources.list.d/trixie.list"
  as_root sh -c "printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > /etc/apt/preferences.d/trixie-pin"
  as_root apt-get update -qq
  apt_updated=1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie libstdc++6 >/dev/null
  has_glibcxx_3_4_32 || { echo "[setup] libstdc++6 from trixie installed but GLIBCXX_3.4.32 still missing" >&2; exit 1; }
  say "libstdc++ now has GLIBCXX_3.4.32"
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { echo "[setup] the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
}

ensure_test_services() {
  if ! command -v redis-server >/dev/null 2>&1; then
    as_root true || { echo "[setup] redis-server missing; run as root: apt-get install -y redis-server" >&2; exit 1; }
    say "installing redis-server"
    apt_install redis-server
    # The Debian package starts a system instance; the tests start their own on a free port.
    as_root sh -c 'command -v systemctl >/dev/null && systemctl disable --now redis-server >/dev/null 2>&1 || true'
    as_root sh -c 'service redis-server stop >/dev/null 2>&1 || true'
  fi
  # The TLS tests run infra/tls/make-dev-certs.sh, as a compose user would.
  if ! command -v openssl >/dev/null 2>&1; then
    as_root true || { echo "[setup] openssl missing; run as root: apt-get install -y openssl" >&2; exit 1; }
    say "installing openssl"
    apt_install openssl
  fi
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    as_root true || { echo "[setup] the PostgreSQL server is missing; run as root: apt-get install -y postgresql" >&2; exit 1; }
    say "installing postgresql"
    apt_install postgresql
    # The Debian package creates and starts a cluster on port 5432; the tests run their own servers on free ports.
    as_root sh -c 'command -v systemctl >/dev/null && systemctl disable --now postgresql >/dev/null 2>&1 || true'
    as_root sh -c 'service postgresql stop >/dev/null 2>&1 || true'
    as_root sh -c 'for conf in /etc/postgresql/*/*/start.conf; do [ -f "$conf" ] && echo manual > "$conf"; done; true'
  fi
  local here; here=$(cd "$(dirname "$0")/.." && pwd)
  if [ ! -x "$here/.tools/azurite/node_modules/.bin/azurite-blob" ]; then
    command -v npm >/dev/null 2>&1 || { echo "[setup] npm is required to install Azurite (apt-get install -y npm)" >&2; exit 1; }
    say "installing Azurite into .tools/azurite"
    mkdir -p "$here/.tools/azurite"
    (cd "$here/.tools/azurite" && npm install --silent --no-audit --no-fund --prefix . azurite@3 >/dev/null)
  fi
}

ensure_dotnet
ensure_libstdcxx
if [ $want_tests -eq 1 ]; then ensure_test_services; fi
say "ready"

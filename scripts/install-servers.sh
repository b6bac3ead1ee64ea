#!/usr/bin/env bash
# Installs redis-server, PostgreSQL and Chromium from Debian packages when they are missing. The tests and the
# benchmarks start their own server processes on free loopback ports; nothing is started here.
set -euo pipefail

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
{ [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/postgres" ] && [ -x "$(pg_bin)/initdb" ]; } || missing+=(postgresql)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
# The storefront's browser tests drive Debian's Chromium through Playwright (its own browser download is not used).
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing: ${missing[*]}. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing ${missing[*]} from Debian packages..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
# The packages start system services; the tests run their own servers, so stop these.
service redis-server stop >/dev/null 2>&1 || true
service postgresql stop >/dev/null 2>&1 || true

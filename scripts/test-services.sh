#!/usr/bin/env bash
# Installs the Debian packages the test suite drives when they are missing: Virtuoso Open Source
# (remote-backend contract tests), a Java runtime (HermiT reasoner), Chromium (web interface tests,
# driven by Playwright; Playwright never downloads a browser here) and Redis (rate limits shared by
# several workers). Needs root for apt-get;
# without it, prints what to install and lets the tests fail with a clear message.
set -euo pipefail

need=()
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "test services missing: ${need[*]} (install them with apt-get as root)" >&2
  exit 0
fi
echo "installing test services: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
printf '%s\n' \
  "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password dba" \
  "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password dba" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
# The package starts a system-wide server we do not use; the tests start their own.
if [ -x /etc/init.d/virtuoso-opensource-7 ]; then /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true; fi
if [ -x /etc/init.d/redis-server ]; then /etc/init.d/redis-server stop >/dev/null 2>&1 || true; fi

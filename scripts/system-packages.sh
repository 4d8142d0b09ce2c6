#!/usr/bin/env bash
# Install from Debian's packages what the tests need and the machine lacks: MariaDB (server and
# client) for the MySQL tests, Chromium for the browser test, docker-compose (v1) to validate
# docker-compose.yml without an engine; Node.js and npm for the GraphQL-over-HTTP audit. Quick and silent when all are there.
# Usage: bash scripts/system-packages.sh [PACKAGE...]   (default: all of them)
set -euo pipefail
wanted=("$@")
[ "${#wanted[@]}" -gt 0 ] || wanted=(mariadb-server mariadb-client chromium docker-compose)

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# Node.js runs the graphql-http audit suite; any Node >= 18 will do, Debian's when there is none.
if [ "$#" -eq 0 ] && ! command -v node >/dev/null; then
  missing+=(nodejs npm)
fi
[ "${#missing[@]}" -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "system-packages: missing ${missing[*]}, and not root (no sudo): install them yourself" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "system-packages: installing ${missing[*]}" >&2
# Keep the packages' own services (the system MariaDB) from starting: the tests start their own
# server, and a machine without an init system would fail the install over it.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >&2

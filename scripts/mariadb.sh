#!/usr/bin/env bash
# A throwaway MariaDB for the tests, its data in a folder of your choice, on 127.0.0.1.
#   bash scripts/mariadb.sh start DIR   installs MariaDB if missing, starts a server with its data
#                                       in DIR, creates database cqrs_auth_test and a user, and
#                                       prints only its URL: mysql+pymysql://USER:PASS@127.0.0.1:PORT/cqrs_auth_test
#                                       and writes DIR/admin-url: the URL of a user that may
#                                       create databases and users (for `cqrs-auth workshop`)
#   bash scripts/mariadb.sh stop DIR    stops that server (by the PID it recorded) and removes DIR
# Logs go to stderr and DIR/mariadb.log. Works as root (CI) and as a normal user.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
action="${1:-}"
dir="${2:-}"
if [ -z "$dir" ] || { [ "$action" != start ] && [ "$action" != stop ]; }; then
  echo "usage: bash scripts/mariadb.sh start|stop DIR" >&2
  exit 2
fi

log() { echo "mariadb.sh: $*" >&2; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  command -v mariadbd >/dev/null || PATH="$PATH:/usr/sbin:/sbin"
  if ! command -v mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null; then
    bash "$here/system-packages.sh" mariadb-server mariadb-client
    PATH="$PATH:/usr/sbin:/sbin"
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local user
  user="$(id -un)"
  if [ -e "$dir/mariadbd.pid" ]; then
    log "a server already runs from $dir (stop it first)"
    return 1
  fi
  log "initialising $dir/data"
  mariadb-install-db --no-defaults --user="$user" --datadir="$dir/data" \
    --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1 \
    || { cat "$dir/install.log" >&2; return 1; }

  local port
  port="$(free_port)"
  log "starting mariadbd on 127.0.0.1:$port"
  mariadbd --no-defaults --user="$user" --datadir="$dir/data" --socket="$dir/mysqld.sock" \
    --port="$port" --bind-address=127.0.0.1 --pid-file="$dir/mariadbd.pid" \
    --log-error="$dir/mariadb.log" --skip-name-resolve --innodb-buffer-pool-size=64M \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/launcher.pid"

  local tries=0
  until mariadb-admin --no-defaults --socket="$dir/mysqld.sock" --user="$user" ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    if ! kill -0 "$(cat "$dir/launcher.pid")" 2>/dev/null || [ "$tries" -gt 300 ]; then
      log "the server did not start; its log:"
      cat "$dir/mariadb.log" >&2 || true
      return 1
    fi
    sleep 0.1
  done

  local password admin_password
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  admin_password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  mariadb --no-defaults --socket="$dir/mysqld.sock" --user="$user" <<SQL
CREATE DATABASE cqrs_auth_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'cqrs_auth'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON cqrs_auth_test.* TO 'cqrs_auth'@'127.0.0.1';
CREATE USER 'cqrs_admin'@'127.0.0.1' IDENTIFIED BY '$admin_password';
GRANT ALL PRIVILEGES ON *.* TO 'cqrs_admin'@'127.0.0.1' WITH GRANT OPTION;
SQL
  (umask 077 && echo "mysql+pymysql://cqrs_admin:$admin_password@127.0.0.1:$port/" >"$dir/admin-url")
  log "ready (data in $dir/data, log in $dir/mariadb.log, admin URL in $dir/admin-url)"
  echo "mysql+pymysql://cqrs_auth:$password@127.0.0.1:$port/cqrs_auth_test"
}

stop() {
  [ -d "$dir" ] || return 0
  local pid=""
  if [ -s "$dir/mariadbd.pid" ]; then
    pid="$(cat "$dir/mariadbd.pid")"
  elif [ -s "$dir/launcher.pid" ]; then
    pid="$(cat "$dir/launcher.pid")"
  fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    log "stopping mariadbd (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid did not stop in 30 s: killing it"
      kill -KILL "$pid" || true
    fi
  fi
  rm -rf "$dir"
}

"$action"

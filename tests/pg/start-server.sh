#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the tests: initdb + pg_ctl in a new temporary
# directory, as an unprivileged user (the server refuses root, and CI runs as root: the user
# vetkit-pg is created when missing), listening on a unix socket in that directory only (no
# TCP port), trust authentication for its owner (the directory is 0700, so no one else can
# reach the socket). STATE_DIR receives `conninfo` (a libpq string for the admin database) and
# `datadir`; when no server can be started it receives `skip` with the reason, and this
# script exits 77, so that the PostgreSQL tests report SKIP with that reason.
# stop-server.sh STATE_DIR tears it down.
set -uo pipefail
state=${1:?usage: start-server.sh STATE_DIR}
mkdir -p "$state" || exit 2
rm -f "$state/conninfo" "$state/skip" "$state/datadir"
skip() {
  echo "$*" >"$state/skip"
  echo "SKIP: $*"
  # CI installs the server (scripts/setup --test): there a skip would hide the tests.
  [ "${VETKIT_REQUIRE_PG:-0}" = 1 ] && { echo "VETKIT_REQUIRE_PG=1: failing instead"; exit 1; }
  exit 77
}
bindir=${VETKIT_PG_BINDIR:-}
if [ -z "$bindir" ]; then
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && bindir=$d; done
fi
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] ||
  skip "no PostgreSQL server binaries (initdb, pg_ctl): install postgresql-15 (scripts/setup --test)"

run=()
user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  user=vetkit-pg
  if ! id "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user" \
      >/dev/null 2>&1 || skip "running as root and cannot create the unprivileged user $user"
  fi
  run=(runuser -u "$user" --)
fi
# As root, under /tmp: the server's user must reach the directory (root's TMPDIR may be 0700).
base=${TMPDIR:-/tmp}
[ "$(id -u)" -eq 0 ] && base=/tmp
dir=$(mktemp -d "$base/vetkit-pg.XXXXXX") || skip "cannot make a temporary directory"
echo "$dir" >"$state/datadir"
chmod 0700 "$dir"
[ "$(id -u)" -eq 0 ] && chown "$user" "$dir"
cd "$dir" || skip "cannot enter $dir"
if ! "${run[@]}" "$bindir/initdb" -D "$dir/data" -U vetkit --auth=trust -E UTF8 \
       --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
  skip "initdb failed as $user: $(tail -1 "$dir/initdb.log")"
fi
# Small and fast: no TCP, no fsync (a test server's data dies with it), enough connections for
# the concurrent-merge tests.
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 60
shared_buffers = 64MB
CONF
port=$((20000 + RANDOM % 20000))
if ! "${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 60 \
       start >/dev/null 2>&1; then
  skip "pg_ctl start failed: $(tail -2 "$dir/server.log" 2>/dev/null | tr '\n' ' ')"
fi
echo "host=$dir port=$port user=vetkit dbname=postgres" >"$state/conninfo"
echo "started PostgreSQL ($bindir) as $user in $dir, port $port (socket only)"

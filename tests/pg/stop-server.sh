#!/usr/bin/env bash
# Stops the server start-server.sh STATE_DIR started and removes its temporary directory.
set -uo pipefail
state=${1:?usage: stop-server.sh STATE_DIR}
[ -f "$state/datadir" ] || exit 0
dir=$(cat "$state/datadir")
bindir=${VETKIT_PG_BINDIR:-}
if [ -z "$bindir" ]; then
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && bindir=$d; done
fi
run=()
[ "$(id -u)" -eq 0 ] && run=(runuser -u vetkit-pg --)
if [ -f "$dir/data/postmaster.pid" ] && [ -n "$bindir" ]; then
  "${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
fi
# Only the directory this fixture made (a vetkit-pg.* temporary), never anything else.
case "$dir" in
  */vetkit-pg.*) rm -rf "$dir" ;;
esac
rm -f "$state/conninfo" "$state/datadir"
exit 0

#!/usr/bin/env bash
# Prints the libpq string of a new, empty database on the test server (start-server.sh
# STATE_DIR), named after NAME; exits 77 with the reason when there is no server.
set -uo pipefail
state=${1:?usage: newdb.sh STATE_DIR NAME}
name=${2:?usage: newdb.sh STATE_DIR NAME}
if [ -f "$state/skip" ]; then echo "SKIP: $(cat "$state/skip")" >&2; exit 77; fi
if [ ! -f "$state/conninfo" ]; then echo "SKIP: no test server (tests/pg/start-server.sh $state)" >&2; exit 77; fi
admin=$(cat "$state/conninfo")
psql=psql
command -v psql >/dev/null || psql=$(ls /usr/lib/postgresql/*/bin/psql | tail -1)
db="t_$(echo "$name" | tr -c 'a-zA-Z0-9_\n' _)_$$"
PGOPTIONS="-c client_min_messages=warning" "$psql" -q -X -v ON_ERROR_STOP=1 "$admin" -c "DROP DATABASE IF EXISTS \"$db\"" -c "CREATE DATABASE \"$db\"" >/dev/null || exit 2
echo "${admin% dbname=*} dbname=$db"

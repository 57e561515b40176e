#!/usr/bin/env bash
# Issue 18: the same work on the SQLite store and on a PostgreSQL store gives the same
# outputs — merges (two counties, a corrected re-submission, decisions), the export, a
# person's history, vetdiff --db between batches, vetreport --db (text and JSON) — apart from
# the time each batch was merged. Then merges run at once on PostgreSQL (two units sharing
# people; one unit's batch and its correction) end as one of the orders run one after the
# other. Run with the directory of the built tools and the state directory of
# tests/pg/start-server.sh; exits 77 (SKIP) with the reason when there is no server.
set -uo pipefail
bin=$(cd "${1:?usage: merge-report.sh BIN_DIR PG_STATE [ROUNDS]}" && pwd) || exit 2
state=${2:?usage: merge-report.sh BIN_DIR PG_STATE [ROUNDS]}
rounds=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$(cd "$here/../fixtures" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-pg-e2e.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8 PATH="$bin:$PATH"
newdb() { "$here/newdb.sh" "$state" "$1"; }
pg=$(newdb merge_report) || exit $?
cd "$fixtures" || exit 2

# run NAME DB: the scenario on one store, every output (and status) into $work/NAME.
run() {
  local out=$work/$1 db=$2
  mkdir -p "$out"
  {
    vetmerge --db "$db" merge/娄星区.jsonl merge/双峰县.jsonl; echo "merge: $?"
    vetmerge --db "$db" merge/双峰县-更正.jsonl; echo "re-submission: $?"
    vetmerge --db "$db" merge/双峰县-更正.jsonl; echo "replayed: $?"
    vetmerge --db "$db" --decisions merge/decisions.jsonl --candidates "$out/pairs"; echo "decisions: $?"
    cat "$out/pairs"
    vetmerge --db "$db" --export; echo "export: $?"
    vetmerge --db "$db" --history 431302195505090711; echo "history: $?"
    vetdiff --db "$db" 2 3; echo "diff: $?"
    # A fixed "generated at": the two runs may straddle a minute (a flake CI met).
    SOURCE_DATE_EPOCH=1795915800 vetreport --db "$db" --today 2026-12-01; echo "report: $?"
    SOURCE_DATE_EPOCH=1795915800 vetreport --db "$db" --today 2026-12-01 --format json
    echo "report json: $?"
  } >"$out/out" 2>&1
  # The only difference allowed: when each batch was merged.
  sed -i -E 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/T/g' "$out/out"
}
run sqlite "$work/city.sqlite"
run pg "$pg"
fail=0
if ! cmp -s "$work/sqlite/out" "$work/pg/out"; then
  echo "FAIL: the PostgreSQL store's outputs differ from the SQLite store's:"
  diff "$work/sqlite/out" "$work/pg/out" | head -20
  fail=1
fi
grep -q "merge: 1" "$work/pg/out" && grep -q "export: 0" "$work/pg/out" ||
  { echo "FAIL: the scenario did not run:"; head -5 "$work/pg/out"; fail=1; }

# At once. a: a county's batch; b: the same people from another county with other phones
# (conflicts, two sources each); c: a's county's correction (retires a's versions).
cp "$fixtures/sign/data/娄星区.jsonl" "$work/a.jsonl"
sed 's/"unit":"431302"/"unit":"431321"/; s/"phone":"[^"]*"/"phone":"13800000000"/' \
  "$work/a.jsonl" >"$work/b.jsonl"
sed '0,/"political_status":"13"/s//"political_status":"01"/' "$work/a.jsonl" >"$work/c.jsonl"
cd "$work" || exit 2
state_of() {  # state_of DB: what must not depend on whether the runs overlapped
  vetmerge -q --db "$1" --export | sed -E 's/20[0-9]{2}-[0-9-]{5}T[0-9:]{8}Z/T/g'
}
for pair in ab ac; do
  x=${pair:0:1} y=${pair:1:1}
  for order in "$x$y" "$y$x"; do
    db=$(newdb "seq_$order") || exit 2
    vetmerge -q --db "$db" "${order:0:1}.jsonl" 2>/dev/null
    vetmerge -q --db "$db" "${order:1:1}.jsonl" 2>/dev/null
    state_of "$db" >"expected-$order"
  done
  for ((i = 1; i <= rounds; ++i)); do
    db=$(newdb "at_once_$pair$i") || exit 2
    vetmerge -q --db "$db" /dev/null 2>/dev/null  # the tables, so both runs find them
    vetmerge -q --db "$db" "$x.jsonl" 2>"c1.err" &
    vetmerge -q --db "$db" "$y.jsonl" 2>"c2.err" &
    wait
    state_of "$db" >got
    if ! cmp -s got "expected-$x$y" && ! cmp -s got "expected-$y$x"; then
      echo "FAIL: $pair round $i: merges at once differ from both orders one after the other"
      diff "expected-$x$y" got | head -5
      cat c1.err c2.err | head -5
      fail=1
      break
    fi
  done
done
[ $fail -eq 0 ] && echo "ok: both backends agree; $rounds rounds of merges at once (two units, one unit) end as one after the other"
exit $fail

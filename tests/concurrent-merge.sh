#!/usr/bin/env bash
# Issue 13, finding 3: two vetmerge --db runs started together on batches that share people
# end exactly as the same two run one after the other (in one order or the other): the same
# people with the same sources and units, the same conflicts and unit-conflict warnings.
# Repeated ROUNDS times (default 20). Run with the directory of the built tools.
set -uo pipefail
bin=$(cd "${1:?usage: concurrent-merge.sh BIN_DIR [ROUNDS]}" && pwd) || exit 2
rounds=${2:-20}
fixtures=$(cd "$(dirname "$0")/fixtures" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-concurrent.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8
cd "$work" || exit 2
# The same 40 people sent by two units, one with other phone numbers: every person gets two
# sources, a unit conflict and a phone conflict.
cp "$fixtures/sign/data/娄星区.jsonl" a.jsonl
sed 's/"unit":"431302"/"unit":"431321"/; s/"phone":"[^"]*"/"phone":"13800000000"/' a.jsonl > b.jsonl

state() {  # state DB: what must not depend on whether the runs overlapped
  sqlite3 "$1" "SELECT key, units, sources FROM current ORDER BY key;
                SELECT count(*) FROM record_version WHERE retired_by IS NULL;
                SELECT count(*) FROM batch;"
}
merge() {  # merge DB FILE LOG
  "$bin/vetmerge" --db "$1" --conflicts "$3.conflicts" "$2" 2>"$3.err"
  echo $? >"$3.status"
}
summary() {  # the conflicts and warnings of both runs, whichever ran first
  cat "$1".conflicts "$2".conflicts | wc -l
  cat "$1".err "$2".err | grep -c unit-conflict
}
# The two sequential orders.
for order in ab ba; do
  rm -f seq.sqlite
  "$bin/vetmerge" -q --db seq.sqlite /dev/null 2>/dev/null  # an empty store: both runs open it
  x=${order:0:1} y=${order:1:1}
  merge seq.sqlite $x.jsonl s1
  merge seq.sqlite $y.jsonl s2
  state seq.sqlite >"expected-$order"
  summary s1 s2 >"expected-$order.summary"
done
fail=0
for ((i = 1; i <= rounds; ++i)); do
  rm -f c.sqlite c.sqlite-wal c.sqlite-shm
  "$bin/vetmerge" -q --db c.sqlite /dev/null 2>/dev/null
  merge c.sqlite a.jsonl c1 &
  merge c.sqlite b.jsonl c2 &
  wait
  state c.sqlite >got
  summary c1 c2 >got.summary
  if ! { cmp -s got expected-ab && cmp -s got.summary expected-ab.summary; } &&
     ! { cmp -s got expected-ba && cmp -s got.summary expected-ba.summary; }; then
    echo "FAIL: round $i: the concurrent merges differ from both sequential orders"
    diff expected-ab got | head -5
    diff expected-ab.summary got.summary
    cat c1.err c2.err | grep -v unit-conflict | head -5
    fail=1
    break
  fi
done
[ $fail -eq 0 ] && echo "ok: $rounds rounds of two concurrent merges match a sequential order"
[ $fail -eq 0 ] || exit $fail

# Aliases (finding 13.3): one run adjudicates two people as one (--decisions) while the other
# merges a batch holding the second of them. A run that read the decisions before the other
# committed must read them again, or the new version lands on the number that no longer is a
# person. (tests/unit/merge_order_test.cpp shows the same deterministically.)
key() { sed -n "${1}p" a.jsonl | grep -o '"id_number":"[^"]*"' | cut -d'"' -f4; }
echo "{\"a\":\"$(key 1)\",\"b\":\"$(key 2)\",\"decision\":\"same\"}" >same.jsonl
sed -n 2p a.jsonl | sed 's/"phone":"[^"]*"/"phone":"13900000000"/' >later.jsonl
alias_state() {
  sqlite3 "$1" "SELECT key, units, sources FROM current ORDER BY key;
                SELECT key, count(*) FROM record_version GROUP BY key ORDER BY key;"
}
judge() { "$bin/vetmerge" -q --db "$1" --decisions same.jsonl 2>/dev/null; }
later() { "$bin/vetmerge" -q --db "$1" later.jsonl 2>/dev/null; }
for order in jl lj; do
  rm -f seq.sqlite*
  "$bin/vetmerge" -q --db seq.sqlite a.jsonl 2>/dev/null
  if [ $order = jl ]; then judge seq.sqlite; later seq.sqlite; else later seq.sqlite; judge seq.sqlite; fi
  alias_state seq.sqlite >"alias-$order"
done
for ((i = 1; i <= rounds; ++i)); do
  rm -f c.sqlite c.sqlite-wal c.sqlite-shm
  "$bin/vetmerge" -q --db c.sqlite a.jsonl 2>/dev/null
  judge c.sqlite &
  later c.sqlite &
  wait
  alias_state c.sqlite >got
  if ! cmp -s got alias-jl && ! cmp -s got alias-lj; then
    echo "FAIL: round $i: a concurrent decision and merge differ from both sequential orders"
    diff alias-jl got | head -5
    fail=1
    break
  fi
done
[ $fail -eq 0 ] && echo "ok: $rounds rounds of a decision and a merge at once match a sequential order"
exit $fail

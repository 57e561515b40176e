#!/usr/bin/env bash
# Issue 16: the send-back loop on a PostgreSQL store gives the same outputs as on SQLite —
# a round recorded (its items), a county's sealed package merged back with --replies (its
# replies recorded, a foreign row refused), a re-submission, --sendback-status in text and
# JSON. Run with the directory of the built tools and the state directory of
# tests/pg/start-server.sh; exits 77 (SKIP) with the reason when there is no server.
set -uo pipefail
bin=$(cd "${1:?usage: sendback-loop.sh BIN_DIR PG_STATE}" && pwd) || exit 2
state=${2:?usage: sendback-loop.sh BIN_DIR PG_STATE}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$(cd "$here/../fixtures" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-pg-sendback.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8 PATH="$bin:$PATH" SOURCE_DATE_EPOCH=1795915800
pg=$("$here/newdb.sh" "$state" sendback_loop) || exit $?
cd "$fixtures" || exit 2
for c in 431321 431322 431382; do grep "\"unit\":\"$c\"" dept/city.jsonl >"$work/$c.jsonl"; done
sed -i 's/"birth_date":"1970-08-05"/"birth_date":"1970-08-15"/' "$work/431321.jsonl"
sed -e 's/"name":"王志强"/"name":"王志刚"/' -e '/赵德明/d' "$work/431322.jsonl" >"$work/431322-更正.jsonl"
cp sign/keys/双峰县.key "$work/" && chmod 600 "$work/双峰县.key"

# run NAME DB: the loop on one store, every output (and status) into $work/NAME.
run() {
  local out=$work/$1 db=$2
  mkdir -p "$out"
  {
    vetmerge -q --db "$db" "$work/431321.jsonl" "$work/431322.jsonl" "$work/431382.jsonl"; echo "merge: $?"
    vetdiff -q --dept gongan --db "$db" --format json -o "$out/gongan.jsonl" - dept/gongan.csv
    vetreport -q --db "$db" --split-by hukou --outdir "$out/out" --today 2026-12-01 --findings "$out/gongan.jsonl"; echo "round 1: $?"
    vetreport --db "$db" --sendback-status --today 2026-12-01 --findings "$out/gongan.jsonl"; echo "status: $?"
    dept/fill-replies "$out/out/431321-双峰县.xlsx" "$out/431321-双峰县.xlsx" \
      "V5da0f30adba1923=已更正|1970-08-05|按身份证号核对" "X2a9fdc238a3fee2=核实无误||户籍在双峰县" \
      "X2bb292603bc6e37=已更正|王志刚|"
    vetsign sign -q -k "$work/双峰县.key" "$out/431321-双峰县.xlsx"
    (cd "$out" && vetmerge -q --db "$db" --trusted "$fixtures/sign/trusted" --replies 431321-双峰县.xlsx); echo "replies: $?"
    vetmerge -q --db "$db" "$work/431322-更正.jsonl" 2>&1 | sed "s|$work/||"; echo "re-submission: ${PIPESTATUS[0]}"
    vetdiff -q --dept gongan --db "$db" --format json -o "$out/gongan2.jsonl" - dept/gongan.csv
    vetreport --db "$db" --sendback-status --today 2026-12-01 --findings "$out/gongan2.jsonl"; echo "status: $?"
    vetreport -q --db "$db" --split-by hukou --outdir "$out/out" --today 2026-12-01 --findings "$out/gongan2.jsonl"; echo "round 2: $?"
    vetreport --db "$db" --sendback-status --format json --findings "$out/gongan2.jsonl"; echo "status: $?"
    vetmerge --db "$db" --history 431321197008050223 | grep -o '"birth_date":"[^"]*"'
  } >"$out/out.txt" 2>&1
}
run sqlite "$work/city.sqlite"
run pg "$pg"
fail=0
if ! cmp -s "$work/sqlite/out.txt" "$work/pg/out.txt"; then
  echo "FAIL: the PostgreSQL store's outputs differ from the SQLite store's:"
  diff "$work/sqlite/out.txt" "$work/pg/out.txt" | head -20
  fail=1
fi
grep -q '"birth_date":"1970-08-05"' "$work/pg/out.txt" && grep -q '"round":2' "$work/pg/out.txt" ||
  { echo "FAIL: the loop did not run:"; cat "$work/pg/out.txt" | head -20; fail=1; }
[ $fail -eq 0 ] && echo "ok: the send-back loop is the same on both stores"
exit $fail

#!/usr/bin/env bash
# Every tool, interrupted while it writes its output: killed (SIGKILL) it leaves no partial
# target and its inputs as they were; interrupted (SIGTERM, SIGINT, SIGHUP) it also leaves
# no temporary file and still dies of the signal (exit 128+N). A tool that finished before
# the signal passes only if its output is complete. Each case first runs uninterrupted, for
# the reference output and its duration; the signals then fall at random moments within it,
# and as soon as the tool's temporary file appears.
#
#   tests/signals.sh BIN_DIR        (SIGNALS_SEED=N to replay another set of moments)
#
# The store's own all-or-nothing batch under SIGKILL, at the library level, is
# Store.KilledMidBatchLeavesTheStoreConsistent in tests/unit/merge_test.cpp; here it is the
# whole vetmerge process.
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: signals.sh BIN_DIR" >&2; exit 2; }
bin=$(cd "$1" && pwd)
for need in sqlite3 unzip sha256sum; do
  command -v $need >/dev/null || { echo "skip: $need not installed"; exit 0; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-signals.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
# A fixed "now": a report stamps the minute it was made, so a trial that crossed a minute
# boundary differed from its reference although it was complete (the flake of CI runs).
export SOURCE_DATE_EPOCH=1795915800
seed=${SIGNALS_SEED:-1}
RANDOM=$seed
failures=0 trials=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Inputs, generated once: two versions of 200k people (the second with mistakes, so that
# vetdiff and vetvalidate have something to say), and smaller slices for the slower tools.
mkdir in
"$bin/vetgen" --rows 200000 --seed 1 --format csv -o in/a.csv || exit 2
"$bin/vetgen" --rows 200000 --seed 1 --mistakes 0.05 --format csv -o in/b.csv || exit 2
"$bin/vetimport" -q -o in/b.jsonl in/b.csv || exit 2
head -n 20001 in/b.csv >in/b20k.csv
# The store's slices come from the clean set: one version per record (a key repeated past
# vetmerge's bound, as mangled numbers are in b, would be counted, not stored).
"$bin/vetimport" -q -o in/a.jsonl in/a.csv || exit 2
head -n 50000 in/a.jsonl >in/m1.jsonl
head -n 10000 in/a.jsonl >in/m0.jsonl
sed -n 50001,100000p in/a.jsonl >in/m2.jsonl
rm in/a.jsonl
rm in/b.csv
"$bin/vetsign" keygen -q --signer 甲县 --role county --unit 431302 -o in/county || exit 2
"$bin/vetsign" keygen -q --signer 乙市 --role city --unit 431300 -o in/city || exit 2
mkdir in/trusted && cp in/county.pub in/city.pub in/trusted/
"$bin/vetsign" sign -q -k in/county.key in/b.jsonl || exit 2
"$bin/vetmerge" -q --db in/base.sqlite in/m0.jsonl 2>/dev/null
[ -f in/base.sqlite ] || exit 2
# One version per record of a batch.
versions() { wc -l <"$1" | tr -d ' '; }
inputs=(in/a.csv in/b.jsonl in/b20k.csv in/m0.jsonl in/m1.jsonl in/m2.jsonl in/b.jsonl.vsig
  in/base.sqlite ref/import)  # ref/import: vetdiff's OLD

xl_digest() { unzip -p "$1" 'xl/*' 2>/dev/null | sha256sum; }  # all but the dated docProps

# Each case: the command, its target, and how to tell a complete target. Its output folder
# holds nothing but what setup_CASE puts there, so that any leftover shows.
cmd_import=("$bin/vetimport" -q -o out/a.jsonl in/a.csv)
target_import=out/a.jsonl
complete_import() { cmp -s "$1" ref/import; }

cmd_annotate=("$bin/vetvalidate" -q --annotate out/b-标注.xlsx in/b20k.csv)
target_annotate=out/b-标注.xlsx
complete_annotate() { [ "$(xl_digest "$1")" = "$(xl_digest ref/annotate)" ]; }

cmd_diff=("$bin/vetdiff" -q -o out/diff.txt ref/import in/b.jsonl)
target_diff=out/diff.txt
complete_diff() { cmp -s "$1" ref/diff; }

cmd_report=("$bin/vetreport" -q -o out/report.xlsx in/b.jsonl)
target_report=out/report.xlsx
complete_report() { [ "$(xl_digest "$1")" = "$(xl_digest ref/report)" ]; }

# A second signer appends to an existing signature file: kept as it was, or with both.
setup_sign() {
  ln in/b.jsonl out/b.jsonl && cp in/b.jsonl.vsig out/b.jsonl.vsig
}
cmd_sign=("$bin/vetsign" sign -q -k in/city.key out/b.jsonl)
target_sign=out/b.jsonl.vsig
complete_sign() {
  [ "$(grep -c '乙市' "$1")" -ge 1 ] &&
    "$bin/vetsign" verify -q --trusted in/trusted --require county,city out/b.jsonl >/dev/null 2>&1
}

# A new store is built beside its name and appears only whole.
cmd_newdb=("$bin/vetmerge" -q --db out/city.sqlite in/m1.jsonl)
target_newdb=out/city.sqlite
complete_newdb() {
  [ "$(sqlite3 "$1" 'PRAGMA integrity_check')" = ok ] &&
    [ "$(sqlite3 "$1" 'SELECT count(*) FROM record_version')" = "$(versions in/m1.jsonl)" ]
}

# An existing store takes the batch in one transaction: after any signal, intact, and the
# batch whole or absent. Its WAL and shared memory are its own, not temporaries.
setup_db() { cp in/base.sqlite out/city.sqlite; }
cmd_db=("$bin/vetmerge" -q --db out/city.sqlite in/m2.jsonl)
target_db=out/city.sqlite
own_db='^city\.sqlite-(wal|shm)$'
own_newdb=$own_db  # sqlite3, checking a finished store, opens its WAL
complete_db() {
  [ "$(sqlite3 "$1" 'PRAGMA integrity_check')" = ok ] || return 1
  local batches versions
  batches=$(sqlite3 "$1" 'SELECT count(*) FROM batch')
  versions=$(sqlite3 "$1" 'SELECT count(*) FROM record_version')
  [ "$batches" = 1 ] && [ "$versions" = "$(versions in/m0.jsonl)" ] && return 0
  [ "$batches" = 2 ] && [ "$versions" = $(($(versions in/m0.jsonl) + $(versions in/m2.jsonl))) ]
}

reset_out() {
  rm -rf out && mkdir out
  if declare -F "setup_$1" >/dev/null; then "setup_$1"; fi
}
listing() { find out -mindepth 1 -maxdepth 1 -printf '%f\n' | grep -Ev "${own:-^$}" | sort; }
words() { tr '\n' ' ' <<<"$1"; }

# The uninterrupted run: its exit status, duration and output are the reference.
declare -A ok_rc duration
mkdir ref
reference() {
  local name=$1 target_var=target_$1 start
  local -n cmd=cmd_$1
  reset_out "$name"
  start=$(now_ms)
  "${cmd[@]}" >/dev/null 2>"ref/$name.err"
  ok_rc[$name]=$?
  duration[$name]=$(($(now_ms) - start))
  cp "${!target_var}" "ref/$name" || { fail "$name: no output uninterrupted"; return; }
  "complete_$name" "ref/$name" || fail "$name: its own uninterrupted output is not complete"
}

# One run of CASE, sent SIGNAL after a random delay within the reference duration, or, with
# "temp", as soon as its temporary file appears (polled), the moment that matters most.
trial() {
  local name=$1 sig=$2 when=${3:-random} target_var=target_$1 own_var=own_$1
  local target=${!target_var} own=${!own_var:-} span delay before had="" after rc pid
  local -n cmd=cmd_$1
  reset_out "$name"
  before=$(listing)
  [ -e "$target" ] && had=$(sha256sum <"$target")
  span=$((duration[$name] * 9 / 10))
  ((span > 1500)) && span=1500
  ((span < 100)) && span=100
  delay=$((50 + RANDOM % (span - 49)))
  # Background jobs of a script start with SIGINT ignored; the tools get it as from a
  # terminal. env execs the tool: the signal goes to the tool itself.
  env --default-signal=INT,TERM,HUP "${cmd[@]}" >/dev/null 2>"$work/$name.err" &
  pid=$!
  local moment="after ${delay}ms"
  if [ "$when" = temp ]; then
    moment="when no temporary appeared"
    while kill -0 "$pid" 2>/dev/null; do
      if compgen -G "out/*.tmp.*" >/dev/null; then
        moment="as its temporary appeared"
        break
      fi
      sleep 0.001
    done
  else
    sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
  fi
  kill -s "$sig" "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null  # not bash's own "Killed" line
  rc=$?
  trials=$((trials + 1))
  local what="$name: SIG$sig $moment (exit $rc)"
  local killed=$((128 + $(kill -l "$sig")))
  echo "$what"
  if [ "$rc" = "${ok_rc[$name]}" ]; then
    if [ ! -e "$target" ] || ! "complete_$name" "$target"; then
      fail "$what: finished, but incomplete output"
    fi
  elif [ "$rc" = "$killed" ]; then
    if [ -e "$target" ] && [ "$(sha256sum <"$target")" != "$had" ] &&
      ! "complete_$name" "$target"; then
      fail "$what: a partial $target"
    fi
  else
    fail "$what: expected exit $killed or ${ok_rc[$name]}: $(head -c 300 "$work/$name.err")"
  fi
  # Nothing else in the folder but what was there, and the target; after SIGKILL, the
  # temporaries it could not remove, named for the target, and nothing else.
  local name_re base extra missing
  name_re=$(basename "$target" | sed 's/[.[\*^$]/\\&/g')
  after=$(listing | grep -vxF "$(basename "$target")")
  base=$(grep -vxF "$(basename "$target")" <<<"$before")
  extra=$(comm -13 <(echo "$base") <(echo "$after"))
  missing=$(comm -23 <(echo "$base") <(echo "$after"))
  [ -z "$missing" ] || fail "$what: removed: $(words "$missing")"
  # libxlsxwriter's scratch files (tmp.XXXXXXXXXX) are unlinked the moment they are opened;
  # a signal within those microseconds can leave one, which the tools cannot know to remove.
  local scratch
  scratch=$(echo "$extra" | grep -E '^tmp\.[A-Za-z0-9]{10}$')
  if [ -n "$scratch" ]; then
    echo "note: $what: left libxlsxwriter's $(words "$scratch")"
    extra=$(echo "$extra" | grep -vxF "$scratch")
  fi
  if [ -n "$extra" ]; then
    if [ "$sig" != KILL ] ||
      echo "$extra" | grep -qvE "^$name_re\.tmp\.[A-Za-z0-9]{6}(-journal|-wal|-shm)?$"; then
      fail "$what: left behind: $(words "$extra")"
    fi
  fi
}

start=$(now_ms)
cases="import annotate diff report sign newdb db"
for name in $cases; do reference "$name"; done
sums=$(sha256sum "${inputs[@]}")
for name in $cases; do
  for sig in KILL TERM INT KILL; do trial "$name" "$sig"; done
  # An existing store is changed in place: there is no temporary to wait for.
  [ "$name" = db ] && continue
  for sig in TERM INT KILL; do trial "$name" "$sig" temp; done
done
# SIGHUP (a closed terminal or ssh session) once each for a plain file, a workbook, a store.
for name in import report newdb; do trial "$name" HUP; done
rm -rf out

now=$(sha256sum "${inputs[@]}")
[ "$now" = "$sums" ] || fail "an input changed: $(diff <(echo "$sums") <(echo "$now"))"
echo "signals: $trials trials (seed $seed) in $((($(now_ms) - start) / 1000))s after the inputs;" \
  "reference runs (ms): $(for n in $cases; do printf '%s=%s ' "$n" "${duration[$n]}"; done)"
[ "$failures" = 0 ] || { echo "signals: $failures failures" >&2; exit 1; }

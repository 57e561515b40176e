#!/usr/bin/env bash
# A record stream whose first line is 100 MB long (generated here, not committed): vetvalidate
# and vetmerge skip it past 16 MiB without holding it, say so once, read the record after it,
# exit 2 (the input is incomplete) and stay under 100 MiB of memory. Run with the directory of
# the built tools. The memory check needs GNU time (/usr/bin/time) and is skipped without it.
set -uo pipefail
bin=$(cd "${1:?usage: hostile-long-line.sh BIN_DIR}" && pwd) || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-long-line.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8
cd "$work" || exit 2
fail=0
fails() { echo "FAIL: $*"; fail=1; }

{
  printf '{"name":"'
  head -c 100000000 /dev/zero | tr '\0' a
  printf '"}\n{"category":"12","name":"张三","id_number":"430102197803051234"}\n'
} >big.jsonl
[ "$(wc -c <big.jsonl)" -gt 100000000 ] || { echo "could not write the 100 MB stream"; exit 2; }

why="line 1 is not a record: longer than 16 MiB, the limit of a line; skipped [bad-line]"
limit_kb=$((100 * 1024))
timed=()
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true 2>/dev/null; then
  timed=(/usr/bin/time -o rss -f %M)
else
  echo "note: no GNU time at /usr/bin/time: peak memory not checked"
fi
# Under AddressSanitizer the shadow memory and quarantine are the sanitizer's, not the tool's
# (tests/CMakeLists.txt sets this): the messages and exit codes are still checked.
if [ -n "${VETKIT_SANITIZED:-}" ] && [ ${#timed[@]} -gt 0 ]; then
  echo "note: sanitized build: peak memory not checked"
  timed=()
fi

run() {  # run TOOL ARGS...: runs it with its peak memory measured; sets $status
  rm -f rss
  "${timed[@]}" "$bin/$@" >out 2>err
  status=$?
  if [ ${#timed[@]} -gt 0 ]; then
    local kb
    kb=$(tail -n 1 rss)
    [ "$kb" -lt $limit_kb ] || fails "$1 peaked at $kb KiB, over 100 MiB"
  fi
}

# vetvalidate: diagnostics are its output; the long line is one of them, then the record.
run vetvalidate --lang en big.jsonl
[ $status -eq 2 ] || fails "vetvalidate exits $status, not 2"
[ "$(grep -c 'bad-line' out)" -eq 1 ] || fails "vetvalidate: not one bad-line diagnostic: $(cut -c1-200 out)"
grep -qxF "big.jsonl:1: error: $why" out || fails "vetvalidate: no 'big.jsonl:1: error: $why'"
grep -q '^big.jsonl:2: ' out || fails "vetvalidate did not check the record after the long line"
[ "$(wc -c <out)" -lt 10000 ] || fails "vetvalidate printed the long line"

# vetmerge: the message on standard error, the record after it merged, exit 2.
run vetmerge --lang en big.jsonl
[ $status -eq 2 ] || fails "vetmerge exits $status, not 2"
[ "$(grep -c 'bad-line' err)" -eq 1 ] || fails "vetmerge: not one bad-line diagnostic: $(cut -c1-200 err)"
grep -qxF "vetmerge: error: big.jsonl:1: $why" err || fails "vetmerge: no 'vetmerge: error: big.jsonl:1: $why'"
grep -q '"name":"张三"' out || fails "vetmerge did not merge the record after the long line"

[ $fail -eq 0 ] && echo "long line ok"
exit $fail

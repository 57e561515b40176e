#!/usr/bin/env bash
# -o onto a target that is not a regular file: every tool writes a FIFO (read by another
# process) and /dev/null in place — never a temporary renamed over them — and follows a
# symlink to the regular file it names, which is replaced atomically while the link stays a
# link. Run as root, renaming over /dev/null would replace the machine's /dev/null with a
# file, so the FIFO and symlink checks (in a scratch directory) come first, and /dev/null is
# written only when the FIFO checks passed; it must still be a character device after every
# tool. Usage: output-targets.sh BIN_DIR FIXTURES_DIR
set -uo pipefail
bin=$(cd "${1:?usage: output-targets.sh BIN_DIR FIXTURES_DIR}" && pwd) || exit 2
fixtures=$(cd "${2:?usage: output-targets.sh BIN_DIR FIXTURES_DIR}" && pwd) || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-targets.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8 PATH="$bin:$PATH"
cd "$fixtures" || exit 2
fail=0
fails() { echo "FAIL: $*"; fail=1; }

devnull_ok() {
  if [ ! -c /dev/null ]; then
    echo "FATAL: /dev/null IS NO LONGER A CHARACTER DEVICE after: $*" >&2
    echo "FATAL: repair it by hand: rm /dev/null && mknod -m 666 /dev/null c 1 3" >&2
    exit 3
  fi
}
devnull_ok "the start of this test"

vetimport -q csv/samples-娄星区.csv >"$work/a.jsonl" 2>/dev/null
vetimport -q csv/双峰县-utf8-bom.csv >"$work/b.jsonl" 2>/dev/null
vetsign keygen -q --signer test --role county --unit 431302 -o "$work/k" && vetsign keygen -q --signer other --role county --unit 431321 -o "$work/k2" ||
  { echo "cannot make the keys"; exit 2; }
today=(--today 2026-11-29)

# Each tool writing TARGET, one per line: NAME|COMMAND (TARGET replaced by the path).
tools=(
  "vetimport|vetimport -q -o TARGET csv/samples-娄星区.csv"
  "vetimport-csv|vetimport -q --format csv -o TARGET csv/samples-娄星区.csv"
  "vetvalidate|vetvalidate -q ${today[*]} -o TARGET csv/samples-娄星区.csv"
  "vetvalidate-annotate|vetvalidate -q ${today[*]} --annotate TARGET csv/samples-娄星区.csv"
  "vetmerge|vetmerge -q -o TARGET $work/a.jsonl $work/b.jsonl"
  "vetdiff|vetdiff -q -o TARGET $work/a.jsonl $work/b.jsonl"
  "vetreport|vetreport -q ${today[*]} -o TARGET csv/samples-娄星区.csv"
  "vetreport-xlsx|vetreport -q ${today[*]} --format xlsx -o TARGET csv/samples-娄星区.csv"
  "vetsign|vetsign sign -q -k $work/k.key -o TARGET $work/a.jsonl"
)

run() {  # run NAME COMMAND TARGET: the tool's status (0 or 1: findings) is not trouble
  local cmd=${2//TARGET/$3}
  bash -c "$cmd" >/dev/null 2>"$work/err"
  local status=$?
  [ $status -le 1 ] || fails "$1 -o $3: exit $status: $(head -c 300 "$work/err")"
}

# A symlink to a regular file: the file is replaced, the link stays, nothing left beside.
for entry in "${tools[@]}"; do
  name=${entry%%|*} cmd=${entry#*|}
  dir="$work/link-$name"
  mkdir -p "$dir/real" && echo old >"$dir/real/file" && ln -s real/file "$dir/link"
  # vetsign appends to a signature file: give it one signed with another key.
  if [ "$name" = vetsign ]; then
    rm "$dir/real/file" && vetsign sign -q -k "$work/k2.key" -o "$dir/real/file" "$work/a.jsonl"
  fi
  cp "$dir/real/file" "$work/before"
  run "$name" "$cmd" "$dir/link"
  [ -L "$dir/link" ] || fails "$name: the symlink was replaced by a file"
  [ -s "$dir/real/file" ] && ! cmp -s "$work/before" "$dir/real/file" ||
    fails "$name: the file the symlink names was not written"
  [ "$(ls -A "$dir")" = "$(printf 'link\nreal')" ] || fails "$name: left beside the link: $(ls -A "$dir")"
  [ "$(ls -A "$dir/real")" = file ] || fails "$name: left beside the file: $(ls -A "$dir/real")"
done

# A FIFO read by another process: it stays a FIFO and the reader gets the whole output.
fifo_failed=0
for entry in "${tools[@]}"; do
  name=${entry%%|*} cmd=${entry#*|}
  fifo="$work/fifo-$name"
  mkfifo "$fifo"
  timeout 20 cat "$fifo" >"$work/got-$name" &
  reader=$!
  # A writer that renamed over the FIFO would leave the reader waiting: open it ourselves
  # after the run so that it always ends.
  timeout 20 bash -c "${cmd//TARGET/$fifo}" >/dev/null 2>"$work/err"
  status=$?
  [ -p "$fifo" ] || { fails "$name: the FIFO was replaced by a file"; fifo_failed=1; }
  # A tool that never opened the FIFO leaves its reader waiting: end it.
  if [ -p "$fifo" ] && kill -0 $reader 2>/dev/null; then timeout 2 bash -c ": >'$fifo'"; fi
  wait $reader
  [ $status -le 1 ] || { fails "$name -o FIFO: exit $status: $(head -c 300 "$work/err")"; fifo_failed=1; }
  [ -s "$work/got-$name" ] || { fails "$name: the FIFO's reader got nothing"; fifo_failed=1; }
  rm -f "$fifo"
done
# What went down the FIFO is what a file gets (the workbook: a zip).
head -c 2 "$work/got-vetreport-xlsx" | grep -q PK || fails "vetreport --format xlsx: no zip down the FIFO"
grep -q '"name"' "$work/got-vetimport" || fails "vetimport: no records down the FIFO"

# /dev/null, only when every tool wrote the FIFO in place (else it would rename over it too).
if [ $fifo_failed -eq 0 ]; then
  for entry in "${tools[@]}"; do
    name=${entry%%|*} cmd=${entry#*|}
    run "$name" "$cmd" /dev/null
    devnull_ok "$name -o /dev/null"
  done
  ls /dev/null.tmp.* >/dev/null 2>&1 && fails "a temporary was left in /dev: $(ls /dev/null.tmp.*)"
else
  echo "skipped -o /dev/null: a tool does not write a FIFO in place"
fi

[ $fail -eq 0 ] && echo "output targets ok"
exit $fail

#!/usr/bin/env bash
# The newcomer's first hour: every ```sh block under "## Workflows" in README.md, run verbatim
# in a scratch copy of the repository after the main job (scripts/demo). A block passes when
# every command in it exits 0 or 1 (1 = findings, which the samples have on purpose).
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:?usage: readme.sh BIN_DIR}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-readme.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/build"
cp -r "$src/samples" "$src/scripts" "$src/schemas" "$work/"
ln -s "$bin" "$work/build/bin"
cd "$work"
export VETKIT_SCHEMA_DIR="$work/schemas"
scripts/demo >demo.log 2>&1 || { echo "FAIL: scripts/demo"; tail -20 demo.log; exit 1; }
blocks=$(awk '/^## Workflows/{on=1; next} /^## /{on=0} on' "$src/README.md" |
         awk '/^```sh/{inb=1; n++; next} /^```/{inb=0; next} inb{print n "\t" $0}')
fail=0 count=0
while IFS=$'\t' read -r n line; do
  [ -n "$line" ] || continue
  count=$((count + 1))
  rc=0
  bash -o pipefail -c "$line" >"out.$count" 2>&1 || rc=$?
  if [ $rc -gt 1 ]; then
    echo "FAIL (exit $rc): $line"
    tail -5 "out.$count"
    fail=1
  fi
done <<<"$blocks"
echo "ran $count README commands"
exit $fail

#!/usr/bin/env bash
# Every option a tool accepts (as its --help lists it) appears in its man page, and every tool
# answers --help and --version with exit 0. Run with the directory of the built tools.
set -uo pipefail
bin=${1:?usage: man-options.sh BIN_DIR}
man=$(cd "$(dirname "$0")/../man" && pwd)
fail=0 tools=0
for tool in "$bin"/vet*; do
  name=$(basename "$tool")
  [ "$name" = vetgen ] && continue  # test-data generator, not a user tool
  tools=$((tools + 1))
  help=$("$tool" --help 2>&1) || { echo "FAIL: $name --help exits non-zero"; fail=1; continue; }
  "$tool" --version >/dev/null 2>&1 || { echo "FAIL: $name --version exits non-zero"; fail=1; }
  page="$man/$name.1"
  if [ ! -f "$page" ]; then
    echo "FAIL: $name has no man page ($page)"
    fail=1
    continue
  fi
  # Long options as --help prints them; man pages write them as \-\-name.
  for opt in $(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
    [ "$opt" = --help ] && continue
    escaped=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
    if ! grep -q -- "$escaped" "$page" && ! grep -qF -- "$opt" "$page"; then
      echo "FAIL: $name: option $opt is not in $page"
      fail=1
    fi
  done
done
echo "checked $tools tools"
exit $fail

#!/usr/bin/env bash
# The progress line of a long run: drawn on standard error when it is a terminal (faked with
# script(1) from util-linux), and never otherwise — not into a file, not with -q, not while
# reading a pipe whose writer may draw its own. Run with the directory of the built tools.
set -uo pipefail
bin=$(cd "${1:?usage: progress.sh BIN_DIR}" && pwd) || exit 2
command -v script >/dev/null || { echo "SKIP: script(1) from util-linux is not installed"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-progress.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8
cd "$work" || exit 2
fail=0
check() {  # check DESCRIPTION COMMAND...: fails with the description when COMMAND fails
  local what=$1
  shift
  if ! "$@"; then
    echo "FAIL: $what"
    fail=1
  fi
}

# Long enough to be drawn (after half a second) on a fast machine: about a second's import.
rows=600000
"$bin/vetgen" --rows $rows --format csv -o big.csv || exit 2
summary="vetimport: big.csv: 1 sheet(s), $rows record(s)"

# On a terminal: the line is redrawn in place (\r ... erase to end of line) with rows, rows per
# second and the percentage of bytes read, then cleared before the summary.
script -qfec "$bin/vetimport --lang en big.csv >/dev/null" /dev/null >tty.out </dev/null
check "no progress line on a terminal" grep -qaE $'\rvetimport: big\\.csv  [0-9,]+ rows  [0-9,]+ rows/s  [0-9]{1,3}%\e\\[K' tty.out
check "the progress line is not cleared before the summary" grep -qaF $'\e[K'"$summary" tty.out

# In Chinese, by --lang.
script -qfec "$bin/vetimport big.csv >/dev/null" /dev/null >tty-zh.out </dev/null
check "no progress line in Chinese" grep -qaE $'\rvetimport: big\\.csv  [0-9,]+ 行  [0-9,]+ 行/秒  [0-9]{1,3}%' tty-zh.out

# Standard error into a file: only the summary.
"$bin/vetimport" --lang en big.csv >/dev/null 2>file.err
check "stderr to a file holds more than the summary: $(head -c 200 file.err | od -c | head -3)" \
  test "$(cat file.err)" = "$summary"

# -q on a terminal: nothing at all.
script -qfec "$bin/vetimport -q --lang en big.csv >/dev/null" /dev/null >quiet.out </dev/null
check "-q still draws on a terminal: $(head -c 200 quiet.out | od -c | head -3)" \
  test "$(tr -d '\r\n' <quiet.out)" = ""

# Reading a pipe: its writer may be another tool drawing on the same terminal, so no line.
script -qfec "cat big.csv | $bin/vetimport --lang en >/dev/null" /dev/null >pipe.out </dev/null
check "a line drawn while reading a pipe" bash -c '! grep -qa "rows/s" pipe.out'
check "the summary of reading a pipe is missing" grep -qaF "vetimport: -: 1 sheet(s)" pipe.out

[ $fail -eq 0 ] && echo "progress ok"
exit $fail

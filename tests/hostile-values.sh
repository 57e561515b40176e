#!/usr/bin/env bash
# The same hostile cell values through every CSV writer and every text path:
#   - no CSV field vetimport, vetmerge, vetreport or vetdiff writes (nor the send-back index)
#     starts with = + - @, tab or CR (or their full-width forms) unless it is a plain number:
#     a spreadsheet program opening the file shows such a value, never runs it;
#   - no raw control character (ESC, BEL, C1, bidi) reaches a terminal or text output from a
#     cell or a header cell: vetimport's unknown-column warning, vetvalidate's messages,
#     vetdiff's and vetreport's text; each is shown escaped (\x1b, \u202e).
# Usage: hostile-values.sh BIN_DIR FIXTURES_DIR
set -uo pipefail
bin=$(cd "${1:?usage: hostile-values.sh BIN_DIR FIXTURES_DIR}" && pwd) || exit 2
fixtures=$(cd "${2:?usage: hostile-values.sh BIN_DIR FIXTURES_DIR}" && pwd) || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-values.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8 PATH="$bin:$PATH"
cd "$work" || exit 2
fail=0
fails() { echo "FAIL: $*"; fail=1; }

# The sample sheet with hostile names, units and appeals, and a header cell holding escapes.
iconv -f GB18030 -t UTF-8 "$fixtures/csv/samples-娄星区.csv" >clean.csv || exit 2
python3 - <<'PY' || exit 2
import csv
rows = list(csv.reader(open("clean.csv", encoding="utf-8")))
head = rows[0]
hostile = ["=cmd|' /C calc'!A0", "@SUM(1)", "+1+cmd", "-2+3", "\t=1+1", "\r=1+1",
           "＝1+1", "=HYPERLINK(\"http://x\",\"y\")", "\x1b[31mred\x1b[0m", "\x1b]0;owned\x07",
           "\x1b[2J", "abc\u202efed", "\u009b2J"]
name, unit = head.index("姓名"), head.index("采集单位")
appeal = head.index("主要诉求") if "主要诉求" in head else None
head.append("备注\x1b[31m")
for i, row in enumerate(rows[1:]):
    v = hostile[i % len(hostile)]
    row[name] = v
    row[unit] = v
    if appeal is not None:
        row[appeal] = v
    row.append(v)
csv.writer(open("hostile.csv", "w", encoding="utf-8", newline="")).writerows(rows)
PY
today=(--today 2026-11-29)
vetimport -q clean.csv >clean.jsonl 2>/dev/null
vetimport --lang en -o hostile.jsonl hostile.csv 2>import.err

# CSV outputs: every field checked by the rule a spreadsheet program applies.
vetimport -q --format csv -o import.csv hostile.csv 2>/dev/null
vetmerge -q --format csv -o merge.csv hostile.jsonl 2>/dev/null
vetreport -q "${today[@]}" --format csv -o report.csv hostile.jsonl 2>/dev/null
vetdiff -q --no-mask --format csv -o diff.csv clean.jsonl hostile.jsonl 2>/dev/null
vetreport -q "${today[@]}" --split-by unit --outdir sendback hostile.jsonl >/dev/null 2>&1
for f in import.csv merge.csv report.csv diff.csv sendback/index.csv; do
  [ -s "$f" ] || { fails "$f was not written"; continue; }
  python3 - "$f" <<'PY' || fails "$f holds a value a spreadsheet would run"
import csv, re, sys
number = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
bad = 0
for row in csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")):
    for v in row:
        # A sign alone ("-": no value) has nothing to run.
        if v and (v[0] in "=+-@\t\r＝＋－＠") and not number.match(v) and v not in ("-", "+"):
            print(f"  {sys.argv[1]}: {v!r}")
            bad += 1
sys.exit(1 if bad else 0)
PY
done
grep -qF "'=cmd|' /C calc'!A0" import.csv || fails "import.csv: the formula is not shown as text"

# Text outputs: no raw control character, and the escapes shown.
vetvalidate --lang en "${today[@]}" hostile.jsonl >validate.out 2>&1
vetdiff --no-mask --color never clean.jsonl hostile.jsonl >diff.out 2>&1
vetreport "${today[@]}" hostile.jsonl >report.out 2>&1
vetmerge -q -o /dev/null hostile.jsonl hostile.jsonl 2>merge.err
for f in import.err validate.out diff.out report.out merge.err; do
  if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]\|\xe2\x80[\xae\xab-\xad]' "$f"; then
    fails "$f holds a raw control character: $(LC_ALL=C grep -a $'[\x01-\x08\x0b-\x1f\x7f]' "$f" | head -2 | cat -v)"
  fi
done
grep -qF 'unknown-column' import.err || fails "vetimport: no unknown-column warning"
grep -qF '备注\x1b[31m' import.err || fails "vetimport: the header's ESC is not shown as \\x1b: $(grep unknown import.err | cat -v)"
grep -qF '\x1b[31mred' diff.out || fails "vetdiff: the value's ESC is not shown as \\x1b"
grep -qF '\u202e' diff.out || fails "vetdiff: the bidi override is not shown as \\u202e"

[ $fail -eq 0 ] && echo "hostile values ok"
exit $fail

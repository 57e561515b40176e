#!/usr/bin/env bash
# Inputs built to make a reader hold gigabytes (generated here, not committed) end with one
# clear message, exit 2 and no output file, within 256 MiB of memory and 5 s of CPU each:
#   - a workbook of 20 million nested elements (the depth bound of both XML paths);
#   - shared strings that inflate to 180 MiB at an unsuspicious ratio (the shared-string cap);
#   - a 16 MB CSV line of 8 million cells (the bound on cells per row).
# Usage: hostile-memory.sh BIN_DIR. The memory and time checks need GNU time (/usr/bin/time).
set -uo pipefail
bin=$(cd "${1:?usage: hostile-memory.sh BIN_DIR}" && pwd) || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8
cd "$work" || exit 2
fail=0
fails() { echo "FAIL: $*"; fail=1; }

python3 - <<'PY' || { echo "could not generate the inputs"; exit 2; }
import zipfile
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
parts = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>',
    "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0"?><workbook {NS} xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
}
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>公民身份号码</t></is></c></row>'
def sheet(rows):
    return f'<?xml version="1.0"?><worksheet {NS}><sheetData>{rows}</sheetData></worksheet>'
def workbook(path, sheet1, write_sst):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            write_sst(f)
        z.writestr("xl/worksheets/sheet1.xml", sheet1)
def small_sst(f):
    f.write(f'<?xml version="1.0"?><sst {NS}><si><t>x</t></si></sst>'.encode())
# 20 million nested elements in a row: 60 MB inflated, under the zip-bomb floor.
workbook("nested.xlsx", sheet(HEADER + '<row r="2">' + "<a>" * 20_000_000), small_sst)
# 180 MiB of distinct shared strings: a ratio of real text, so only the cap stops it.
def big_sst(f):
    f.write(f'<?xml version="1.0"?><sst {NS}>'.encode())
    chunk = []
    for i in range(2_500_000):
        chunk.append("<si><t>" + f"{(i * 2654435761 % 4294967296):08x}" * 8 + "</t></si>")
        if len(chunk) == 100_000:
            f.write("".join(chunk).encode())
            chunk = []
    f.write(("".join(chunk) + "</sst>").encode())
workbook("shared-strings.xlsx", sheet(HEADER), big_sst)
# A sheet of 4 MiB of empty rows: refused with --max-inflated 1M, read without it.
workbook("rows.xlsx", sheet(HEADER + "<row/>" * ((4 << 20) // 6)), small_sst)
# One CSV line of 8 million cells (16 MB), under the 16 MiB line limit.
with open("wide.csv", "w") as f:
    f.write("姓名,公民身份号码\n" + "a," * 8_000_000 + "a\n")
PY

limit_kb=$((256 * 1024))
have_time=0
/usr/bin/time -f %M true >/dev/null 2>&1 && have_time=1
[ $have_time -eq 1 ] || echo "note: no GNU time at /usr/bin/time: peak memory and time not checked"
# Under AddressSanitizer every allocation carries shadow memory and a quarantine, and every
# access is checked: the budgets below measure the sanitizer, not the reader. The build says so
# (tests/CMakeLists.txt); the messages, exit codes and outputs are still checked.
if [ -n "${VETKIT_SANITIZED:-}" ] && [ $have_time -eq 1 ]; then
  echo "note: sanitized build: peak memory and time not checked"
  have_time=0
fi

check() {  # check FILE MESSAGE TOOL [ARGS]: exit 2, one MESSAGE, no records written, bounded
  local file=$1 want=$2 tool=$3
  shift 3
  rm -f out usage
  # vetimport's -o gets records (none may be left); vetvalidate's output is the diagnostics.
  local args=("$@" --lang en -o out "$file")
  if [ $have_time -eq 1 ]; then
    /usr/bin/time -o usage -f '%M %U %S %e' "$bin/$tool" "${args[@]}" >err 2>&1
  else
    "$bin/$tool" "${args[@]}" >err 2>&1
  fi
  local status=$?
  [ "$tool" = vetvalidate ] && cat out >>err 2>/dev/null && rm -f out
  [ $status -eq 2 ] || fails "$tool $file: exit $status, not 2"
  grep -qF "$want" err || fails "$tool $file: no '$want' in: $(head -c 400 err)"
  [ "$(grep -c "$want" err)" -eq 1 ] || fails "$tool $file: not one message: $(head -c 400 err)"
  [ ! -e out ] || fails "$tool $file: left an output file"
  ls out.tmp.* >/dev/null 2>&1 && fails "$tool $file: left a temporary"
  if [ $have_time -eq 1 ]; then
    # CPU time (user + system), not wall time: the test suite runs in parallel on shared cores.
    read -r kb user sys wall < <(tail -n 1 usage)
    secs=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    echo "$tool $file: peak $((kb / 1024)) MiB, $secs s of CPU ($wall s wall)"
    [ "$kb" -le $limit_kb ] || fails "$tool $file: peak $kb KiB, over 256 MiB"
    awk -v s="$secs" 'BEGIN { exit !(s <= 5) }' || fails "$tool $file: $secs s of CPU, over 5 s"
  fi
}

for tool in vetimport vetvalidate; do
  check nested.xlsx "nested more than 256 deep" $tool
  check shared-strings.xlsx "more than 128 MiB of text" $tool
  check wide.csv "cells past column XFD" $tool
  check rows.xlsx "inflates past 1 MiB" $tool --max-inflated 1M
done
"$bin/vetimport" -q -o out rows.xlsx 2>err
grep -q "inflates past" err && fails "vetimport rows.xlsx: refused without --max-inflated"
rm -f out

[ $fail -eq 0 ] && echo "hostile memory ok"
exit $fail

#!/usr/bin/env bash
# Every tool answers --help and --version with exit 0, and its generated man page (built from
# man/NAME.1.scd into MAN_DIR) lists every option its --help lists and has the sections every
# page needs. Run with the directory of the built tools and the directory of the built pages.
set -uo pipefail
# Option names are read from the English --help (the Chinese one has the same names).
export LANG=en_US.UTF-8 LC_ALL=C.UTF-8
bin=${1:?usage: man-options.sh BIN_DIR MAN_DIR}
man=${2:?usage: man-options.sh BIN_DIR MAN_DIR}
fail=0 tools=0 pages=0

# The version is defined once (CMakeLists.txt): every tool and every page's header name it.
version=$("$bin/vetimport" --version 2>&1 | awk '{print $NF}')
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "FAIL: vetimport --version: '$version'"; fail=1; }
same_version() {  # PAGE
  grep -q "^\.TH .*\"vetkit $version\"" "$1" ||
    { echo "FAIL: $(basename "$1") does not name version $version: $(grep '^\.TH' "$1")"; fail=1; }
}

# The sections of a page, as the roff has them (.SH NAME, .SH "EXIT STATUS", ...).
sections_of() { sed -n 's/^\.SH  *//p' "$1" | tr -d '"'; }
has_sections() {  # PAGE SECTION...
  local page=$1 s
  shift
  for s in "$@"; do
    if ! sections_of "$page" | grep -qxF -- "$s"; then
      echo "FAIL: $(basename "$page") has no $s section"
      fail=1
    fi
  done
}

for tool in "$bin"/vet*; do
  name=$(basename "$tool")
  [ "$name" = vetgen ] && continue  # test-data generator, not a user tool
  tools=$((tools + 1))
  help=$("$tool" --help 2>&1) || { echo "FAIL: $name --help exits non-zero"; fail=1; continue; }
  v=$("$tool" --version 2>&1) || { echo "FAIL: $name --version exits non-zero"; fail=1; }
  [ "$v" = "$name (vetkit) $version" ] || { echo "FAIL: $name --version: '$v'"; fail=1; }
  # A tool with subcommands (vetsign) lists their options in each subcommand's --help.
  for sub in $(printf '%s\n' "$help" | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'); do
    help+=$'\n'$("$tool" "$sub" --help 2>&1) || { echo "FAIL: $name $sub --help exits non-zero"; fail=1; }
  done
  page="$man/$name.1"
  if [ ! -f "$page" ]; then
    echo "FAIL: $name has no man page ($page)"
    fail=1
    continue
  fi
  # Long options as --help lists them (the option lines, "  -o,--output FILE", not the prose
  # or examples around them); scdoc writes them as they are (\fB--name\fR), and a whole
  # option must be there: --key is not found inside --key-id.
  for opt in $(printf '%s\n' "$help" | grep -E '^ +-' | grep -oE -- '--[a-z][a-z0-9-]*' |
               sort -u); do
    [ "$opt" = --help ] && continue
    if ! grep -qE -- "(^|[^a-z0-9-])$opt([^a-z0-9-]|\$)" "$page"; then
      echo "FAIL: $name: option $opt is not in $page"
      fail=1
    fi
  done
done

# Every command's page (the pipelines in scripts/ too) has the sections of a command's page;
# the overview in section 7 has no synopsis, options or examples of its own.
for page in "$man"/*.1; do
  [ -f "$page" ] || continue
  pages=$((pages + 1))
  has_sections "$page" NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"
  same_version "$page"
done
for page in "$man"/*.7; do
  [ -f "$page" ] || continue
  pages=$((pages + 1))
  has_sections "$page" NAME DESCRIPTION "EXIT STATUS" "SEE ALSO"
  same_version "$page"
done
[ "$pages" -gt 0 ] || { echo "FAIL: no man pages in $man"; fail=1; }
echo "checked $tools tools, $pages pages"
exit $fail

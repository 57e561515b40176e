#!/usr/bin/env bash
# Every tool (and each vetsign subcommand) has the common options with the same meaning: its
# --help lists each of them with the very same help text, --version gives one version, an
# unknown option is one `TOOL: error: ...` line and exit 2, and --help exits 0 ending with the
# shared exit-status footer. Run with the directory of the built tools.
set -uo pipefail
# Help texts are compared in English (the Chinese ones come from messages.yaml).
export LANG=en_US.UTF-8 LC_ALL=C.UTF-8
bin=$(cd "${1:?usage: common-options.sh BIN_DIR}" && pwd) || exit 2

# The common options and the help text each has everywhere (--format: the part before the
# tool's own list of formats).
declare -A text=(
  [-o]="Write to FILE (atomically: whole or not at all); - is stdout"
  [--schema]="Schema YAML (default: the installed veteran.yaml)"
  [--format]="Output format:"
  [--lang]="Language of messages: zh or en"
  [-q]="Print no summary or progress"
  [--no-mask]="Print identity and phone numbers in full"
  [--version]="Display program version information and exit"
)
common=(-o --schema --format --lang -q --no-mask --version)

# The exceptions, on purpose (vetkit(7) and each man page say the same):
#   TOOL[:SUBCOMMAND] OPTION  absent|own  reason
# `absent`: the tool does not accept it; `own`: it accepts it with a meaning of its own.
exceptions='
vetimport          --no-mask  absent  prints no values of records, only files, cells and headers: nothing to mask
vetsign            -o         absent  the subcommands carry the options
vetsign            --schema   absent  the subcommands carry the options
vetsign            --format   absent  the subcommands carry the options
vetsign            --lang     absent  the subcommands carry the options
vetsign            -q         absent  the subcommands carry the options
vetsign            --no-mask  absent  the subcommands carry the options
vetsign:keygen     -o         own     the base NAME of the key pair written, not a stream
vetsign:sign       -o         own     the signature file (default FILE.vsig), not a stream
vetsign:countersign -o        own     the signature file (default FILE.vsig), not a stream
vetsign:verify     -o         absent  verify writes no file: it reports on standard output
vetsign:encrypt    -o         own     the encrypted file (default FILE.enc, never replaced)
vetsign:decrypt    -o         own     the decrypted file (default FILE.enc without .enc, never replaced)
vetsign:*          --schema   absent  signatures cover bytes, whatever records they hold
vetsign:*          --format   absent  signature and key files have one format each
vetsign:*          --no-mask  absent  prints no values of records
'
exception() {  # exception TOOL OPTION: prints absent|own, or nothing
  printf '%s\n' "$exceptions" | awk -v t="$1" -v o="$2" '
    NF >= 3 { split($1, p, ":"); split(t, q, ":")
              if ($2 == o && ($1 == t || (p[2] == "*" && p[1] == q[1] && q[2] != ""))) { print $3; exit } }'
}

# The description --help gives OPTION: after the names (and type) and two or more blanks, or
# on the next line when the names fill their column.
describe() {  # describe HELP OPTION
  printf '%s\n' "$1" | awk -v o="$2" '
    want { sub(/^ +/, ""); print; exit }
    /^  -/ {
      n = split($1, names, ","); hit = 0
      for (i = 1; i <= n; i++) if (names[i] == o) hit = 1
      if (!hit) next
      rest = substr($0, 3)
      if (match(rest, /   */)) { print substr(rest, RSTART + RLENGTH); exit }
      want = 1
    }'
}

footer="Exit status: 0 ok, 1 findings (problems in the data), 2 trouble (usage, I/O, unreadable input)."
fail=0 checked=0 version=""
fails() { echo "FAIL: $*"; fail=1; }

for target in vetimport vetvalidate vetmerge vetdiff vetreport vetsign \
              vetsign:keygen vetsign:sign vetsign:countersign vetsign:verify \
              vetsign:encrypt vetsign:decrypt; do
  tool=${target%%:*}
  sub=""
  [ "$target" != "$tool" ] && sub=${target#*:}
  cmd=("$bin/$tool" $sub)
  checked=$((checked + 1))

  help=$("${cmd[@]}" --help 2>&1)
  status=$?
  [ $status -eq 0 ] || fails "$target --help exits $status"
  [ "$(printf '%s\n' "$help" | tail -n 1)" = "$footer" ] ||
    fails "$target --help does not end with the shared exit-status footer"

  for opt in "${common[@]}"; do
    kind=$(exception "$target" "$opt")
    listed=$(printf '%s\n' "$help" | grep -cE -- "^  ([^ ]*,)?$opt[ ,=]|^  ([^ ]*,)?$opt\$")
    case "$kind" in
      absent)
        [ "$listed" -eq 0 ] || fails "$target lists $opt, which the exceptions say it has not" ;;
      own)
        [ "$listed" -gt 0 ] || fails "$target does not list $opt (an exception with its own meaning)" ;;
      *)
        if [ "$listed" -eq 0 ]; then
          fails "$target has no $opt"
          continue
        fi
        got=$(describe "$help" "$opt")
        want=${text[$opt]}
        if [ "$opt" = --format ]; then got=${got%%:*}:; fi
        [ "$got" = "$want" ] || fails "$target $opt: help text '$got', everywhere else '$want'" ;;
    esac
  done

  # One version for all, named after the tool (a subcommand answers for its tool).
  out=$("${cmd[@]}" --version 2>&1)
  status=$?
  [ $status -eq 0 ] || fails "$target --version exits $status"
  if [[ $out =~ ^$tool\ \(vetkit\)\ ([0-9][^ ]*)$ ]]; then
    [ -z "$version" ] && version=${BASH_REMATCH[1]}
    [ "${BASH_REMATCH[1]}" = "$version" ] || fails "$target --version: $out, others $version"
  else
    fails "$target --version prints '$out', not '$tool (vetkit) VERSION'"
  fi

  # An unknown option: exit 2, one line in the diagnostic style, nothing on standard output.
  "${cmd[@]}" --no-such-option >"${TMPDIR:-/tmp}/common-options.$$.out" 2>"${TMPDIR:-/tmp}/common-options.$$.err" </dev/null
  status=$?
  err=$(cat "${TMPDIR:-/tmp}/common-options.$$.err")
  out=$(cat "${TMPDIR:-/tmp}/common-options.$$.out")
  rm -f "${TMPDIR:-/tmp}/common-options.$$.out" "${TMPDIR:-/tmp}/common-options.$$.err"
  [ $status -eq 2 ] || fails "$target --no-such-option exits $status, not 2"
  [ -z "$out" ] || fails "$target --no-such-option writes to standard output"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == "$tool: error: "* ]] ||
    fails "$target --no-such-option: stderr is not one '$tool: error: ...' line: $err"
done

echo "checked $checked tools and subcommands"
exit $fail

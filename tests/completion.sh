#!/usr/bin/env bash
# bash completion offers the tools' options, vetsign's subcommands and schema field ids.
set -uo pipefail
bin=${1:?usage: completion.sh BIN_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$bin:$PATH" VETKIT_SCHEMA_DIR="$src/schemas"
source "$src/scripts/completion/vetkit.bash"
fail=0
expect() {  # expect "WORDS..." WANTED
  local want=$2
  read -ra COMP_WORDS <<<"$1"
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _vetkit
  if [[ " ${COMPREPLY[*]} " != *" $want "* ]]; then
    echo "FAIL: '$1' offers '${COMPREPLY[*]}', not '$want'"
    fail=1
  fi
}
refuse() {  # refuse "WORDS..." UNWANTED
  read -ra COMP_WORDS <<<"$1"
  COMP_CWORD=${#COMP_WORDS[@]}
  [[ $1 == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _vetkit
  if [[ " ${COMPREPLY[*]} " == *" $2 "* ]]; then
    echo "FAIL: '$1' offers '$2'"
    fail=1
  fi
}
expect "vetvalidate --ann" --annotate
expect "vetimport --prof" --profile
expect "vetsign cou" countersign
expect "vetsign enc" encrypt
expect "vetsign decrypt --passph" --passphrase-file
expect "vetsign verify --tru" --trusted
expect "vetsign verify --la" --lang
expect "vetsign decrypt --lang e" en
expect "vetdiff --only birth" birth_date
expect "vetdiff --only name,id_" name,id_number
expect "vetvalidate --lang e" en
expect "vetimport --format j" jsonl
refuse "vetimport --format " html  # not one of vetimport's formats
expect "vetreport --format x" xlsx
expect "vetdiff --format h" html
[ $fail -eq 0 ] && echo "completion ok"
exit $fail

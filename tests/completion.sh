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
expect "vetvalidate --ann" --annotate
expect "vetimport --prof" --profile
expect "vetsign cou" countersign
expect "vetsign verify --tru" --trusted
expect "vetdiff --only birth" birth_date
expect "vetdiff --only name,id_" name,id_number
expect "vetvalidate --lang e" en
[ $fail -eq 0 ] && echo "completion ok"
exit $fail

# bash completion for the vetkit tools: options (read from each tool's --help), subcommands,
# the files each tool reads, and schema field ids after --only, --ignore and --key.
# Install: source this file, or copy it to /usr/share/bash-completion/completions/ under
# each tool's name (cmake --install does).

_vetkit_fields() {
  local schema dir
  for dir in "${VETKIT_SCHEMA_DIR:-}" /usr/share/vetkit/schemas /usr/local/share/vetkit/schemas; do
    [ -n "$dir" ] && [ -f "$dir/veteran.yaml" ] && { schema="$dir/veteran.yaml"; break; }
  done
  [ -n "${schema:-}" ] && sed -n 's/^  - id: *\([a-z_]*\).*/\1/p' "$schema"
}

_vetkit() {
  local cur prev tool words
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  tool=${COMP_WORDS[0]##*/}

  case "$prev" in
    --only|--ignore|--key)
      # A comma-separated list: complete the part after the last comma.
      local head=${cur%,*} last=${cur##*,}
      [ "$head" = "$cur" ] && head="" || head="$head,"
      COMPREPLY=($(compgen -P "$head" -W "$(_vetkit_fields)" -- "$last"))
      return ;;
    --lang) COMPREPLY=($(compgen -W "zh en" -- "$cur")); return ;;
    --format)
      # Each tool has its own formats: the ones its --help lists as FORMAT:{a,b,...}.
      local formats
      formats=$("$tool" --help 2>/dev/null | sed -n 's/.*--format FORMAT:{\([a-z,]*\)}.*/\1/p')
      COMPREPLY=($(compgen -W "${formats//,/ }" -- "$cur"))
      return ;;
    --pass) COMPREPLY=($(compgen -W "all valid invalid" -- "$cur")); return ;;
    --encoding) COMPREPLY=($(compgen -W "auto utf-8 gbk" -- "$cur")); return ;;
    --split-by) COMPREPLY=($(compgen -W "hukou unit" -- "$cur")); return ;;
    --algorithm) COMPREPLY=($(compgen -W "sm2 ed25519" -- "$cur")); return ;;
    --role|--require) COMPREPLY=($(compgen -W "county city province" -- "$cur")); return ;;
    --photos|--outdir|--trusted|--inputs) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    -o|--output|--report|--annotate|--schema|--config|--profile|--db|--conflicts|--candidates|\
    --decisions|--policy|-k|--key-file|--passphrase-file|--to)
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac

  if [ "$tool" = vetsign ] && [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "keygen sign countersign verify encrypt decrypt" -- "$cur"))
    return
  fi
  if [[ $cur == -* ]]; then
    local help
    if [ "$tool" = vetsign ] && [ "$COMP_CWORD" -gt 1 ]; then
      help=$("$tool" "${COMP_WORDS[1]}" --help 2>/dev/null)
    else
      help=$("$tool" --help 2>/dev/null)
    fi
    COMPREPLY=($(compgen -W "$(printf '%s\n' "$help" | grep -oE -- '--?[a-zA-Z][a-zA-Z0-9-]*' | sort -u)" -- "$cur"))
    return
  fi
  # The inputs each tool reads: spreadsheets, CSV and record streams (and signed batches).
  COMPREPLY=($(compgen -f -X '!*.@(xlsx|xlsm|csv|tsv|jsonl|ndjson|json|XLSX|CSV)' -- "$cur")
             $(compgen -d -- "$cur"))
}

shopt -s extglob
complete -o filenames -F _vetkit vetimport vetvalidate vetmerge vetdiff vetsign vetreport \
  vet-precheck vet-county-merge vet-audit

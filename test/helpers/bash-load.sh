# Sourced-state dumper for tests (see bash-load.ts): `source "$1"`, then for every name in
# "$@" print kind\0name\0value\0 (S scalar, U unset) or A\0name\0count\0v1\0v2\0... (array).
source "$1"
__cmdc_status=$?
shift
for __cmdc_k in "$@"; do
  declare -n __cmdc_r="$__cmdc_k"
  if [[ ${__cmdc_r@a} == *a* ]]; then
    printf 'A\0%s\0%s\0' "$__cmdc_k" "${#__cmdc_r[@]}"
    for __cmdc_v in "${__cmdc_r[@]}"; do printf '%s\0' "$__cmdc_v"; done
  elif [[ -v __cmdc_r ]]; then
    printf 'S\0%s\0%s\0' "$__cmdc_k" "$__cmdc_r"
  else
    printf 'U\0%s\0' "$__cmdc_k"
  fi
  unset -n __cmdc_r
done
exit $__cmdc_status

# shellcheck shell=bash
# cmdc error-handling library for bash blocks (bash islands, blocks not yet compiled, and the
# differential tests). Writes EXACTLY the error-log format of runtime/store/error-log.ts:
#   ${CMDC_LOG_DIR:-${CLAUDE_PROJECT_DIR:-$PWD}/.claude/data/logs}/errors.jsonl
#   {"timestamp":…,"command":…,"workflow_id":…,"user_args":…,"error_type":…,"message":…,
#    "source":…,"context":{…}}   one object per line, keys in this order
# with the same lossless rotation (rename the full file to errors.<UTC µs stamp>-<hex>.jsonl,
# never truncate, never delete) and the same CMDC_ERRORS_MAX_BYTES limit (default 10 MiB).
#
# Functions:
#   log_command_error COMMAND WORKFLOW_ID USER_ARGS ERROR_TYPE MESSAGE [SOURCE] [CONTEXT_JSON]
#   setup_bash_error_trap [COMMAND] [WORKFLOW_ID] [USER_ARGS]   (ERR trap -> execution_error)
#   cmdc_json_string VAR VALUE                                 (VAR := JSON string literal)
# Requires bash >= 4.3; uses jq only (if present) to validate CONTEXT_JSON.

if [[ -n "${_CMDC_ERROR_HANDLING_SH:-}" ]]; then return 0 2>/dev/null || exit 0; fi
_CMDC_ERROR_HANDLING_SH=1

readonly CMDC_ERROR_TYPES="state_error validation_error agent_error parse_error file_error timeout_error execution_error"
# Lines up to this many bytes go out with one printf (one write(2) through stdio); longer ones
# through dd, which reads the whole line and writes it with a single write(2).
readonly _CMDC_SMALL_WRITE=1000

# ---------------------------------------------------------------------------------------------
# Safe files (runtime/store/safe-fs.ts): cmdc's files are created 0600 and its directories 0700
# whatever the umask, never written through a symlink, and only used when they belong to the
# caller and nobody else may write them.

# _cmdc_umask_get VAR: VAR := the current umask (from /proc, no fork; else `umask`).
_cmdc_umask_get() {
  local -n _cug_out=$1
  local k v
  _cug_out=""
  if [[ -r "/proc/$BASHPID/status" ]]; then
    while read -r k v; do
      if [[ "$k" == Umask: ]]; then
        _cug_out=$v
        break
      fi
    done <"/proc/$BASHPID/status"
  fi
  [[ -n "$_cug_out" ]] || _cug_out=$(umask)
}

# _cmdc_private_mkdir DIR: mkdir -p, every directory it creates 0700.
_cmdc_private_mkdir() {
  [[ -d "$1" ]] && return 0
  local um rc=0
  _cmdc_umask_get um
  umask 077
  mkdir -p -- "$1" || rc=1
  umask "$um"
  return "$rc"
}

# _cmdc_private_write PATH TEXT: PATH := TEXT, created 0600, never through a symlink (a small
# marker or index entry; not atomic).
_cmdc_private_write() {
  local um rc=0
  if [[ -L "$1" ]]; then
    echo "ERROR: refusing $1: it is a symbolic link (cmdc never follows links for its files)" >&2
    return 1
  fi
  _cmdc_umask_get um
  umask 077
  printf '%s' "$2" >"$1" || rc=1
  umask "$um"
  return "$rc"
}

# _cmdc_safe_file PATH: status 0 when PATH may be used: not a symlink, owned by the caller, not
# writable by group or others; else the reason on stderr (as UnsafeFileError's message) and 1.
_cmdc_safe_file() {
  local st
  if [[ -L "$1" ]]; then
    echo "ERROR: refusing $1: it is a symbolic link (cmdc never follows links for its files)" >&2
    return 1
  fi
  # gone (not created yet, or just rotated away): nothing to check, the open creates it 0600
  st=$(stat -c '%u %a' -- "$1" 2>/dev/null) || return 0
  if [[ "${st% *}" != "$EUID" ]]; then
    echo "ERROR: refusing $1: it is owned by uid ${st% *}, not by you (uid $EUID)" >&2
    return 1
  fi
  if (((8#${st#* } & 8#022) != 0)); then
    printf -v st '%04o' "$((8#${st#* }))"
    echo "ERROR: refusing $1: group or others can write it (mode $st)" >&2
    return 1
  fi
}

# cmdc_json_string VAR VALUE: VAR := VALUE as a JSON string literal, escaped exactly like
# JSON.stringify (\" \\ \b \f \n \r \t, other controls as \u00xx; everything else as is).
cmdc_json_string() {
  local -n _cjs_out=$1
  local s=$2 i hex ch rep
  s=${s//"\\"/"\\\\"}
  s=${s//"\""/"\\\""}
  if [[ $s == *[$'\001'-$'\037']* ]]; then
    s=${s//$'\n'/"\\n"}
    s=${s//$'\r'/"\\r"}
    s=${s//$'\t'/"\\t"}
    s=${s//$'\b'/"\\b"}
    s=${s//$'\f'/"\\f"}
    for ((i = 1; i < 32; i++)); do
      printf -v hex '%02x' "$i"
      printf -v ch "\\x$hex"
      [[ $s == *"$ch"* ]] || continue
      printf -v rep '\\u%04x' "$i"
      s=${s//"$ch"/"$rep"}
    done
  fi
  _cjs_out="\"$s\""
}

# _cmdc_iso_now VAR: current UTC time as 2025-01-31T12:34:56.789Z (like Date#toISOString).
_cmdc_iso_now() {
  local -n _cin_out=$1
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local -x TZ=UTC
    local digits=${EPOCHREALTIME//[!0-9]/} sec frac
    sec=${digits:0:${#digits}-6}
    frac=${digits: -6}
    printf -v _cin_out '%(%Y-%m-%dT%H:%M:%S)T.%sZ' "$sec" "${frac:0:3}"
  else
    _cin_out=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
  fi
}

# _cmdc_rotated_name VAR: errors.<YYYYMMDDTHHMMSS + 6-digit µs>Z-<12 hex>.jsonl
_cmdc_rotated_name() {
  local -n _crn_out=$1
  local -x TZ=UTC
  local digits=${EPOCHREALTIME//[!0-9]/} sec frac stamp
  if [[ -z "$digits" ]]; then digits="$(date +%s)000000"; fi
  sec=${digits:0:${#digits}-6}
  frac=${digits: -6}
  printf -v stamp '%(%Y%m%dT%H%M%S)T' "$sec"
  printf -v _crn_out 'errors.%s%sZ-%04x%04x%04x.jsonl' "$stamp" "$frac" "$RANDOM" "$RANDOM" "$RANDOM"
}

# _cmdc_byte_len VAR STRING: VAR := length of STRING in bytes (not characters).
_cmdc_byte_len() {
  local -n _cbl_out=$1
  local LC_ALL=C
  _cbl_out=${#2}
}

_cmdc_log_dir() {
  local -n _cld_out=$1
  if [[ -n "${CMDC_LOG_DIR:-}" ]]; then
    _cld_out=$CMDC_LOG_DIR
  else
    _cld_out="${CLAUDE_PROJECT_DIR:-$PWD}/.claude/data/logs"
  fi
}

# _cmdc_append_line FILE LINE: append LINE + "\n" to FILE (O_APPEND) with a single write(2);
# then rotate FILE if it reached the size limit and is still the inode written to.
_cmdc_append_line() {
  local file=$1 line=$2 max=${CMDC_ERRORS_MAX_BYTES:-10485760}
  if [[ ! "$max" =~ ^[0-9]+$ ]] || ((max <= 0)); then
    echo "log_command_error: CMDC_ERRORS_MAX_BYTES must be a positive integer, got '$max'" >&2
    return 2
  fi
  local fd len um
  _cmdc_safe_file "$file" || return 1
  _cmdc_umask_get um
  umask 077
  exec {fd}>>"$file" || { umask "$um"; return 1; }
  umask "$um"
  _cmdc_byte_len len "$line"
  len=$((len + 1))
  if ((len <= _CMDC_SMALL_WRITE)); then
    printf '%s\n' "$line" >&"$fd"
  else
    printf '%s\n' "$line" | dd bs="$len" count=1 iflag=fullblock status=none >&"$fd"
  fi
  local rc=$? info
  if ((rc == 0)); then
    # one stat: size and inode of what we wrote to, then size and inode of what the path names now
    # shellcheck disable=SC2207
    info=($(stat -L -c '%s %i' "/dev/fd/$fd" "$file" 2>/dev/null))
    if [[ -n "${info[3]:-}" ]] && ((info[0] >= max)) && [[ "${info[1]}" == "${info[3]}" ]]; then
      local name
      _cmdc_rotated_name name
      mv -f -- "$file" "${file%/*}/$name" 2>/dev/null || true
    fi
  fi
  exec {fd}>&-
  return "$rc"
}

# _cmdc_context_json VAR TEXT: VAR := TEXT if it is a JSON object (compacted onto one line),
# else {"raw": TEXT}; empty TEXT is {}.
_cmdc_context_json() {
  local -n _ccj_out=$1
  local text=$2 compact raw
  if [[ -z "${text//[[:space:]]/}" ]]; then
    _ccj_out='{}'
    return 0
  fi
  # fast path, no jq: a flat object of plain strings, integers, booleans and null
  local -r simple='^\{("[A-Za-z0-9_.-]+":(-?(0|[1-9][0-9]*)|"[^"\\[:cntrl:]]*"|true|false|null)(,"[A-Za-z0-9_.-]+":(-?(0|[1-9][0-9]*)|"[^"\\[:cntrl:]]*"|true|false|null))*)?\}$'
  if [[ "$text" =~ $simple ]]; then
    _ccj_out=$text
    return 0
  fi
  if command -v jq >/dev/null 2>&1; then
    if compact=$(jq -ce 'if type == "object" then . else error("not an object") end' <<<"$text" 2>/dev/null) &&
      [[ "$compact" != *$'\n'* ]]; then
      _ccj_out=$compact
      return 0
    fi
  else
    # Without jq: raw newlines/tabs can only be whitespace in valid JSON, so flatten them.
    compact=${text//[$'\n\r\t']/ }
    if [[ "$compact" =~ ^[[:space:]]*\{.*\}[[:space:]]*$ ]]; then
      _ccj_out=$compact
      return 0
    fi
  fi
  cmdc_json_string raw "$text"
  _ccj_out="{\"raw\":$raw}"
}

# log_command_error COMMAND WORKFLOW_ID USER_ARGS ERROR_TYPE MESSAGE [SOURCE] [CONTEXT_JSON]
# Appends one entry to the error log. An ERROR_TYPE outside the union is rejected (status 2,
# nothing written). CONTEXT_JSON that is not a JSON object is kept as {"raw": CONTEXT_JSON}.
log_command_error() {
  local ctx
  _cmdc_context_json ctx "${7:-}"
  _cmdc_log_error_json "${1-}" "${2-}" "${3-}" "${4-}" "${5-}" "${6-}" "$ctx"
}

# _cmdc_log_error_json ... CONTEXT: as log_command_error, with CONTEXT already a one-line JSON
# object (built by this library, so not validated again).
_cmdc_log_error_json() {
  local command=${1:-} workflow_id=${2:-} user_args=${3:-} error_type=${4:-} message=${5:-}
  local source=${6:-} ctx=${7:-"{}"}
  if [[ " $CMDC_ERROR_TYPES " != *" $error_type "* || -z "$error_type" ]]; then
    echo "log_command_error: invalid error_type '$error_type'; expected one of: ${CMDC_ERROR_TYPES// /, }" >&2
    return 2
  fi
  local dir ts j_cmd j_wid j_args j_msg j_src line
  _cmdc_log_dir dir
  _cmdc_private_mkdir "$dir" || return 1
  _cmdc_iso_now ts
  cmdc_json_string j_cmd "$command"
  cmdc_json_string j_wid "$workflow_id"
  cmdc_json_string j_args "$user_args"
  cmdc_json_string j_msg "$message"
  cmdc_json_string j_src "$source"
  line="{\"timestamp\":\"$ts\",\"command\":$j_cmd,\"workflow_id\":$j_wid,\"user_args\":$j_args,\"error_type\":\"$error_type\",\"message\":$j_msg,\"source\":$j_src,\"context\":$ctx}"
  _cmdc_append_line "$dir/errors.jsonl" "$line"
}

# Called by the ERR trap that setup_bash_error_trap installs.
_cmdc_bash_error_trap() {
  local status=$1 lineno=$2 failed=$3 command=$4 workflow_id=$5 user_args=$6
  # a failure inside the logger itself must not recurse
  local ctx j_failed src
  cmdc_json_string j_failed "$failed"
  ctx="{\"exit_code\":$status,\"line\":$lineno,\"failed_command\":$j_failed}"
  src=${CMDC_SOURCE:-"${BASH_SOURCE[1]:-bash}:$lineno"}
  trap - ERR
  _cmdc_log_error_json "$command" "$workflow_id" "$user_args" execution_error \
    "bash command failed with exit code $status at line $lineno: $failed" "$src" "$ctx" || true
  setup_bash_error_trap "$command" "$workflow_id" "$user_args"
  return 0
}

# setup_bash_error_trap [COMMAND] [WORKFLOW_ID] [USER_ARGS]
# Installs an ERR trap that logs every failing command as an execution_error (defaults for the
# arguments: $COMMAND_NAME, $WORKFLOW_ID, $USER_ARGS). Does not change `set -e`/`set -E`.
setup_bash_error_trap() {
  local command=${1:-${COMMAND_NAME:-}} workflow_id=${2:-${WORKFLOW_ID:-}} user_args=${3:-${USER_ARGS:-}}
  local t
  printf -v t '_cmdc_bash_error_trap "$?" "$LINENO" "$BASH_COMMAND" %q %q %q' "$command" "$workflow_id" "$user_args"
  # shellcheck disable=SC2064
  trap "$t" ERR
}

# shellcheck shell=bash
# cmdc state-persistence library for bash blocks (bash islands, blocks not yet compiled, the
# differential tests). It reads and writes EXACTLY the state-file format of runtime/store/state.ts
# (header `# cmdc:key=$'..'` lines, one `{ K=$'..'; }` / `{ K=($'a' $'b'); }` record per line,
# values quoted as runtime/store/format.ts does: printable ASCII as is except \ and ', \n \t \r, every
# other byte \xHH), takes the same per-instance lock (runtime/store/lock.ts) for appends, keeps the
# same owner index (runtime/store/owner-index.ts) and discovers instances by the same rules
# (runtime/store/discover.ts, runtime/store/owner.ts). Paths (runtime/store/paths.ts):
#   ${CMDC_STATE_DIR:-${CLAUDE_PROJECT_DIR:-$PWD}/.claude/tmp}/workflow_<id>.sh
#   <state dir>/.cmdc/{owners/<sha256(owner)[:24]>/<id>, locks/<id>.lock, checkpoints/<id>/<name>.json}
#
# Functions (the seed library's names):
#   init_workflow_state WORKFLOW_ID            create the state file; sets+exports STATE_FILE, prints it
#   load_workflow_state WORKFLOW_ID [FIRST]    source the instance's state (FIRST=true: create if missing)
#   append_workflow_state KEY VALUE            one record `{ KEY=$'VALUE'; }`
#   append_workflow_state_array KEY [V...]     one record `{ KEY=($'V1' ...); }`
#   discover_latest_state_file PREFIX          the caller's one running/paused instance (else error)
#   save_json_checkpoint NAME JSON [ID]        atomic <state dir>/.cmdc/checkpoints/<ID>/<NAME>.json
#   load_json_checkpoint NAME [ID]             print it (status 1, nothing printed, if missing)
#   validate_workflow_id ID [PREFIX]           print ID if well formed (and of PREFIX), else status 1
#   generate_unique_workflow_id PREFIX         print <prefix>_<19-digit ns>_<21-char random>
#   set_workflow_status STATUS / set_workflow_block N   header updates, as WorkflowState does
# Errors go to stderr with status 1 (2 for usage errors); nothing is logged here (as in TS, the
# caller decides). Requires bash >= 4.4 and coreutils; sha256sum for the owner index.

if [[ -n "${_CMDC_STATE_PERSISTENCE_SH:-}" ]]; then return 0 2>/dev/null || exit 0; fi
_CMDC_STATE_PERSISTENCE_SH=1

# Sibling libraries, also when this file is reached through a symlink (.claude/lib/core/...).
_cmdc_lib_self=${BASH_SOURCE[0]}
if [[ -L "$_cmdc_lib_self" ]]; then _cmdc_lib_self=$(readlink -f -- "$_cmdc_lib_self"); fi
# shellcheck source=error-handling.sh
source "${_cmdc_lib_self%/*}/error-handling.sh"
unset _cmdc_lib_self

readonly _CMDC_STATE_HEADER="# cmdc state file: \`source\` it in bash; cmdc parses it (never evaluates). Append-only."
readonly _CMDC_RESERVED_KEYS=" _ IFS PATH ENV CDPATH GLOBIGNORE FIGNORE EXECIGNORE SHELLOPTS POSIXLY_CORRECT PS0 PS1 PS2 PS3 PS4 PROMPT_COMMAND PROMPT_DIRTRIM TMOUT OPTIND OPTARG OPTERR HOME PWD OLDPWD SHELL TMPDIR LANG LANGUAGE TERM INPUTRC HOSTFILE TIMEFORMAT MAIL MAILPATH MAILCHECK COLUMNS LINES COPROC MAPFILE DIRSTACK PIPESTATUS GROUPS UID EUID PPID RANDOM SRANDOM SECONDS LINENO FUNCNAME EPOCHSECONDS EPOCHREALTIME HOSTNAME HOSTTYPE MACHTYPE OSTYPE histchars auto_resume NODE_OPTIONS NODE_PATH "
readonly _CMDC_RESERVED_PREFIXES="BASH LC_ LD_ DYLD_ HIST COMP_ READLINE_ CMDC_ CLAUDE_CODE_"
# One `$'...'` word as quote.ts writes it.
readonly _CMDC_QWORD="\\\$'([^'\\\\]|\\\\.)*'"

# ---------------------------------------------------------------------------------------------
# Quoting (runtime/store/format.ts)

# The same quoting as one perl pass (bash's ${s//x/y} is quadratic on large values).
readonly _CMDC_QUOTE_PERL='BEGIN{%m=("\\"=>"\\\\","\x27"=>"\\\x27","\n"=>"\\n","\t"=>"\\t","\r"=>"\\r")} s/([^\x20-\x26\x28-\x5b\x5d-\x7e])/exists $m{$1}?$m{$1}:sprintf("\\x%02x",ord $1)/ge'

# _cmdc_quote_external VAR: VAR := its value quoted (without the $'...'), via perl; status 1
# if perl is not available.
_cmdc_quote_external() {
  local -n _cqe_var=$1
  local out
  command -v perl >/dev/null 2>&1 || return 1
  out=$(printf '%s' "$_cqe_var" | LC_ALL=C perl -0777 -pe "$_CMDC_QUOTE_PERL" && printf x) || return 1
  _cqe_var=${out%x}
}

# cmdc_quote VAR VALUE: VAR := $'...' for the bytes of VALUE, exactly as quote.ts quoteBytes.
cmdc_quote() {
  local -n _cq_out=$1
  local LC_ALL=C
  local s=$2 i hex ch
  if ((${#s} > 16384)) && [[ $s == *[^\ -~]* || $s == *[\'\\]* ]] && _cmdc_quote_external s; then
    _cq_out="\$'$s'"
    return 0
  fi
  s=${s//"\\"/"\\\\"}
  s=${s//"'"/"\\'"}
  if [[ $s == *[^\ -~]* ]]; then
    s=${s//$'\n'/"\\n"}
    s=${s//$'\t'/"\\t"}
    s=${s//$'\r'/"\\r"}
    if [[ $s == *[^\ -~]* ]]; then
      for ((i = 1; i < 256; i++)); do
        ((i >= 32 && i < 127)) && continue
        printf -v hex '%02x' "$i"
        printf -v ch "\\x$hex"
        [[ $s == *"$ch"* ]] || continue
        s=${s//"$ch"/"\\x$hex"}
      done
    fi
  fi
  _cq_out="\$'$s'"
}

# _cmdc_unquote VAR WORD: VAR := the value of one $'...' word written by cmdc_quote (validated
# by regex first, so the eval only ever sees a single ANSI-C quoted word).
_cmdc_unquote() {
  local -n _cu_out=$1
  local LC_ALL=C
  if [[ ! "$2" =~ ^${_CMDC_QWORD}$ ]]; then return 1; fi
  eval "_cu_out=$2"
}

# cmdc_key_problem VAR KEY: VAR := why KEY cannot be a state key (status 0), or status 1 if
# it can (runtime/store/format.ts keyNameProblem).
cmdc_key_problem() {
  local -n _ckp_out=$1
  local key=$2 p
  if [[ ! "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    _ckp_out="must match [A-Za-z_][A-Za-z0-9_]* (a bash variable name)"
    return 0
  fi
  if [[ "$_CMDC_RESERVED_KEYS" == *" $key "* ]]; then
    _ckp_out="reserved: bash or cmdc gives this name a special meaning"
    return 0
  fi
  for p in $_CMDC_RESERVED_PREFIXES; do
    if [[ "$key" == "$p"* ]]; then
      _ckp_out="reserved: names starting with $p change how bash, the loader or cmdc behave"
      return 0
    fi
  done
  return 1
}

_cmdc_assert_key() {
  local problem
  if cmdc_key_problem problem "$1"; then
    echo "ERROR: invalid state key \"$1\": $problem" >&2
    return 2
  fi
}

# ---------------------------------------------------------------------------------------------
# Ids (runtime/store/ids.ts)

readonly _CMDC_ID_RE='^([A-Za-z][A-Za-z0-9-]*)_([0-9]{19})_([A-Za-z0-9_-]{21})$'
readonly _CMDC_LEGACY_ID_RE='^([A-Za-z][A-Za-z0-9_-]*)_([0-9]{19})$'

# cmdc_id_prefix VAR ID: VAR := the id's prefix; status 1 if ID is malformed.
cmdc_id_prefix() {
  local -n _cip_out=$1
  local id=$2
  ((${#id} <= 64 + 1 + 19 + 1 + 21)) || return 1
  if [[ "$id" =~ $_CMDC_ID_RE ]]; then
    _cip_out=${BASH_REMATCH[1]}
  elif [[ "$id" =~ $_CMDC_LEGACY_ID_RE ]] && ((${#BASH_REMATCH[1]} <= 64)); then
    _cip_out=${BASH_REMATCH[1]}
  else
    return 1
  fi
}

# validate_workflow_id ID [PREFIX]: prints ID when it is a well-formed workflow id (of PREFIX,
# if given); otherwise an error on stderr and status 1. Never replaces a malformed id.
validate_workflow_id() {
  local id=${1:-} want=${2:-} prefix
  if ! cmdc_id_prefix prefix "$id"; then
    echo "ERROR: invalid workflow id \"$id\": expected <prefix>_<19-digit nanosecond timestamp>_<21-char random part> (or the seed form <prefix>_<19 digits>)" >&2
    return 1
  fi
  if [[ -n "$want" && "$prefix" != "$want" ]]; then
    echo "ERROR: workflow id $id does not belong to \"$want\" (expected ${want}_...)" >&2
    return 1
  fi
  printf '%s\n' "$id"
}

# generate_unique_workflow_id PREFIX: prints a fresh id. The time part is the wall clock in µs
# (bash has no ns clock without a fork) padded to ns; uniqueness comes from the random part.
generate_unique_workflow_id() {
  local prefix=${1:-} digits i r id=""
  local -r alphabet='useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict'
  if [[ -z "$prefix" || ${#prefix} -gt 64 || ! "$prefix" =~ ^[A-Za-z][A-Za-z0-9-]*$ ]]; then
    echo "ERROR: invalid workflow prefix \"$prefix\": must be a letter followed by letters, digits or \"-\" (no \"_\", it separates the id parts), at most 64 characters" >&2
    return 2
  fi
  digits=${EPOCHREALTIME//[!0-9]/}
  [[ -n "$digits" ]] || digits="$(date +%s)000000"
  for ((i = 0; i < 21; i++)); do
    if [[ -n "${SRANDOM:-}" ]]; then r=$((SRANDOM & 63)); else r=$(((RANDOM ^ (RANDOM << 3)) & 63)); fi
    id+=${alphabet:r:1}
  done
  printf '%s_%019d_%s\n' "$prefix" "${digits}000" "$id"
}

# ---------------------------------------------------------------------------------------------
# Paths and owner (runtime/store/paths.ts, runtime/store/owner.ts)

# cmdc_state_dir VAR: the state directory (absolute).
cmdc_state_dir() {
  local -n _csd_out=$1
  local d
  if [[ -n "${CMDC_STATE_DIR:-}" ]]; then
    d=$CMDC_STATE_DIR
  elif [[ -n "${CLAUDE_PROJECT_DIR:-}" ]]; then
    d=$CLAUDE_PROJECT_DIR
    [[ "$d" == /* ]] || d="$PWD/$d"
    d="$d/.claude/tmp"
  else
    d="$PWD/.claude/tmp"
  fi
  [[ "$d" == /* ]] || d="$PWD/$d"
  while [[ "$d" == */ && "$d" != / ]]; do d=${d%/}; done
  _csd_out=$d
}

# _cmdc_proc_stat PID: sets _cps_comm _cps_state _cps_ppid _cps_start from /proc/PID/stat.
_cmdc_proc_stat() {
  local text rest
  local -a f
  [[ -r "/proc/$1/stat" ]] || return 1
  IFS= read -r text <"/proc/$1/stat" 2>/dev/null || [[ -n "$text" ]] || return 1
  _cps_comm=${text#*\(}
  _cps_comm=${_cps_comm%\)*}
  rest=${text##*\) }
  read -r -a f <<<"$rest"
  _cps_state=${f[0]:-}
  _cps_ppid=${f[1]:-0}
  _cps_start=${f[19]:-}
  [[ -n "$_cps_start" ]]
}

# _cmdc_is_transient COMM ARGV...: runtime/store/owner.ts isTransientProcess.
_cmdc_is_transient() {
  local comm=$1 name0 a
  shift
  name0=${1:-$comm}
  name0=${name0##*/}
  name0=${name0#-}
  local n
  for n in "$comm" "$name0"; do
    case "$n" in
      npm | npx | pnpm | pnpx | yarn | tsx | env | nice | nohup | timeout | time | xargs | setsid | stdbuf | flock | sudo | doas | make | gmake | "npm exec" | "npm run" | npm-cli.js | npx-cli.js | "npm "*) return 0 ;;
    esac
  done
  local is_shell=false
  for n in "$comm" "$name0"; do
    case "$n" in sh | bash | dash | zsh | ksh | mksh | ash | fish | busybox) is_shell=true ;; esac
  done
  if [[ $is_shell == true ]]; then
    # a shell running `-c string` or a script is transient; an interactive one is the owner
    (($# > 0)) && shift
    for a in "$@"; do
      [[ "$a" == -- ]] && continue
      if [[ "$a" == -* && "$a" != --* && "${a:1}" == *c* ]]; then return 0; fi
      if [[ "$a" != -* && "$a" != +* ]]; then return 0; fi
    done
    return 1
  fi
  if [[ "$comm" == node || "$name0" == node || "$name0" == nodejs || "$name0" == bun ]]; then
    # the script node runs (first non-option argument; options in the list take a value)
    local -r launcher='(^|/)(npm|npx|pnpm|pnpx|yarn|tsx)(-cli)?(\.[cm]?js)?$|/tsx/dist/cli\.[cm]?js$|/node_modules/\.bin/'
    local -r with_value=" --import --require -r --loader --experimental-loader --conditions -C --env-file --title "
    local script="" skip=false
    (($# > 0)) && shift
    for a in "$@"; do
      if [[ $skip == dashdash ]]; then script=$a; break; fi
      if [[ $skip == true ]]; then skip=false; continue; fi
      if [[ "$a" == -e || "$a" == --eval || "$a" == -p || "$a" == --print ]]; then return 1; fi
      if [[ "$a" == -- ]]; then skip=dashdash; continue; fi
      if [[ "$a" == -* ]]; then
        [[ "$with_value" == *" $a "* ]] && skip=true
        continue
      fi
      script=$a
      break
    done
    [[ -n "$script" && "$script" =~ $launcher ]]
    return
  fi
  return 1
}

# _cmdc_is_forked_subshell PID COMM PPID ARGV...: runtime/store/owner.ts isForkedSubshell (a
# shell whose parent is the same shell with the same argv: `( cmd; true )`).
_cmdc_is_forked_subshell() {
  local pid=$1 comm=$2 ppid=$3 name0 _cps_comm _cps_state _cps_ppid _cps_start
  shift 3
  name0=${1:-}
  name0=${name0##*/}
  name0=${name0#-}
  case "$comm" in sh | bash | dash | zsh | ksh | mksh | ash | fish | busybox) ;; *)
    case "$name0" in sh | bash | dash | zsh | ksh | mksh | ash | fish | busybox) ;; *) return 1 ;; esac ;;
  esac
  _cmdc_proc_stat "$ppid" || return 1
  [[ "$_cps_comm" == "$comm" ]] || return 1
  local -a pargv=()
  mapfile -d '' -t pargv <"/proc/$ppid/cmdline" 2>/dev/null || return 1
  (($# == ${#pargv[@]})) || return 1
  local i=0 a
  for a in "$@"; do
    [[ "$a" == "${pargv[i]}" ]] || return 1
    ((i++))
  done
  return 0
}

# cmdc_resolve_owner VAR: the caller's owner, by the rules of runtime/store/owner.ts resolveOwner
# (the walk starts at this shell's parent, as the TS walk starts at node's parent).
cmdc_resolve_owner() {
  local -n _cro_out=$1
  if [[ -n "${CMDC_OWNER:-}" ]]; then _cro_out=$CMDC_OWNER; return 0; fi
  if [[ -n "${CLAUDE_CODE_SESSION_ID:-}" ]]; then _cro_out="session:$CLAUDE_CODE_SESSION_ID"; return 0; fi
  local pid=$PPID depth _cps_comm _cps_state _cps_ppid _cps_start
  local -a argv
  for ((depth = 0; depth < 64 && pid > 1; depth++)); do
    _cmdc_proc_stat "$pid" || break
    argv=()
    mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || argv=()
    if ! _cmdc_is_transient "$_cps_comm" "${argv[@]}" && ! _cmdc_is_forked_subshell "$pid" "$_cps_comm" "$_cps_ppid" "${argv[@]}"; then
      _cro_out="proc:$pid:$_cps_start"
      return 0
    fi
    pid=$_cps_ppid
  done
  _cro_out="user:${UID:-unknown}@${HOSTNAME:-$(hostname)}"
}

# _cmdc_owner_hash VAR OWNER: first 24 hex digits of sha256(OWNER).
_cmdc_owner_hash() {
  local -n _coh_out=$1
  local h
  h=$(printf '%s' "$2" | sha256sum) || return 1
  _coh_out=${h:0:24}
}

# ---------------------------------------------------------------------------------------------
# Directories (runtime/store/ignore.ts): git never shows cmdc's own files

# _cmdc_mark_dir DIR: DIR/.gitignore holding `*`, unless DIR has a .gitignore already.
_cmdc_mark_dir() {
  [[ -e "$1/.gitignore" || -L "$1/.gitignore" ]] && return 0
  _cmdc_private_write "$1/.gitignore" $'# Created by cmdc: its own bookkeeping, never part of the project.\n*\n' 2>/dev/null || true
}

# _cmdc_mkdir PATH: _cmdc_private_mkdir for the state directory or a directory at or under its
# .cmdc/; a state directory or a .cmdc directory this call creates gets the marker.
_cmdc_mkdir() {
  local p=$1 state had_state=false had_cmdc=false
  [[ -d "$p" ]] && return 0
  case "$p" in
    */.cmdc) state=${p%/.cmdc} ;;
    */.cmdc/*) state=${p%%/.cmdc/*} ;;
    *) state=$p ;;
  esac
  [[ -d "$state" ]] && had_state=true
  [[ -d "$state/.cmdc" ]] && had_cmdc=true
  _cmdc_private_mkdir "$p" || return 1
  [[ $had_state == true ]] || _cmdc_mark_dir "$state"
  if [[ $had_cmdc == false && -d "$state/.cmdc" ]]; then _cmdc_mark_dir "$state/.cmdc"; fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# Lock (runtime/store/lock.ts: O_EXCL file holding "<pid> <start time> <nonce>\n")

# _cmdc_create_excl PATH TEXT: create PATH with O_CREAT|O_EXCL (noclobber) and write TEXT.
_cmdc_create_excl() {
  local had_c=false rc=0 um
  [[ $- == *C* ]] && had_c=true
  _cmdc_umask_get um
  umask 077
  set -C
  { printf '%s' "$2" >"$1"; } 2>/dev/null || rc=1
  [[ $had_c == true ]] || set +C
  umask "$um"
  return "$rc"
}

# _cmdc_lock_acquire PATH: waits for and takes the lock; sets _cmdc_lock_token.
_cmdc_lock_acquire() {
  local path=$1 deadline now text start _cps_comm _cps_state _cps_ppid _cps_start delay_ms=10
  local timeout_ms=${CMDC_LOCK_TIMEOUT_MS:-30000}
  # this process's start time, read from /proc once per process (a cache keyed by BASHPID)
  if [[ "${_CMDC_SELF_PID:-}" != "$BASHPID" ]]; then
    _cmdc_proc_stat "$BASHPID" && _CMDC_SELF_START=$_cps_start || _CMDC_SELF_START=-
    _CMDC_SELF_PID=$BASHPID
  fi
  start=$_CMDC_SELF_START
  printf -v _cmdc_lock_token '%s %s %04x%04x%04x\n' "$BASHPID" "$start" "$RANDOM" "$RANDOM" "$RANDOM"
  now=${EPOCHREALTIME//[!0-9]/}
  deadline=$((now / 1000 + timeout_ms))
  _cmdc_mkdir "${path%/*}" || return 1
  while :; do
    if _cmdc_create_excl "$path" "$_cmdc_lock_token"; then
      return 0
    fi
    text=""
    if [[ -e "$path" ]]; then
      IFS= read -r -d '' text 2>/dev/null <"$path" || true
    else
      continue # released in between
    fi
    if _cmdc_lock_is_stale "$path" "$text"; then
      _cmdc_lock_break "$path" "$text"
      continue
    fi
    now=${EPOCHREALTIME//[!0-9]/}
    if ((now / 1000 >= deadline)); then
      echo "ERROR: could not lock $path within $timeout_ms ms (held by ${text%$'\n'})" >&2
      return 1
    fi
    printf -v text '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000 * (RANDOM % 50 + 75) / 100))
    sleep "$text"
    ((delay_ms = delay_ms * 2 > 500 ? 500 : delay_ms * 2))
  done
}

_cmdc_lock_is_stale() {
  local path=$1 text=$2 mtime now _cps_comm _cps_state _cps_ppid _cps_start
  if [[ ! "$text" =~ ^([0-9]+)\ ([0-9]+|-)\ [0-9a-f]+$'\n'?$ ]]; then
    # empty or partial: stale once older than 2 s (creator killed between create and write)
    mtime=$(stat -c %Y -- "$path" 2>/dev/null) || return 1
    printf -v now '%(%s)T' -1
    ((now - mtime > 2))
    return
  fi
  local pid=${BASH_REMATCH[1]} start=${BASH_REMATCH[2]}
  _cmdc_proc_stat "$pid" || return 0
  [[ "$_cps_state" == Z || "$_cps_state" == X ]] && return 0
  [[ "$start" == - || "$_cps_start" == "$start" ]] && return 1
  return 0
}

_cmdc_lock_break() {
  local path=$1 text=$2 aside moved=""
  printf -v aside '%s.stale.%04x%04x%04x' "$path" "$RANDOM" "$RANDOM" "$RANDOM"
  mv -f -- "$path" "$aside" 2>/dev/null || return 0
  IFS= read -r -d '' moved 2>/dev/null <"$aside" || true
  if [[ "$moved" != "$text" ]]; then ln -- "$aside" "$path" 2>/dev/null || true; fi
  rm -f -- "$aside"
}

_cmdc_lock_release() {
  local path=$1 text=""
  IFS= read -r -d '' text 2>/dev/null <"$path" || true
  [[ "$text" == "$_cmdc_lock_token" ]] && rm -f -- "$path"
  return 0
}

# ---------------------------------------------------------------------------------------------
# State files (runtime/store/state.ts)

# _cmdc_state_ref ID_OR_PATH: sets _csr_id _csr_path _csr_dir (id validated).
_cmdc_state_ref() {
  local x=$1 prefix base
  if [[ "$x" == /* || "$x" == */* || "$x" == *.sh ]]; then
    [[ "$x" == /* ]] || x="$PWD/$x"
    base=${x##*/}
    if [[ "$base" != workflow_*.sh ]]; then
      echo "ERROR: invalid workflow id \"$base\": a state file is named workflow_<id>.sh" >&2
      return 2
    fi
    _csr_id=${base#workflow_}
    _csr_id=${_csr_id%.sh}
    _csr_path=$x
    _csr_dir=${x%/*}
  else
    _csr_id=$x
    cmdc_state_dir _csr_dir
    _csr_path="$_csr_dir/workflow_$x.sh"
  fi
  if ! cmdc_id_prefix prefix "$_csr_id"; then
    validate_workflow_id "$_csr_id" >/dev/null
    return 2
  fi
}

# _cmdc_tail_complete LINE: whether a last line without "\n" is a complete statement (then a
# newline is added) rather than a torn record (then it is cut), as parseStateText decides for
# the lines cmdc writes.
_cmdc_tail_complete() {
  local LC_ALL=C line=$1
  local -r assign="[A-Za-z_][A-Za-z0-9_]*=(${_CMDC_QWORD}|\\((${_CMDC_QWORD}( ${_CMDC_QWORD})*)?\\))"
  [[ "$line" =~ ^[\ $'\t']*$ ]] && return 0
  if [[ "$line" == "# cmdc:"* ]]; then
    [[ "$line" =~ ^#\ cmdc:[a-z0-9_-]+=${_CMDC_QWORD}[\ $'\t']*$ ]]
    return
  fi
  [[ "$line" == "#"* ]] && return 0
  [[ "$line" =~ ^\{\ (${assign}\;\ )+\}[\ $'\t']*$ ]] && return 0
  local _g_qw _g_full _g_open _g_keyre _g_valre _g_wone
  _cmdc_state_grammar
  [[ "$line" =~ $_g_full ]]
}

# _cmdc_needs_repair PATH: whether the file is non-empty and does not end with a newline.
_cmdc_needs_repair() {
  local last
  last=$(tail -c 1 -- "$1" 2>/dev/null) || return 1
  [[ -n "$last" ]]
}

# _cmdc_repair_tail_locked PATH: with the lock held, make the file end with a newline: cut a
# torn last record, or terminate a complete one (runtime/store/state.ts repairTailLocked).
_cmdc_repair_tail_locked() {
  local path=$1 size tail n
  _cmdc_needs_repair "$path" || return 0
  size=$(stat -c %s -- "$path") || return 1
  tail=$(tail -n 1 -- "$path"; printf x)
  tail=${tail%x}
  if _cmdc_tail_complete "$tail"; then
    printf '\n' >>"$path"
  elif [[ "$tail" =~ ^[\ $'\t']*([{#]|export\ [A-Za-z_][A-Za-z0-9_]*(=|$)) || "export " == "${tail#"${tail%%[! $'\t']*}"}"* ]]; then
    # what a killed writer leaves (runtime/store/format.ts tornTailProblem): cut it
    local LC_ALL=C
    truncate -s $((size - ${#tail})) -- "$path"
  else
    # not something cmdc writes: refused, not silently cut
    n=$(wc -l <"$path") || return 1
    _cmdc_refuse_state "$path" $((n + 1)) ""
    return 1
  fi
}

# _cmdc_append_text_locked REF_ID REF_PATH REF_DIR TEXT: append complete lines under the lock.
_cmdc_append_text_locked() {
  local id=$1 path=$2 dir=$3 text=$4 lock rc=0 _cmdc_lock_token
  if [[ ! -f "$path" ]]; then
    echo "ERROR: no state file for workflow $id (looked for $path)" >&2
    return 1
  fi
  _cmdc_safe_file "$path" || return 1
  lock="$dir/.cmdc/locks/$id.lock"
  _cmdc_lock_acquire "$lock" || return 1
  {
    _cmdc_repair_tail_locked "$path" &&
      _cmdc_write_once "$path" "$text"
  } || rc=1
  _cmdc_lock_release "$lock"
  return "$rc"
}

# _cmdc_write_once PATH TEXT: TEXT appended (O_APPEND) with one write(2).
_cmdc_write_once() {
  local path=$1 text=$2 len
  _cmdc_byte_len len "$text"
  if ((len <= _CMDC_SMALL_WRITE)); then
    printf '%s' "$text" >>"$path"
  else
    printf '%s' "$text" | dd bs="$len" count=1 iflag=fullblock status=none >>"$path"
  fi
}

# _cmdc_current_ref: sets _csr_* for the current instance ($STATE_FILE, else $WORKFLOW_ID).
_cmdc_current_ref() {
  if [[ -n "${STATE_FILE:-}" ]]; then
    _cmdc_state_ref "$STATE_FILE"
  elif [[ -n "${WORKFLOW_ID:-}" ]]; then
    _cmdc_state_ref "$WORKFLOW_ID"
  else
    echo "ERROR: no workflow state: call init_workflow_state or load_workflow_state first (STATE_FILE and WORKFLOW_ID are unset)" >&2
    return 1
  fi
}

# cmdc_append_record ASSIGNMENT...: one record line `{ A; B; }` for the current instance.
cmdc_append_record() {
  local _csr_id _csr_path _csr_dir a line="{"
  (($# > 0)) || return 0
  _cmdc_current_ref || return 1
  for a in "$@"; do line+=" $a;"; done
  line+=$' }\n'
  _cmdc_append_text_locked "$_csr_id" "$_csr_path" "$_csr_dir" "$line"
}

# append_workflow_state KEY VALUE
append_workflow_state() {
  if (($# < 1)); then echo "usage: append_workflow_state KEY VALUE" >&2; return 2; fi
  _cmdc_assert_key "$1" || return 2
  local q
  cmdc_quote q "${2-}"
  cmdc_append_record "$1=$q"
}

# append_workflow_state_array KEY [VALUE...]
append_workflow_state_array() {
  if (($# < 1)); then echo "usage: append_workflow_state_array KEY [VALUE...]" >&2; return 2; fi
  _cmdc_assert_key "$1" || return 2
  local key=$1 q v words=""
  shift
  for v in "$@"; do
    cmdc_quote q "$v"
    words+="${words:+ }$q"
  done
  cmdc_append_record "$key=($words)"
}

# _cmdc_meta_line VAR KEY VALUE
_cmdc_meta_line() {
  local -n _cml_out=$1
  local q
  cmdc_quote q "$3"
  _cml_out="# cmdc:$2=$q"$'\n'
}

# init_workflow_state WORKFLOW_ID: creates the instance's state file (header + WORKFLOW_ID)
# atomically (temp + fsync + link, never replacing an existing file), indexes it under the
# caller's owner, sets and exports STATE_FILE and WORKFLOW_ID, and prints the path. The header's
# command is $COMMAND_NAME if set, else the id's prefix (createState's default).
init_workflow_state() {
  local id=${1:-${WORKFLOW_ID:-}} prefix dir path owner created text m tmp q hash
  if ! cmdc_id_prefix prefix "$id"; then
    validate_workflow_id "$id" >/dev/null
    return 1
  fi
  cmdc_state_dir dir
  path="$dir/workflow_$id.sh"
  cmdc_resolve_owner owner
  _cmdc_iso_now created
  text="$_CMDC_STATE_HEADER"$'\n'
  _cmdc_meta_line m format 1; text+=$m
  _cmdc_meta_line m id "$id"; text+=$m
  _cmdc_meta_line m command "${COMMAND_NAME:-$prefix}"; text+=$m
  _cmdc_meta_line m owner "$owner"; text+=$m
  _cmdc_meta_line m created "$created"; text+=$m
  _cmdc_meta_line m status running; text+=$m
  _cmdc_meta_line m block 0; text+=$m
  cmdc_quote q "$id"
  text+="{ WORKFLOW_ID=$q; }"$'\n'
  _cmdc_mkdir "$dir" || return 1
  printf -v tmp '%s/.workflow_%s.sh.%s.%04x%04x%04x.tmp' "$dir" "$id" "$BASHPID" "$RANDOM" "$RANDOM" "$RANDOM"
  if ! _cmdc_create_excl "$tmp" "$text"; then
    echo "ERROR: cannot write $tmp" >&2
    return 1
  fi
  sync -- "$tmp" 2>/dev/null || true
  if ! ln -- "$tmp" "$path" 2>/dev/null; then
    rm -f -- "$tmp"
    if [[ -e "$path" ]]; then
      echo "ERROR: workflow $id already exists ($path)" >&2
    else
      echo "ERROR: cannot create $path" >&2
    fi
    return 1
  fi
  rm -f -- "$tmp"
  sync -- "$dir" 2>/dev/null || true
  _cmdc_owner_hash hash "$owner" || return 1
  _cmdc_mkdir "$dir/.cmdc/owners/$hash" && _cmdc_private_write "$dir/.cmdc/owners/$hash/$id" "$owner" || return 1
  STATE_FILE=$path
  WORKFLOW_ID=$id
  export STATE_FILE WORKFLOW_ID
  printf '%s\n' "$path"
}

# _cmdc_read_meta PATH: sets _crm_owner _crm_status _crm_block _crm_command (last line wins).
_cmdc_read_meta() {
  local line key word v
  _crm_owner="" _crm_status=running _crm_block=0 _crm_command=""
  [[ -f "$1" ]] || return 1
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" == "# cmdc:"* ]] || continue
    key=${line#"# cmdc:"}
    word=${key#*=}
    key=${key%%=*}
    _cmdc_unquote v "${word%%[[:space:]]}" || continue
    case "$key" in
      owner) _crm_owner=$v ;;
      command) _crm_command=$v ;;
      status) [[ " running paused done failed " == *" $v "* ]] && _crm_status=$v ;;
      block) [[ "$v" =~ ^[0-9]{1,15}$ ]] && _crm_block=$v ;;
    esac
  done <"$1"
}

# _cmdc_state_grammar: sets the caller's locals _g_qw _g_full _g_open _g_keyre _g_valre _g_wone,
# the regexes of the state-file grammar _cmdc_validate_state checks (use them under LC_ALL=C).
_cmdc_state_grammar() {
  local -r nl=$'\n' bl=$'[ \t]' sq="'[^']*'" dq='"([^"\\$`]|\\.)*"'
  local -r name='[A-Za-z_][A-Za-z0-9_]*'
  _g_qw="\\\$'([^'\\\\]|\\\\.)*'"
  local -r unit="($_g_qw|$sq|$dq|[A-Za-z0-9_./:@%+,=-]|\\\\[^$nl])"
  local -r value="(\\(($bl*$unit+)*$bl*\\)|$unit*)"
  local -r decl="(export|declare|typeset)($bl+-([agx]+|-))*$bl+"
  local -r simple="($decl)?$name=$value(($bl+|$bl*;$bl*($decl)?)$name=$value)*$bl*;?"
  local -r record="\\{$bl+($name=$value$bl*;$bl*)+\\}"
  _g_full="^$bl*((($simple)|($record))($bl+#[^$nl]*|$bl*)|#[^$nl]*)?\$"
  _g_open="^$bl*((($decl)?($name=$value($bl+|$bl*;$bl*($decl)?))*)|(\\{$bl+($name=$value$bl*;$bl*)*))$name=$unit*('[^']*|\"([^\"\\\\\$\`]|\\\\.)*)\$"
  _g_keyre="^[ ${bl:2:1}{;]*($decl)?($name)="
  _g_valre="^$value(.*)\$"
  _g_wone="^($name)=($_g_qw|\\(($_g_qw( $_g_qw)*)?\\)); (.*)\$"
}

# _cmdc_validate_state PATH: status 0 when every statement of the state file is a plain
# assignment that the TS parser (runtime/store/format.ts parseStateText) also accepts — a
# `{ K=$'..'; }` record, `# ...` comments, `[export|declare -agx] K=word ...` with words made of
# $'..', '..', ".." (no $ or backtick), \c and [A-Za-z0-9_./:@%+,=-] — and no statement assigns a
# name the writer refuses (cmdc_key_problem). Otherwise prints the refusal (as the TS builtins
# do, refusedStateMessage) and returns 1: the file is then never sourced, so nothing in it runs.
# A quote left open at a line end continues the statement on the next lines; one left open at
# the end of the file is a torn tail (bash's syntax error runs nothing of it). Callers repair a
# torn tail first (_cmdc_checked_state).
_cmdc_validate_state() {
  local LC_ALL=C path=$1 line stmt="" n=0 first=0 rest key problem
  local -r nl=$'\n'
  local _g_qw _g_full _g_open _g_keyre _g_valre _g_wone
  _cmdc_state_grammar
  while IFS= read -r line || [[ -n "$line" ]]; do
    ((++n))
    if [[ -n "$stmt" ]]; then
      stmt+=$nl$line
    else
      # fast paths: a comment (the `# cmdc:` header), and a record exactly as cmdc writes it
      [[ "$line" == *([ $'\t'])"#"* ]] && continue
      if [[ "$line" == "{ "*"; }" ]]; then
        rest=${line#"{ "}
        while [[ "$rest" != "}" && "$rest" =~ $_g_wone ]]; do
          key=${BASH_REMATCH[1]}
          rest=${BASH_REMATCH[${#BASH_REMATCH[@]} - 1]}
          if cmdc_key_problem problem "$key"; then
            _cmdc_refuse_state "$path" "$n" "$key"
            return 1
          fi
        done
        [[ "$rest" == "}" ]] && continue
      fi
      stmt=$line
      first=$n
    fi
    [[ "$stmt" =~ $_g_open ]] && continue
    if [[ ! "$stmt" =~ $_g_full ]]; then
      _cmdc_refuse_state "$path" "$n" ""
      return 1
    fi
    rest=$stmt
    while [[ "$rest" =~ $_g_keyre ]]; do
      key=${BASH_REMATCH[5]}
      rest=${rest:${#BASH_REMATCH[0]}}
      if cmdc_key_problem problem "$key"; then
        _cmdc_refuse_state "$path" "$first" "$key"
        return 1
      fi
      [[ "$rest" =~ $_g_valre ]] || break
      rest=${BASH_REMATCH[${#BASH_REMATCH[@]} - 1]}
    done
    stmt=""
  done <"$path"
}

# _cmdc_refuse_state PATH LINE [KEY]: the refusal message (runtime/statelib/persistence.ts
# refusedStateMessage).
_cmdc_refuse_state() {
  local what="is not a state-file assignment"
  [[ -n "$3" ]] && what="assigns the reserved name $3"
  echo "ERROR: refusing to use state file $1: line $2 $what (cmdc parses state files and never runs them)" >&2
}

# _cmdc_checked_state ID PATH DIR: repairs a torn tail (under the instance lock), then
# validates the file (_cmdc_validate_state); status 1 (the refusal printed) when it must not be
# sourced.
_cmdc_checked_state() {
  local id=$1 path=$2 dir=$3 rc=0
  _cmdc_safe_file "$path" || return 1
  if _cmdc_needs_repair "$path"; then
    local _cmdc_lock_token lock="$dir/.cmdc/locks/$id.lock"
    _cmdc_lock_acquire "$lock" || return 1
    _cmdc_repair_tail_locked "$path" || rc=1
    _cmdc_lock_release "$lock"
    ((rc == 0)) || return 1
  fi
  _cmdc_validate_state "$path"
}

# load_workflow_state WORKFLOW_ID [FIRST_BLOCK]: repairs a torn tail (under the lock), then
# validates (_cmdc_validate_state) and only then sources the state file into the shell, sets
# and exports STATE_FILE and WORKFLOW_ID.
# FIRST_BLOCK=true creates the instance when its file does not exist yet.
load_workflow_state() {
  local _csr_id _csr_path _csr_dir first=${2:-false}
  _cmdc_state_ref "${1:-${WORKFLOW_ID:-}}" || return 1
  if [[ ! -f "$_csr_path" ]]; then
    if [[ "$first" == true ]]; then
      init_workflow_state "$_csr_id" >/dev/null || return 1
    else
      echo "ERROR: no state file for workflow $_csr_id (looked for $_csr_path)" >&2
      return 1
    fi
  fi
  # never sourced unless every line is a plain assignment (nothing in it can run)
  _cmdc_checked_state "$_csr_id" "$_csr_path" "$_csr_dir" || return 1
  # shellcheck disable=SC1090
  source "$_csr_path" || return 1
  STATE_FILE=$_csr_path
  WORKFLOW_ID=$_csr_id
  export STATE_FILE WORKFLOW_ID
}

# set_workflow_status STATUS: appends a status line and updates the owner index (done/failed
# leave it), as WorkflowState.setStatus.
set_workflow_status() {
  local status=${1:-} _csr_id _csr_path _csr_dir m hash _crm_owner _crm_status _crm_block _crm_command
  if [[ " running paused done failed " != *" $status "* ]]; then
    echo "ERROR: invalid value for state key \"status\": expected one of running, paused, done, failed" >&2
    return 2
  fi
  _cmdc_current_ref || return 1
  _cmdc_meta_line m status "$status"
  _cmdc_append_text_locked "$_csr_id" "$_csr_path" "$_csr_dir" "$m" || return 1
  _cmdc_read_meta "$_csr_path"
  [[ -n "$_crm_owner" ]] || return 0
  _cmdc_owner_hash hash "$_crm_owner" || return 1
  if [[ "$status" == done || "$status" == failed ]]; then
    rm -f -- "$_csr_dir/.cmdc/owners/$hash/$_csr_id"
  else
    _cmdc_mkdir "$_csr_dir/.cmdc/owners/$hash" && _cmdc_private_write "$_csr_dir/.cmdc/owners/$hash/$_csr_id" "$_crm_owner"
  fi
}

# set_workflow_block N: appends the current block number.
set_workflow_block() {
  local _csr_id _csr_path _csr_dir m
  if [[ ! "${1:-}" =~ ^[0-9]{1,15}$ ]]; then
    echo "ERROR: invalid value for state key \"block\": expected a non-negative integer" >&2
    return 2
  fi
  _cmdc_current_ref || return 1
  _cmdc_meta_line m block "$1"
  _cmdc_append_text_locked "$_csr_id" "$_csr_path" "$_csr_dir" "$m"
}

# _cmdc_rebuild_index DIR: discover.ts rebuildIndex (once, when .cmdc/index-v1 is missing).
_cmdc_rebuild_index() {
  local dir=$1 f base id prefix hash _crm_owner _crm_status _crm_block _crm_command
  for f in "$dir"/workflow_*.sh; do
    [[ -f "$f" ]] || continue
    base=${f##*/}
    id=${base#workflow_}
    id=${id%.sh}
    cmdc_id_prefix prefix "$id" || continue
    _cmdc_read_meta "$f" || continue
    [[ -n "$_crm_owner" && "$_crm_status" != done && "$_crm_status" != failed ]] || continue
    _cmdc_owner_hash hash "$_crm_owner" || continue
    _cmdc_mkdir "$dir/.cmdc/owners/$hash" && _cmdc_private_write "$dir/.cmdc/owners/$hash/$id" "$_crm_owner"
  done
  _cmdc_mkdir "$dir/.cmdc/owners" && _cmdc_private_write "$dir/.cmdc/index-v1" $'cmdc owner index v1\n'
}

# discover_latest_state_file PREFIX: prints the state file of the caller's one running/paused
# instance of PREFIX (runtime/store/discover.ts). Several: an error listing them newest first and
# naming --workflow-id; none: an error; status 1 and nothing on stdout in both cases. Another
# owner's instance is never returned, nor a file _cmdc_validate_state refuses (the seed's blocks
# `source` the path they get). When the cmdc runner set CMDC_WORKFLOW_ID for this block
# and its prefix is PREFIX, that instance is used without discovery.
discover_latest_state_file() {
  local want=${1:-} dir owner hash id prefix f _crm_owner _crm_status _crm_block _crm_command
  local -a found=()
  cmdc_state_dir dir
  if [[ -n "${CMDC_WORKFLOW_ID:-}" ]] && cmdc_id_prefix prefix "$CMDC_WORKFLOW_ID" &&
    [[ -z "$want" || "$prefix" == "$want" ]] && [[ -f "$dir/workflow_$CMDC_WORKFLOW_ID.sh" ]]; then
    _cmdc_checked_state "$CMDC_WORKFLOW_ID" "$dir/workflow_$CMDC_WORKFLOW_ID.sh" "$dir" || return 1
    printf '%s\n' "$dir/workflow_$CMDC_WORKFLOW_ID.sh"
    return 0
  fi
  cmdc_resolve_owner owner
  [[ -e "$dir/.cmdc/index-v1" ]] || _cmdc_rebuild_index "$dir"
  _cmdc_owner_hash hash "$owner" || return 1
  for f in "$dir/.cmdc/owners/$hash"/*; do
    [[ -e "$f" ]] || continue
    id=${f##*/}
    cmdc_id_prefix prefix "$id" || continue
    [[ -z "$want" || "$prefix" == "$want" ]] || continue
    if ! _cmdc_read_meta "$dir/workflow_$id.sh"; then
      rm -f -- "$f"
      continue
    fi
    [[ "$_crm_owner" == "$owner" ]] || continue
    if [[ "$_crm_status" == done || "$_crm_status" == failed ]]; then
      rm -f -- "$f"
      continue
    fi
    found+=("$id")
  done
  if ((${#found[@]} == 1)); then
    # the caller may `source` what it is given: never a file that would run something
    _cmdc_checked_state "${found[0]}" "$dir/workflow_${found[0]}.sh" "$dir" || return 1
    printf '%s\n' "$dir/workflow_${found[0]}.sh"
    return 0
  fi
  local what=""
  [[ -n "$want" ]] && what="\"$want\" "
  if ((${#found[@]} == 0)); then
    echo "ERROR: no running or paused ${what}workflow for owner $owner in $dir; start a new one, or pass --workflow-id <id> (see: cmdc state list)" >&2
    return 1
  fi
  local line lines=() files=()
  for id in "${found[@]}"; do files+=("$dir/workflow_$id.sh"); done
  # newest first (mtime orders the list and nothing else)
  mapfile -t lines < <(stat -c '%.9Y %n' -- "${files[@]}" 2>/dev/null | sort -rn)
  {
    echo "ERROR: ${#found[@]} running/paused ${what}workflows belong to owner $owner; pass --workflow-id <id> to choose one (newest first):"
    for line in "${lines[@]}"; do
      f=${line#* }
      id=${f##*/workflow_}
      id=${id%.sh}
      _cmdc_read_meta "$f"
      echo "  --workflow-id $id   ($_crm_status)"
    done
    echo "stop the ones you abandoned with: cmdc state cancel <id>   (cmdc state cancel --latest stops the newest)"
  } >&2
  return 1
}

# ---------------------------------------------------------------------------------------------
# JSON checkpoints (runtime/store/checkpoint.ts)

_cmdc_checkpoint_path() {
  local -n _ccp_out=$1
  local name=$2 id=$3 prefix dir
  if ! cmdc_id_prefix prefix "$id"; then
    validate_workflow_id "$id" >/dev/null
    return 2
  fi
  if [[ ! "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$ || "$name" == *..* ]]; then
    echo "ERROR: invalid checkpoint name \"$name\": use letters, digits, '.', '_' and '-', starting with a letter or digit (max 100)" >&2
    return 2
  fi
  cmdc_state_dir dir
  _ccp_out="$dir/.cmdc/checkpoints/$id/$name.json"
}

# save_json_checkpoint NAME JSON [WORKFLOW_ID]: validates JSON (with jq, which also formats it
# with 2-space indentation like saveCheckpoint), then replaces the file atomically.
save_json_checkpoint() {
  local name=${1:-} json=${2-} id=${3:-${WORKFLOW_ID:-}} path tmp out
  _cmdc_checkpoint_path path "$name" "$id" || return 2
  if command -v jq >/dev/null 2>&1; then
    if ! out=$(jq --indent 2 . <<<"$json" 2>/dev/null) || [[ -z "$out" ]]; then
      echo "ERROR: invalid value for state key \"$name\": a checkpoint must be one JSON value" >&2
      return 2
    fi
  else
    out=$json
  fi
  _cmdc_mkdir "${path%/*}" || return 1
  printf -v tmp '%s/.%s.%s.%04x%04x%04x.tmp' "${path%/*}" "${path##*/}" "$BASHPID" "$RANDOM" "$RANDOM" "$RANDOM"
  _cmdc_create_excl "$tmp" "$out"$'\n' || { rm -f -- "$tmp"; return 1; }
  sync -- "$tmp" 2>/dev/null || true
  mv -f -- "$tmp" "$path" || { rm -f -- "$tmp"; return 1; }
  sync -- "${path%/*}" 2>/dev/null || true
}

# load_json_checkpoint NAME [WORKFLOW_ID]: prints the checkpoint; status 1 if there is none.
load_json_checkpoint() {
  local name=${1:-} id=${2:-${WORKFLOW_ID:-}} path text
  _cmdc_checkpoint_path path "$name" "$id" || return 2
  [[ -f "$path" ]] || return 1
  local LC_ALL=C
  IFS= read -r -d '' text <"$path" || true
  printf '%s' "$text"
}

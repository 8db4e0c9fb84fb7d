# shellcheck shell=bash
# cmdc workflow state machine for bash blocks: the same states, transition table and workflow
# types as runtime/store/state-machine.ts (see the table in that file's header; the differential test
# test/runtime/bash-lib.test.ts checks every (type, from, to) against it). The machine lives in
# the shell variables CURRENT_STATE, WORKFLOW_TYPE, TERMINAL_STATE and the array
# COMPLETED_STATES, and is persisted to the state file ($STATE_FILE) with
# append_workflow_state / append_workflow_state_array when that file exists.
#
# Functions:
#   sm_init WORKFLOW_TYPE                     or, as the original commands call it,
#   sm_init DESCRIPTION COMMAND WORKFLOW_TYPE [COMPLEXITY] [TOPICS_JSON]
#   sm_transition TO_STATE                    (invalid: message on stderr, state_error logged, status 1)
#   sm_allowed_transitions                    (prints the allowed next states, space separated)
#   sm_can_transition TO_STATE                (status only)
# Invalid transitions are logged with COMMAND_NAME, WORKFLOW_ID, USER_ARGS and CMDC_SOURCE.

if [[ -n "${_CMDC_WORKFLOW_STATE_MACHINE_SH:-}" ]]; then return 0 2>/dev/null || exit 0; fi
_CMDC_WORKFLOW_STATE_MACHINE_SH=1

# Sibling libraries, also when this file is reached through a symlink, and in the commands'
# layout (.claude/lib/workflow/ beside .claude/lib/core/error-handling.sh).
_cmdc_lib_self=${BASH_SOURCE[0]}
if [[ -L "$_cmdc_lib_self" ]]; then _cmdc_lib_self=$(readlink -f -- "$_cmdc_lib_self"); fi
_cmdc_lib_eh="${_cmdc_lib_self%/*}/error-handling.sh"
[[ -f "$_cmdc_lib_eh" || ! -f "${_cmdc_lib_self%/*}/../core/error-handling.sh" ]] || _cmdc_lib_eh="${_cmdc_lib_self%/*}/../core/error-handling.sh"
# shellcheck source=error-handling.sh
source "$_cmdc_lib_eh"
unset _cmdc_lib_self _cmdc_lib_eh

readonly STATE_INITIALIZE=initialize STATE_RESEARCH=research STATE_PLAN=plan STATE_IMPLEMENT=implement
readonly STATE_TEST=test STATE_DEBUG=debug STATE_DOCUMENT=document STATE_COMPLETE=complete
readonly CMDC_SM_STATES="initialize research plan implement test debug document complete"
readonly CMDC_SM_WORKFLOW_TYPES="research-only research-and-plan research-and-revise full-implementation debug-only implement-only test-and-debug"

# Global transition table (same order as TRANSITIONS in runtime/store/state-machine.ts).
declare -gA CMDC_SM_TRANSITIONS=(
  [initialize]="research implement test debug"
  [research]="plan debug complete"
  [plan]="implement debug complete"
  [implement]="test complete"
  [test]="debug document complete"
  [debug]="test implement document complete"
  [document]="complete"
  [complete]=""
)
# Per workflow type: entry states, working states, terminal state.
declare -gA CMDC_SM_ENTRY=(
  [research-only]="research" [research-and-plan]="research" [research-and-revise]="research"
  [full-implementation]="research" [debug-only]="research debug" [implement-only]="implement"
  [test-and-debug]="test"
)
declare -gA CMDC_SM_TYPE_STATES=(
  [research-only]="research" [research-and-plan]="research plan" [research-and-revise]="research plan"
  [full-implementation]="research plan implement test debug document"
  [debug-only]="research plan debug" [implement-only]="implement" [test-and-debug]="test debug"
)
declare -gA CMDC_SM_TERMINAL=(
  [research-only]="research" [research-and-plan]="plan" [research-and-revise]="plan"
  [full-implementation]="document" [debug-only]="debug" [implement-only]="implement"
  [test-and-debug]="test"
)

# _cmdc_in_list WORD LIST
_cmdc_in_list() { [[ -n "$1" && " $2 " == *" $1 "* ]]; }

# cmdc_sm_is_allowed TYPE FROM TO: the table rule of isAllowedTransition (no self-transitions).
cmdc_sm_is_allowed() {
  local type=$1 from=$2 to=$3
  _cmdc_in_list "$type" "$CMDC_SM_WORKFLOW_TYPES" || return 1
  _cmdc_in_list "$from" "$CMDC_SM_STATES" || return 1
  _cmdc_in_list "$to" "${CMDC_SM_TRANSITIONS[$from]}" || return 1
  if [[ "$to" == complete ]]; then [[ "$from" == "${CMDC_SM_TERMINAL[$type]}" ]]; return; fi
  if [[ "$from" == initialize ]]; then _cmdc_in_list "$to" "${CMDC_SM_ENTRY[$type]}"; return; fi
  _cmdc_in_list "$to" "${CMDC_SM_TYPE_STATES[$type]}"
}

# sm_allowed_transitions: the allowed next states of the current machine, table order.
sm_allowed_transitions() {
  local to out=()
  for to in ${CMDC_SM_TRANSITIONS[${CURRENT_STATE:-}]:-}; do
    cmdc_sm_is_allowed "${WORKFLOW_TYPE:-}" "$CURRENT_STATE" "$to" && out+=("$to")
  done
  echo "${out[*]}"
}

sm_can_transition() {
  [[ "$1" == "${CURRENT_STATE:-}" ]] && _cmdc_in_list "$1" "$CMDC_SM_STATES" && return 0
  cmdc_sm_is_allowed "${WORKFLOW_TYPE:-}" "${CURRENT_STATE:-}" "$1"
}

# Persist the given machine variables when a state file is in use: one record, in the given
# order (the TS side appends smToVars / smTransitionVars with appendMany: the same line).
_cmdc_sm_persist() {
  [[ -n "${STATE_FILE:-}" && -f "$STATE_FILE" ]] || return 0
  declare -F cmdc_append_record >/dev/null || return 0
  local name q v words assignments=()
  for name in "$@"; do
    if [[ "$name" == COMPLETED_STATES ]]; then
      words=""
      for v in ${COMPLETED_STATES[@]+"${COMPLETED_STATES[@]}"}; do
        cmdc_quote q "$v"
        words+="${words:+ }$q"
      done
      assignments+=("COMPLETED_STATES=($words)")
    else
      cmdc_quote q "${!name}"
      assignments+=("$name=$q")
    fi
  done
  cmdc_append_record "${assignments[@]}"
}

sm_init() {
  local type
  if (($# == 1)); then type=$1; else type=${3:-}; fi
  if ! _cmdc_in_list "$type" "$CMDC_SM_WORKFLOW_TYPES"; then
    local msg j_type
    msg="unknown workflow type \"$type\"; expected one of ${CMDC_SM_WORKFLOW_TYPES// /, }"
    echo "ERROR: $msg" >&2
    cmdc_json_string j_type "$type"
    _cmdc_log_error_json "${COMMAND_NAME:-}" "${WORKFLOW_ID:-}" "${USER_ARGS:-}" validation_error "$msg" \
      "${CMDC_SOURCE:-}" "{\"workflow_type\":$j_type}" || true
    return 1
  fi
  CURRENT_STATE=initialize
  WORKFLOW_TYPE=$type
  TERMINAL_STATE=${CMDC_SM_TERMINAL[$type]}
  COMPLETED_STATES=()
  export CURRENT_STATE WORKFLOW_TYPE TERMINAL_STATE
  _cmdc_sm_persist CURRENT_STATE WORKFLOW_TYPE TERMINAL_STATE COMPLETED_STATES
}

sm_transition() {
  local to=${1:-} from=${CURRENT_STATE:-}
  if [[ "$to" == "$from" ]] && _cmdc_in_list "$to" "$CMDC_SM_STATES"; then return 0; fi
  if ! cmdc_sm_is_allowed "${WORKFLOW_TYPE:-}" "$from" "$to"; then
    local allowed allowed_c msg ctx j_from j_to j_type a j_allowed=""
    allowed=$(sm_allowed_transitions)
    allowed_c=${allowed// /, }
    msg="invalid state transition $from -> $to (workflow type ${WORKFLOW_TYPE:-}); allowed from $from: ${allowed_c:-(none)}"
    echo "ERROR: $msg" >&2
    for a in $allowed; do j_allowed+="${j_allowed:+,}\"$a\""; done
    cmdc_json_string j_from "$from"
    cmdc_json_string j_to "$to"
    cmdc_json_string j_type "${WORKFLOW_TYPE:-}"
    ctx="{\"from\":$j_from,\"to\":$j_to,\"allowed\":[$j_allowed],\"workflow_type\":$j_type}"
    _cmdc_log_error_json "${COMMAND_NAME:-}" "${WORKFLOW_ID:-}" "${USER_ARGS:-}" state_error "$msg" \
      "${CMDC_SOURCE:-}" "$ctx" || true
    return 1
  fi
  _cmdc_in_list "$from" "${COMPLETED_STATES[*]+${COMPLETED_STATES[*]}}" || COMPLETED_STATES+=("$from")
  CURRENT_STATE=$to
  export CURRENT_STATE
  _cmdc_sm_persist CURRENT_STATE COMPLETED_STATES
}

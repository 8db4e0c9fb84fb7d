#!/usr/bin/env bash
# One block of a 3-block command in the seed's pattern (see state-persistence.sh).
# Usage: step.sh <step 1|2|3> <prefix> <instance>; prints "id <id>" or "read <INSTANCE> <id>".
source "$(dirname "$0")/state-persistence.sh"
STEP="$1" PREFIX="$2" MY_INSTANCE="$3"
if [ "$STEP" = 1 ]; then
  WORKFLOW_ID="${PREFIX}_$(date +%s%N)"
  export WORKFLOW_ID
  init_workflow_state "$WORKFLOW_ID" >/dev/null
  append_workflow_state "INSTANCE" "$MY_INSTANCE"
  echo "id $WORKFLOW_ID"
else
  STATE_FILE=$(discover_latest_state_file "$PREFIX")
  if [ -z "$STATE_FILE" ] || [ ! -f "$STATE_FILE" ]; then
    echo "ERROR: Failed to discover state file from previous block" >&2
    exit 1
  fi
  load_workflow_state "$STATE_FILE"
  echo "read $INSTANCE $WORKFLOW_ID"
  append_workflow_state "STEP$STEP" "done"
fi

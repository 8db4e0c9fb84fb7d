# The seed's state-persistence pattern, written from the "Concurrent Execution Migration
# Guide" (../shared/seed/): per-instance workflow_${WORKFLOW_ID}.sh files with
# WORKFLOW_ID="<prefix>_$(date +%s%N)", later blocks find "their" file as the newest by mtime
# with the prefix, and load it with `source`; values escaped for double quotes only (\ and ").
# Deliberately the racy original: tests use it to prove the harness can see crosstalk.

init_workflow_state() {
  local workflow_id="$1"
  STATE_FILE="${CLAUDE_PROJECT_DIR}/.claude/tmp/workflow_${workflow_id}.sh"
  mkdir -p "$(dirname "$STATE_FILE")"
  : > "$STATE_FILE"
  append_workflow_state "WORKFLOW_ID" "$workflow_id"
  echo "$STATE_FILE"
}

append_workflow_state() {
  local key="$1" value="$2"
  value="${value//\\/\\\\}"
  value="${value//\"/\\\"}"
  echo "export ${key}=\"${value}\"" >> "$STATE_FILE"
}

discover_latest_state_file() {
  local prefix="$1"
  local dir="${CLAUDE_PROJECT_DIR}/.claude/tmp"
  find "$dir" -name "workflow_${prefix}_*.sh" -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -1 | cut -d' ' -f2-
}

load_workflow_state() {
  source "$1"
}

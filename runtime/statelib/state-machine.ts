/**
 * In-process builtins for runtime/lib/workflow-state-machine.sh (activated by
 * `source …/workflow-state-machine.sh`): sm_init, sm_transition, sm_allowed_transitions,
 * sm_can_transition. The tables are runtime/store/state-machine.ts's; the machine lives in the shell
 * variables CURRENT_STATE, WORKFLOW_TYPE, TERMINAL_STATE, COMPLETED_STATES and is persisted to
 * $STATE_FILE exactly as the bash functions do (only when the persistence library is active in
 * the shell, as `declare -F cmdc_append_record` decides in bash).
 */
import type { Shell } from '../shell/shell.js';
import type { Builtin } from '../shell/builtins/index.js';
import { elements } from '../shell/vars.js';
import { STATES, TRANSITIONS, WORKFLOW_SPECS, WORKFLOW_TYPES, isAllowedTransition, isState, isWorkflowType } from '../store/state-machine.js';
import { activateErrorHandling } from './error-handling.js';
import { abs, defineGlobals, exportVar, isFile, jsonString, logErrorJson, set, v } from './util.js';
import { PERSISTENCE_BUILTINS, appendRecord } from './persistence.js';

const SM_READONLY: Record<string, string> = {
  STATE_INITIALIZE: 'initialize', STATE_RESEARCH: 'research', STATE_PLAN: 'plan', STATE_IMPLEMENT: 'implement',
  STATE_TEST: 'test', STATE_DEBUG: 'debug', STATE_DOCUMENT: 'document', STATE_COMPLETE: 'complete',
  CMDC_SM_STATES: STATES.join(' '),
  CMDC_SM_WORKFLOW_TYPES: WORKFLOW_TYPES.join(' '),
};

function table(f: (t: (typeof WORKFLOW_TYPES)[number]) => string): Map<string, string> {
  return new Map(WORKFLOW_TYPES.map((t) => [t, f(t)]));
}

export const STATE_MACHINE_VARS = [
  '_CMDC_WORKFLOW_STATE_MACHINE_SH', ...Object.keys(SM_READONLY),
  'CMDC_SM_TRANSITIONS', 'CMDC_SM_ENTRY', 'CMDC_SM_TYPE_STATES', 'CMDC_SM_TERMINAL',
];

export function activateStateMachine(sh: Shell): void {
  if (v(sh, '_CMDC_WORKFLOW_STATE_MACHINE_SH')) return;
  defineGlobals(sh, { _CMDC_WORKFLOW_STATE_MACHINE_SH: '1' }, false);
  activateErrorHandling(sh);
  defineGlobals(sh, SM_READONLY, true);
  defineGlobals(sh, {
    CMDC_SM_TRANSITIONS: new Map(STATES.map((s) => [s, TRANSITIONS[s].join(' ')])),
    CMDC_SM_ENTRY: table((t) => WORKFLOW_SPECS[t].entry.join(' ')),
    CMDC_SM_TYPE_STATES: table((t) => WORKFLOW_SPECS[t].states.join(' ')),
    CMDC_SM_TERMINAL: table((t) => WORKFLOW_SPECS[t].terminal),
  }, false);
}

/** cmdc_sm_is_allowed TYPE FROM TO */
function allowed(type: string, from: string, to: string): boolean {
  return isWorkflowType(type) && isState(from) && isState(to) && isAllowedTransition(type, from, to);
}

/** `"${A[*]}"`: elements joined by the first character of IFS. */
function joinStar(sh: Shell, items: string[]): string {
  const ifs = sh.ifs();
  return items.join(ifs === '' ? '' : ifs[0]);
}

function allowedList(sh: Shell): string[] {
  const from = v(sh, 'CURRENT_STATE');
  if (!isState(from)) return [];
  return TRANSITIONS[from].filter((to) => allowed(v(sh, 'WORKFLOW_TYPE'), from, to));
}

/** sm_allowed_transitions */
export const sm_allowed_transitions: Builtin = (sh) => {
  if (v(sh, 'CURRENT_STATE') === '') sh.err(`${sh.scriptName}: line ${sh.line}: CMDC_SM_TRANSITIONS: bad array subscript\n`);
  sh.out(joinStar(sh, allowedList(sh)) + '\n');
  return 0;
};

/** sm_can_transition TO */
export const sm_can_transition: Builtin = (sh, args) => {
  const to = args[0] ?? '';
  if (to === v(sh, 'CURRENT_STATE') && isState(to)) return 0;
  return allowed(v(sh, 'WORKFLOW_TYPE'), v(sh, 'CURRENT_STATE'), to) ? 0 : 1;
};

/** _cmdc_sm_persist NAME...: one record of the machine variables, when a state file is in use. */
function persist(sh: Shell, names: string[]): number {
  const sf = v(sh, 'STATE_FILE');
  if (!sf || !isFile(abs(sh, sf))) return 0;
  // bash: declare -F cmdc_append_record (defined by state-persistence.sh)
  if (sh.libBuiltins.get('append_workflow_state') !== PERSISTENCE_BUILTINS.append_workflow_state && !sh.funcs.has('cmdc_append_record')) return 0;
  const record: Record<string, string | string[]> = {};
  for (const n of names) {
    if (n === 'COMPLETED_STATES') record[n] = elements(sh.vars.lookup(n)?.value);
    else record[n] = v(sh, n);
  }
  return appendRecord(sh, record);
}

/** sm_init WORKFLOW_TYPE | sm_init DESCRIPTION COMMAND WORKFLOW_TYPE [COMPLEXITY] [TOPICS_JSON] */
export const sm_init: Builtin = (sh, args) => {
  const type = args.length === 1 ? args[0]! : args[2] ?? '';
  if (!isWorkflowType(type)) {
    const m = `unknown workflow type "${type}"; expected one of ${WORKFLOW_TYPES.join(', ')}`;
    sh.err(`ERROR: ${m}\n`);
    logErrorJson(sh, {
      command: v(sh, 'COMMAND_NAME'), workflowId: v(sh, 'WORKFLOW_ID'), userArgs: v(sh, 'USER_ARGS'),
      errorType: 'validation_error', message: m, source: v(sh, 'CMDC_SOURCE'), context: `{"workflow_type":${jsonString(type)}}`,
    });
    return 1;
  }
  if (!set(sh, 'CURRENT_STATE', 'initialize') || !set(sh, 'WORKFLOW_TYPE', type) || !set(sh, 'TERMINAL_STATE', WORKFLOW_SPECS[type].terminal)) return 1;
  if (!sh.setArray('COMPLETED_STATES', [])) return 1;
  for (const n of ['CURRENT_STATE', 'WORKFLOW_TYPE', 'TERMINAL_STATE']) exportVar(sh, n);
  return persist(sh, ['CURRENT_STATE', 'WORKFLOW_TYPE', 'TERMINAL_STATE', 'COMPLETED_STATES']);
};

/** sm_transition TO */
export const sm_transition: Builtin = (sh, args) => {
  const to = args[0] ?? '';
  const from = v(sh, 'CURRENT_STATE');
  const type = v(sh, 'WORKFLOW_TYPE');
  if (to === from && isState(to)) return 0;
  if (!allowed(type, from, to)) {
    // bash: allowed=$(sm_allowed_transitions) (its stderr is the caller's)
    if (from === '') sh.err(`${sh.scriptName}: line ${sh.line}: CMDC_SM_TRANSITIONS: bad array subscript\n`);
    const list = allowedList(sh);
    const allowedText = joinStar(sh, list).split(' ').join(', ');
    const m = `invalid state transition ${from} -> ${to} (workflow type ${type}); allowed from ${from}: ${allowedText || '(none)'}`;
    sh.err(`ERROR: ${m}\n`);
    const ctx = `{"from":${jsonString(from)},"to":${jsonString(to)},"allowed":[${list.map((a) => `"${a}"`).join(',')}],"workflow_type":${jsonString(type)}}`;
    logErrorJson(sh, {
      command: v(sh, 'COMMAND_NAME'), workflowId: v(sh, 'WORKFLOW_ID'), userArgs: v(sh, 'USER_ARGS'),
      errorType: 'state_error', message: m, source: v(sh, 'CMDC_SOURCE'), context: ctx,
    });
    return 1;
  }
  const done = elements(sh.vars.lookup('COMPLETED_STATES')?.value);
  if (!` ${joinStar(sh, done)} `.includes(` ${from} `)) {
    if (!sh.setArray('COMPLETED_STATES', [from], true)) return 1;
  }
  if (!set(sh, 'CURRENT_STATE', to)) return 1;
  exportVar(sh, 'CURRENT_STATE');
  return persist(sh, ['CURRENT_STATE', 'COMPLETED_STATES']);
};

export const STATE_MACHINE_BUILTINS: Record<string, Builtin> = {
  sm_init,
  sm_transition,
  sm_allowed_transitions,
  sm_can_transition,
};

/**
 * The workflow state machine the commands drive (research → plan → implement → test → debug
 * → document → complete). A machine is plain data that serialises into the instance's state
 * file as CURRENT_STATE, WORKFLOW_TYPE, TERMINAL_STATE and the array COMPLETED_STATES; the bash
 * library runtime/lib/workflow-state-machine.sh implements the same tables.
 *
 * Global transition table (an edge must be here to be taken at all):
 *
 *   from        → to
 *   initialize  → research, implement, test, debug
 *   research    → plan, debug, complete
 *   plan        → implement, debug, complete
 *   implement   → test, complete
 *   test        → debug, document, complete
 *   debug       → test, implement, document, complete
 *   document    → complete
 *   complete    → (none)
 *
 * Workflow types narrow it: the first transition out of `initialize` must go to one of the
 * type's entry states, every other target must be one of the type's states, and `complete` can
 * only be entered from the type's terminal state (the state whose success ends the work):
 *
 *   type                 entry      states                                             terminal
 *   research-only        research   research                                           research
 *   research-and-plan    research   research, plan                                     plan
 *   research-and-revise  research   research, plan (plan = the revised plan)           plan
 *   full-implementation  research   research, plan, implement, test, debug, document   document
 *   debug-only           research,  research, plan, debug                              debug
 *                        debug
 *   implement-only       implement  implement                                          implement
 *   test-and-debug       test       test, debug                                        test
 *
 * A transition to the current state is an allowed no-op (a re-run block repeats its
 * sm_transition). Any other transition outside these rules throws InvalidTransitionError
 * (error type state_error) and, when a log context is given, writes an error-log entry.
 */
import { logError, type ErrorLogContext, type ErrorType } from './error-log.js';

export const STATES = ['initialize', 'research', 'plan', 'implement', 'test', 'debug', 'document', 'complete'] as const;
export type State = (typeof STATES)[number];

export const WORKFLOW_TYPES = [
  'research-only',
  'research-and-plan',
  'research-and-revise',
  'full-implementation',
  'debug-only',
  'implement-only',
  'test-and-debug',
] as const;
export type WorkflowType = (typeof WORKFLOW_TYPES)[number];

export function isState(v: unknown): v is State {
  return typeof v === 'string' && (STATES as readonly string[]).includes(v);
}

export function isWorkflowType(v: unknown): v is WorkflowType {
  return typeof v === 'string' && (WORKFLOW_TYPES as readonly string[]).includes(v);
}

/** The global transition table (see the file header). */
export const TRANSITIONS: Readonly<Record<State, readonly State[]>> = {
  initialize: ['research', 'implement', 'test', 'debug'],
  research: ['plan', 'debug', 'complete'],
  plan: ['implement', 'debug', 'complete'],
  implement: ['test', 'complete'],
  test: ['debug', 'document', 'complete'],
  debug: ['test', 'implement', 'document', 'complete'],
  document: ['complete'],
  complete: [],
};

export interface WorkflowTypeSpec {
  /** States allowed as the first transition out of `initialize`. */
  readonly entry: readonly State[];
  /** Working states the type may visit (besides initialize and complete). */
  readonly states: readonly State[];
  /** The only state `complete` may be entered from. */
  readonly terminal: State;
  readonly description: string;
}

/** Per-workflow-type rules (see the file header). */
export const WORKFLOW_SPECS: Readonly<Record<WorkflowType, WorkflowTypeSpec>> = {
  'research-only': {
    entry: ['research'],
    states: ['research'],
    terminal: 'research',
    description: 'research reports only',
  },
  'research-and-plan': {
    entry: ['research'],
    states: ['research', 'plan'],
    terminal: 'plan',
    description: 'research, then write a plan',
  },
  'research-and-revise': {
    entry: ['research'],
    states: ['research', 'plan'],
    terminal: 'plan',
    description: 'research, then revise an existing plan',
  },
  'full-implementation': {
    entry: ['research'],
    states: ['research', 'plan', 'implement', 'test', 'debug', 'document'],
    terminal: 'document',
    description: 'research, plan, implement, test/debug loop, document',
  },
  'debug-only': {
    entry: ['research', 'debug'],
    states: ['research', 'plan', 'debug'],
    terminal: 'debug',
    description: 'investigate (optionally research and plan), then debug',
  },
  'implement-only': {
    entry: ['implement'],
    states: ['implement'],
    terminal: 'implement',
    description: 'implement an existing plan',
  },
  'test-and-debug': {
    entry: ['test'],
    states: ['test', 'debug'],
    terminal: 'test',
    description: 'run tests, debug failures, re-test until green',
  },
};

/** A workflow's state-machine value: plain, immutable, serialisable data. */
export interface Machine {
  readonly workflowType: WorkflowType;
  readonly currentState: State;
  readonly terminalState: State;
  /** States left so far, in order of first completion, without duplicates. */
  readonly completedStates: readonly State[];
}

/** The state-file variables of a machine (a type alias, so it fits Record<string, …> parameters). */
export type MachineVars = {
  CURRENT_STATE: string;
  WORKFLOW_TYPE: string;
  TERMINAL_STATE: string;
  COMPLETED_STATES: string[];
};

/** A transition the tables forbid. `logged` is true once it was written to the error log. */
export class InvalidTransitionError extends Error {
  readonly errorType: ErrorType = 'state_error';
  readonly from: State;
  readonly to: string;
  readonly allowed: readonly State[];
  readonly workflowType: WorkflowType;
  logged = false;
  constructor(machine: Machine, to: string, allowed: readonly State[]) {
    super(
      `invalid state transition ${machine.currentState} -> ${to} (workflow type ${machine.workflowType}); ` +
        `allowed from ${machine.currentState}: ${allowed.length ? allowed.join(', ') : '(none)'}`,
    );
    this.name = 'InvalidTransitionError';
    this.from = machine.currentState;
    this.to = to;
    this.allowed = allowed;
    this.workflowType = machine.workflowType;
  }
}

/** An unknown workflow type given to smInit, or state-file variables that do not form a machine. */
export class StateMachineError extends Error {
  readonly errorType: ErrorType;
  logged = false;
  constructor(message: string, errorType: ErrorType) {
    super(message);
    this.name = 'StateMachineError';
    this.errorType = errorType;
  }
}

function logIfAsked(err: InvalidTransitionError | StateMachineError, log: ErrorLogContext | undefined, context: Record<string, unknown>): void {
  if (log === undefined) return;
  logError(
    {
      command: log.command,
      workflow_id: log.workflowId,
      user_args: log.userArgs,
      source: log.source,
      error_type: err.errorType,
      message: err.message,
      context,
    },
    log.log,
  );
  err.logged = true;
}

/** A new machine in `initialize`. Throws StateMachineError (validation_error) on an unknown type. */
export function smInit(workflowType: WorkflowType | string, log?: ErrorLogContext): Machine {
  if (!isWorkflowType(workflowType)) {
    const err = new StateMachineError(
      `unknown workflow type ${JSON.stringify(workflowType)}; expected one of ${WORKFLOW_TYPES.join(', ')}`,
      'validation_error',
    );
    logIfAsked(err, log, { workflow_type: workflowType });
    throw err;
  }
  return {
    workflowType,
    currentState: 'initialize',
    terminalState: WORKFLOW_SPECS[workflowType].terminal,
    completedStates: [],
  };
}

/** Whether the tables allow from → to for a workflow type (self-transitions excluded). */
export function isAllowedTransition(workflowType: WorkflowType, from: State, to: State): boolean {
  if (!TRANSITIONS[from].includes(to)) return false;
  const spec = WORKFLOW_SPECS[workflowType];
  if (to === 'complete') return from === spec.terminal;
  if (from === 'initialize') return spec.entry.includes(to);
  return spec.states.includes(to);
}

/** The states this machine may move to next (table order; the no-op self-transition not listed). */
export function smAllowed(machine: Machine): State[] {
  return TRANSITIONS[machine.currentState].filter((to) => isAllowedTransition(machine.workflowType, machine.currentState, to));
}

export function smCanTransition(machine: Machine, to: string): boolean {
  return isState(to) && (to === machine.currentState || isAllowedTransition(machine.workflowType, machine.currentState, to));
}

/**
 * The machine after moving to `to`. Pure unless the transition is invalid and `log` is given:
 * then an error-log entry (state_error) is written before InvalidTransitionError is thrown.
 */
export function smTransition(machine: Machine, to: State | string, log?: ErrorLogContext): Machine {
  if (isState(to) && to === machine.currentState) return machine;
  if (!smCanTransition(machine, to)) {
    const allowed = smAllowed(machine);
    const err = new InvalidTransitionError(machine, to, allowed);
    logIfAsked(err, log, { from: err.from, to, allowed, workflow_type: machine.workflowType });
    throw err;
  }
  const from = machine.currentState;
  return {
    ...machine,
    currentState: to as State,
    completedStates: machine.completedStates.includes(from) ? machine.completedStates : [...machine.completedStates, from],
  };
}

/** True once the machine reached `complete`. */
export function smIsComplete(machine: Machine): boolean {
  return machine.currentState === 'complete';
}

/** The machine as state-file variables. */
export function smToVars(machine: Machine): MachineVars {
  return {
    CURRENT_STATE: machine.currentState,
    WORKFLOW_TYPE: machine.workflowType,
    TERMINAL_STATE: machine.terminalState,
    COMPLETED_STATES: [...machine.completedStates],
  };
}

/**
 * What a transition changes in the state file: CURRENT_STATE and COMPLETED_STATES, in this
 * order (the bash sm_transition appends the same record).
 */
export function smTransitionVars(machine: Machine): Pick<MachineVars, 'CURRENT_STATE' | 'COMPLETED_STATES'> {
  return { CURRENT_STATE: machine.currentState, COMPLETED_STATES: [...machine.completedStates] };
}

/**
 * Rebuilds a machine from state-file variables. COMPLETED_STATES may be an array or a
 * space-separated string; a missing one is empty. Throws StateMachineError (state_error) when
 * the variables do not describe a machine of the tables.
 */
export function smFromVars(vars: Readonly<Record<string, string | readonly string[] | undefined>>): Machine {
  const bad = (msg: string): never => {
    throw new StateMachineError(`state machine variables: ${msg}`, 'state_error');
  };
  const scalar = (k: string): string | undefined => {
    const v = vars[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return bad(`${k} must be a scalar`);
    return v;
  };
  const type = scalar('WORKFLOW_TYPE');
  if (!isWorkflowType(type)) return bad(`unknown WORKFLOW_TYPE ${JSON.stringify(type ?? '')}`);
  const current = scalar('CURRENT_STATE');
  if (!isState(current)) return bad(`unknown CURRENT_STATE ${JSON.stringify(current ?? '')}`);
  const terminal = scalar('TERMINAL_STATE');
  const spec = WORKFLOW_SPECS[type];
  if (terminal !== undefined && terminal !== spec.terminal) {
    bad(`TERMINAL_STATE ${terminal} does not match workflow type ${type} (terminal ${spec.terminal})`);
  }
  const raw = vars.COMPLETED_STATES;
  const list = raw === undefined ? [] : typeof raw === 'string' ? raw.split(/[\s,]+/).filter((s) => s !== '') : [...raw];
  const completed: State[] = [];
  for (const s of list) {
    if (!isState(s)) bad(`unknown state ${JSON.stringify(s)} in COMPLETED_STATES`);
    else if (!completed.includes(s)) completed.push(s);
  }
  return { workflowType: type, currentState: current, terminalState: spec.terminal, completedStates: completed };
}

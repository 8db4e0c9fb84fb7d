/** Tests for runtime/store/state-machine.ts: every allowed transition of every workflow type, invalid ones (typed error + error-log entry), serialisation. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readErrorLog } from '../../runtime/store/error-log.js';
import {
  InvalidTransitionError,
  isAllowedTransition,
  smAllowed,
  smFromVars,
  smInit,
  smIsComplete,
  smToVars,
  smTransition,
  StateMachineError,
  STATES,
  TRANSITIONS,
  WORKFLOW_SPECS,
  WORKFLOW_TYPES,
  type Machine,
  type State,
  type WorkflowType,
} from '../../runtime/store/state-machine.js';

/** Machines reachable from smInit(type) through allowed transitions, one per state (BFS: shortest path). */
function reachable(type: WorkflowType): Map<State, Machine> {
  const seen = new Map<State, Machine>();
  const queue: Machine[] = [smInit(type)];
  while (queue.length) {
    const m = queue.shift()!;
    if (seen.has(m.currentState)) continue;
    seen.set(m.currentState, m);
    for (const to of smAllowed(m)) queue.push(smTransition(m, to));
  }
  return seen;
}

test('every workflow type can reach complete, through its terminal state', () => {
  for (const type of WORKFLOW_TYPES) {
    const r = reachable(type);
    assert.ok(r.has('complete'), `${type} reaches complete`);
    const done = r.get('complete')!;
    assert.is(done.completedStates.at(-1), WORKFLOW_SPECS[type].terminal, type);
    assert.ok(smIsComplete(done));
    assert.equal(smAllowed(done), []);
    // every state the type declares is reachable
    for (const s of WORKFLOW_SPECS[type].states) assert.ok(r.has(s), `${type} reaches ${s}`);
  }
});

test('every valid transition in the table passes, for every workflow type allowing it', () => {
  let checked = 0;
  for (const type of WORKFLOW_TYPES) {
    for (const [from, m] of reachable(type)) {
      for (const to of TRANSITIONS[from]) {
        if (!isAllowedTransition(type, from, to)) continue;
        const next = smTransition(m, to);
        assert.is(next.currentState, to);
        assert.is(next.workflowType, type);
        assert.ok(next.completedStates.includes(from));
        assert.is(m.currentState, from, 'input machine not mutated');
        checked++;
      }
    }
  }
  assert.ok(checked >= 30, `checked ${checked}`);
});

test('every edge of the global table is used by some workflow type', () => {
  for (const from of STATES) {
    for (const to of TRANSITIONS[from]) {
      assert.ok(WORKFLOW_TYPES.some((t) => isAllowedTransition(t, from, to)), `${from} -> ${to} unused`);
    }
  }
});

test('the full-implementation happy path with a test/debug loop', () => {
  let m = smInit('full-implementation');
  for (const s of ['research', 'plan', 'implement', 'test', 'debug', 'test', 'debug', 'implement', 'test', 'document', 'complete'] as const) {
    m = smTransition(m, s);
  }
  assert.equal(m.completedStates, ['initialize', 'research', 'plan', 'implement', 'test', 'debug', 'document']);
  assert.is(m.currentState, 'complete');
});

test('a transition to the current state is a no-op', () => {
  const m = smTransition(smInit('research-only'), 'research');
  assert.is(smTransition(m, 'research'), m);
  const init = smInit('test-and-debug');
  assert.is(smTransition(init, 'initialize'), init);
});

const invalid: [WorkflowType, State[], string][] = [
  ['research-only', [], 'complete'], // initialize -> complete
  ['research-only', [], 'plan'], // not an entry state
  ['research-only', ['research'], 'plan'], // in the table, but outside the type
  ['research-and-plan', ['research'], 'complete'], // complete only from the terminal (plan)
  ['full-implementation', ['research', 'plan', 'implement'], 'complete'], // terminal is document
  ['full-implementation', ['research', 'plan'], 'test'], // not in the table
  ['full-implementation', ['research', 'plan', 'implement', 'test'], 'plan'], // backwards
  ['implement-only', ['implement', 'complete'], 'research'], // nothing leaves complete
  ['test-and-debug', ['test', 'debug'], 'complete'], // terminal is test
  ['debug-only', [], 'implement'],
  ['debug-only', ['debug'], 'bogus'], // unknown state
];

test('invalid transitions throw InvalidTransitionError (from, to, allowed) and log a state_error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmdc-sm-'));
  for (const [i, [type, path, to]] of invalid.entries()) {
    let m = smInit(type);
    for (const s of path) m = smTransition(m, s);
    const log = { command: '/sm-test', workflowId: `sm_${i}`, userArgs: 'x', source: 'sm.md:3', log: { dir } };
    let err: unknown;
    try {
      smTransition(m, to, log);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof InvalidTransitionError, `${type}: ${m.currentState} -> ${to} must throw`);
    const e = err as InvalidTransitionError;
    assert.is(e.from, m.currentState);
    assert.is(e.to, to);
    assert.equal(e.allowed, smAllowed(m));
    assert.is(e.errorType, 'state_error');
    assert.ok(e.logged);
    assert.match(e.message, new RegExp(`${m.currentState} -> ${to}`));
  }
  const { entries, malformed } = readErrorLog({ dir });
  assert.is(malformed, 0);
  assert.is(entries.length, invalid.length);
  for (const [i, e] of entries.entries()) {
    assert.is(e.error_type, 'state_error');
    assert.is(e.workflow_id, `sm_${i}`);
    assert.is(e.source, 'sm.md:3');
    assert.is(e.context.to, invalid[i]![2]);
    assert.is(e.context.workflow_type, invalid[i]![0]);
    assert.ok(Array.isArray(e.context.allowed));
  }
  // without a log context nothing is written, and the error is not marked logged
  try {
    smTransition(smInit('research-only'), 'complete');
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof InvalidTransitionError && !e.logged);
  }
  assert.is(readErrorLog({ dir }).entries.length, invalid.length);
  rmSync(dir, { recursive: true });
});

test('smInit rejects an unknown workflow type (validation_error, logged when asked)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmdc-sm-'));
  let err: unknown;
  try {
    smInit('everything', { command: '/x', log: { dir } });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof StateMachineError);
  assert.is((err as StateMachineError).errorType, 'validation_error');
  assert.match((err as Error).message, /research-only/);
  assert.is(readErrorLog({ dir }).entries[0]!.error_type, 'validation_error');
  rmSync(dir, { recursive: true });
});

test('smToVars / smFromVars round-trip; bad variables are a StateMachineError', () => {
  for (const type of WORKFLOW_TYPES) {
    for (const m of reachable(type).values()) {
      const vars = smToVars(m);
      assert.equal(smFromVars({ ...vars }), m);
      assert.equal(smFromVars({ ...vars, COMPLETED_STATES: vars.COMPLETED_STATES.join(' ') }), m);
    }
  }
  assert.equal(smToVars(smTransition(smInit('research-and-plan'), 'research')), {
    CURRENT_STATE: 'research',
    WORKFLOW_TYPE: 'research-and-plan',
    TERMINAL_STATE: 'plan',
    COMPLETED_STATES: ['initialize'],
  });
  const ok = { CURRENT_STATE: 'plan', WORKFLOW_TYPE: 'research-and-plan' };
  assert.equal(smFromVars(ok).completedStates, []);
  for (const bad of [
    { ...ok, WORKFLOW_TYPE: 'nope' },
    { ...ok, CURRENT_STATE: 'nope' },
    { ...ok, TERMINAL_STATE: 'complete' },
    { ...ok, COMPLETED_STATES: ['research', 'nope'] },
    { ...ok, CURRENT_STATE: ['plan'] },
    { CURRENT_STATE: 'plan' },
  ]) {
    assert.throws(() => smFromVars(bad), (e: unknown) => e instanceof StateMachineError && e.errorType === 'state_error', JSON.stringify(bad));
  }
});

test.run();

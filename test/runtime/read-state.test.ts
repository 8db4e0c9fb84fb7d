/**
 * `State` in a generated module types something real: readState(command, id) returns an
 * instance's state typed by the command's generated State. Runs /implement on the example plan in
 * a temp project and reads what its blocks persisted; an instance of another command is refused.
 * The `@ts-expect-error` lines are the type-level test: tsc over the project (test/unit/repo.test.ts)
 * fails if a wrong key or a wrong value type stops being an error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { command as implement, type State as ImplementState } from '../../generated/implement.js';
import { command as research } from '../../generated/research.js';
import { run } from '../../runtime/runner/run.js';
import { readState, WrongCommandError } from '../../runtime/runner/read-state.js';
import { createState } from '../../runtime/store/state.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PROJ = mkdtempSync(join(tmpdir(), 'cmdc-read-state-'));
const env = { PATH: process.env.PATH, HOME: PROJ, LC_ALL: 'C.UTF-8', TZ: 'UTC', CLAUDE_PROJECT_DIR: PROJ, CMDC_OWNER: 'read-state-test' };

/** Compile-time only: what the State of /implement allows. */
export function typeLevel(s: ImplementState): void {
  const plan: string | undefined = s.PLAN_FILE;
  const done: string[] | undefined = s.COMPLETED_STATES;
  void plan;
  void done;
  // @ts-expect-error: not a key /implement persists
  void s.PLAN_FLIE;
  // @ts-expect-error: COMPLETED_STATES is an array
  const wrong: string | undefined = s.COMPLETED_STATES;
  void wrong;
  // readState infers State from the command module
  const r = readState(implement, 'x');
  const title: string | undefined = r.PLAN_TITLE;
  void title;
  // @ts-expect-error: not a key /implement persists
  void r.NOT_A_KEY;
}

test('readState: the keys /implement persisted, typed by its State', async () => {
  copyFileSync(join(ROOT, 'examples/plan.md'), join(PROJ, 'plan.md'));
  let out = '';
  let err = '';
  const code = await run(implement, ['node', 'implement.ts', 'plan.md'], {
    env, cwd: PROJ, out: (s) => { out += s; }, err: (s) => { err += s; },
  });
  process.exitCode = 0;
  assert.is(code, 0, err);
  const dir = join(PROJ, '.claude/tmp');
  const ids = readdirSync(dir).filter((f) => /^workflow_.*\.sh$/.test(f)).map((f) => f.slice('workflow_'.length, -3));
  assert.is(ids.length, 1, out);
  const st: ImplementState = readState(implement, ids[0]!, { env, cwd: PROJ });
  assert.is(st.PLAN_FILE, 'plan.md');
  assert.is(st.PLAN_TITLE, 'greeting command');
  assert.is(st.TOTAL_PHASES, '3');
  assert.is(st.CURRENT_STATE, 'implement');
  assert.ok(Array.isArray(st.COMPLETED_STATES), JSON.stringify(st));
  // reading through a path works too, and reads without writing
  assert.is(readState(implement, join(dir, `workflow_${ids[0]}.sh`)).PLAN_FILE, 'plan.md');
  // the run record says whose instance it is
  assert.throws(() => readState(research, ids[0]!, { env, cwd: PROJ }), (e: unknown) => e instanceof WrongCommandError && /not of \/research/.test(e.message));
});

test('readState: an instance without a run record (created by its blocks) is read as is', () => {
  const ws = createState('implement', { dir: join(PROJ, 'other'), vars: { PLAN_FILE: 'x.md', COMPLETED_STATES: ['a', 'b c'] } });
  const st = readState(implement, ws.id, { dir: join(PROJ, 'other') });
  assert.is(st.PLAN_FILE, 'x.md');
  assert.equal(st.COMPLETED_STATES, ['a', 'b c']);
  assert.is(st.OPEN_TASKS, undefined);
});

test.after(() => rmSync(PROJ, { recursive: true, force: true }));
test.run();

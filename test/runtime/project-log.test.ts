/**
 * The runner's failure entries in the project's own error-log shape (issue 9 item 9,
 * runtime/store/project-log.ts): a table of logs in several shapes (the seed's, one with `error`
 * and a string stack, one with extra keys, cmdc's own, none) and the entry cmdc writes into each;
 * the fixture project's own /errors functions (its bash library) read the runner's entry; and
 * through `run()`: a failing block gets a project-shaped entry, while a block whose library
 * logged its own failure is not logged twice.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from '../../runtime/command.js';
import { run } from '../../runtime/runner/run.js';
import { learnLogShape, logErrorAsProject, shapeEntry } from '../../runtime/store/project-log.js';
import { makeErrorEntry, readErrorLog } from '../../runtime/store/error-log.js';
import { tempDir } from '../helpers/tmp.js';
import { FIXTURE_PROJECT } from '../helpers/project.js';

const SEED = {
  timestamp: '2025-12-01T10:00:00Z',
  environment: 'production',
  command: '/implement',
  workflow_id: 'implement_1764583200000000000',
  user_args: 'plan.md',
  error_type: 'state_error',
  error_message: 'State file not found',
  source: 'bash_block_1b',
  stack: ['12 main /p/.claude/lib/core/state-persistence.sh'],
  context: { state_file: '/p/x.sh' },
  status: 'ERROR',
  status_updated_at: null,
  repair_plan_path: null,
};
const RESOLVED = { ...SEED, status: 'RESOLVED', status_updated_at: '2025-12-02T10:00:00Z', repair_plan_path: 'specs/001/plans/fix.md' };

const input = {
  command: '/debug',
  workflow_id: 'debug_1764583200000000001',
  user_args: 'login crashes',
  error_type: 'execution_error' as const,
  message: 'Block 2 failed with exit status 1',
  source: '.claude/commands/debug.md:70',
  context: { runner: 'cmdc', exit_code: 1 },
  timestamp: '2025-12-03T04:05:06.789Z',
};

// [what is in the log already (lines), the entry cmdc must write]
const ROWS: [string, string[], Record<string, unknown>][] = [
  [
    'seed shape (error_message, environment, stack array, status lifecycle)',
    [JSON.stringify(RESOLVED), JSON.stringify(SEED), JSON.stringify({ ...SEED, environment: 'test' })],
    {
      timestamp: '2025-12-03T04:05:06Z',
      environment: 'test',
      command: '/debug',
      workflow_id: 'debug_1764583200000000001',
      user_args: 'login crashes',
      error_type: 'execution_error',
      error_message: 'Block 2 failed with exit status 1',
      source: '.claude/commands/debug.md:70',
      stack: ['.claude/commands/debug.md:70'],
      context: { runner: 'cmdc', exit_code: 1 },
      status: 'ERROR',
      status_updated_at: null,
      repair_plan_path: null,
    },
  ],
  [
    'only resolved entries so far: the new status is still the fresh one',
    [JSON.stringify({ ...RESOLVED, status: 'FIX_PLANNED' }), JSON.stringify(RESOLVED), JSON.stringify(RESOLVED)],
    { status: 'RESOLVED' },
  ],
  [
    'other names: error, type, time with ms, a string stack, extra keys',
    [JSON.stringify({ time: '2025-12-01T10:00:00.123Z', type: 'file_error', error: 'x', cmd: '/a', stack: 'at x', host: 'ci-1', tags: ['a'], meta: { a: 1 } })],
    { time: '2025-12-03T04:05:06.789Z', type: 'execution_error', error: 'Block 2 failed with exit status 1', cmd: '/debug', stack: '.claude/commands/debug.md:70', host: null, tags: [], meta: {} },
  ],
];

test('the entry cmdc writes takes the keys, order and conventions of the entries already there', () => {
  const dir = tempDir('project-log');
  for (const [what, lines, want] of ROWS) {
    writeFileSync(join(dir, 'errors.jsonl'), lines.map((l) => l + '\n').join(''));
    const shape = learnLogShape(join(dir, 'errors.jsonl'));
    assert.ok(shape, what);
    const got = shapeEntry(makeErrorEntry(input), shape!);
    if (Object.keys(want).length === Object.keys(got).length) {
      assert.equal(Object.keys(got), Object.keys(want), `${what}: key order`);
      assert.equal(got, want, what);
    } else {
      for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, `${what}: ${k}`);
    }
  }
});

test("cmdc's own shape, an empty log and no log: cmdc's format", () => {
  const dir = tempDir('project-log-cmdc');
  assert.is(learnLogShape(join(dir, 'errors.jsonl')), null);
  writeFileSync(join(dir, 'errors.jsonl'), '');
  assert.is(learnLogShape(join(dir, 'errors.jsonl')), null);
  logErrorAsProject(input, { dir });
  assert.is(learnLogShape(join(dir, 'errors.jsonl')), null);
  const line = readFileSync(join(dir, 'errors.jsonl'), 'utf8').trim();
  assert.equal(Object.keys(JSON.parse(line) as object), ['timestamp', 'command', 'workflow_id', 'user_args', 'error_type', 'message', 'source', 'context']);
});

test("the fixture project's own /errors functions read the runner's entry; cmdc errors reads the project's", () => {
  const proj = tempDir('project-log-fixture');
  const logs = join(proj, '.claude/data/logs');
  const lib = join(FIXTURE_PROJECT, '.claude/lib/core/error-handling.sh');
  const bash = (script: string) => spawnSync('bash', ['-c', `source ${JSON.stringify(lib)}; ${script}`], { cwd: proj, encoding: 'utf8', env: { PATH: process.env.PATH, CLAUDE_PROJECT_DIR: proj } });
  // the project's library logs first (its shape), then the runner
  const a = bash(`log_command_error /implement implement_1764583200000000000 plan.md file_error "Plan file not found" bash_block_1a '{"plan":"x"}'`);
  assert.is(a.status, 0, a.stderr);
  const { timestamp: _fixed, ...now } = input; // logged now: --since 1h sees it
  logErrorAsProject(now, { dir: logs });
  const lines = readFileSync(join(logs, 'errors.jsonl'), 'utf8').trim().split('\n');
  assert.is(lines.length, 2);
  assert.equal(Object.keys(JSON.parse(lines[1]!) as object), Object.keys(JSON.parse(lines[0]!) as object));
  const shown = bash('while IFS= read -r e; do format_error_entry "$e"; done < <(query_errors --since 1h --command /debug); error_summary');
  assert.is(shown.status, 0, shown.stderr);
  assert.is(
    shown.stdout,
    '[ERROR] /debug execution_error: Block 2 failed with exit status 1 (.claude/commands/debug.md:70)\n1 execution_error\n1 file_error\ntotal: 2\n',
  );
  // and cmdc's reader takes error_message as the message
  const read = readErrorLog({ dir: logs }).entries.map((e) => e.message);
  assert.equal(read, ['Plan file not found', 'Block 2 failed with exit status 1']);
});

/** A command whose one block fails with status 3, after `before` ran (e.g. the library logging). */
function failing(before: (dir: string) => void, logs: string): CommandModule<unknown> {
  return {
    name: 'boom',
    source: 'boom.md',
    frontmatter: {},
    steps: [
      {
        kind: 'bash',
        name: 'block1',
        heading: 'Block 1',
        line: 5,
        endLine: 7,
        run: async (sh) => {
          before(logs);
          await sh.at(6).cmd(['exit', '3']);
        },
      },
    ],
  };
}

test('through run(): a failing block gets one project-shaped entry; a block that logged its own failure gets none', async () => {
  const base = tempDir('project-log-run');
  const logs = join(base, 'logs');
  mkdirSync(logs, { recursive: true });
  const env = { PATH: process.env.PATH, CMDC_STATE_DIR: join(base, 'state'), CMDC_LOG_DIR: logs, CMDC_OWNER: 'o' };
  const quiet = { env, cwd: base, out: () => {}, err: () => {} };
  writeFileSync(join(logs, 'errors.jsonl'), JSON.stringify(SEED) + '\n');
  // 1. the block logs nothing: the runner writes one entry, in the seed's shape
  assert.is(await run(failing(() => {}, logs), ['node', 'boom'], quiet), 3);
  let lines = readFileSync(join(logs, 'errors.jsonl'), 'utf8').trim().split('\n');
  assert.is(lines.length, 2);
  const e = JSON.parse(lines[1]!) as Record<string, unknown>;
  assert.equal(Object.keys(e), Object.keys(SEED));
  assert.is(e.error_message, 'Block 1 failed with exit status 3');
  assert.is(e.source, 'boom.md:5');
  assert.is(e.status, 'ERROR');
  assert.equal((e.context as Record<string, unknown>).runner, 'cmdc');
  // 2. the block's library logged its failure: nothing more from the runner
  const own = (d: string) => appendFileSync(join(d, 'errors.jsonl'), JSON.stringify({ ...SEED, error_message: 'logged by the block' }) + '\n');
  assert.is(await run(failing(own, logs), ['node', 'boom'], quiet), 3);
  lines = readFileSync(join(logs, 'errors.jsonl'), 'utf8').trim().split('\n');
  assert.is(lines.length, 3);
  assert.is((JSON.parse(lines[2]!) as Record<string, unknown>).error_message, 'logged by the block');
  // 3. no log yet: cmdc's own format
  rmSync(join(logs, 'errors.jsonl'));
  assert.is(await run(failing(() => {}, logs), ['node', 'boom'], quiet), 3);
  assert.ok(existsSync(join(logs, 'errors.jsonl')));
  assert.equal(Object.keys(JSON.parse(readFileSync(join(logs, 'errors.jsonl'), 'utf8')) as object)[5], 'message');
});

test.run();

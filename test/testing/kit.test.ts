/**
 * cmdc/testing's testBlock: one block in a fresh temp project, stubs through the exec-handler
 * chain (builtins, functions and the state library run for real), calls in order with argv, cwd
 * and stdin, strict mode naming an unstubbed command, state before and after, files written,
 * profiles, arguments, and nothing of the caller's touched (cwd, env, exit code, state dir).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testBlock, renderPrompt, UnstubbedCommandError } from 'cmdc/testing';
import { command as implement } from '../../generated/implement.js';
import { command as research } from '../../generated/research.js';
import { compileFixture } from '../helpers/compile-fixture.js';

const ROOT = resolve(import.meta.dirname, '../..');
const plan = readFileSync(resolve(ROOT, 'examples/plan.md'), 'utf8');
const ship = (await compileFixture('test/fixtures/testing/ship.md')).command;

const gitStub = ({ argv }: { argv: string[] }) => {
  if (argv.join(' ') === 'git rev-parse --abbrev-ref HEAD') return 'feature/x\n';
  if (argv.join(' ') === 'git rev-parse HEAD') return 'abc1234def5678\n';
  if (argv[1] === 'log') return 'fix: one\nfeat: two\nchore: three\n';
  return { stderr: `unexpected: ${argv.join(' ')}\n`, status: 1 };
};
/** jq for the two filters the block uses (stdin → stdout), in-process. */
const jqStub = ({ argv, stdin }: { argv: string[]; stdin: string }) => {
  if (argv.includes('-s')) return `${stdin.split('\n').filter((l) => l.length > 0).length}\n`;
  return `${JSON.stringify(JSON.parse(stdin))}\n`;
};

test('a block with git and jq stubbed: output, state, files, calls in order (argv, cwd, stdin)', async () => {
  const t0 = performance.now();
  const r = await testBlock(ship, 'Block 2', { state: { BASE_REF: 'v1.0' }, stubs: { git: gitStub, jq: jqStub }, strict: true });
  const ms = performance.now() - t0;
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'Release feature/x@abc1234: 3 changes since v1.0\n');
  assert.is(r.stderr, '');
  assert.is(r.state.COMMIT, 'abc1234def5678');
  assert.is(r.state.CHANGE_COUNT, '3');
  assert.is(r.state.BASE_REF, 'v1.0');
  // a _JSON key is typed JSON: parsed on the way out
  assert.equal(r.state.RELEASE_JSON, { branch: 'feature/x', commit: 'abc1234def5678', changes: 3 });
  assert.equal(ship.stateKinds, { RELEASE_JSON: 'json' });
  assert.equal(r.checkpoints, { release: { branch: 'feature/x', commit: 'abc1234def5678', changes: 3 } });
  assert.equal(Object.keys(r.files), ['release.json']);
  assert.is(r.files['release.json'], '{"branch":"feature/x","commit":"abc1234def5678","changes":3}\n');
  const cwd = r.dir;
  const git = (...argv: string[]) => ({ argv: ['git', ...argv], cwd, stdin: '', by: 'stub' });
  const jqCount = { argv: ['jq', '-R', '-s', 'split("\\n") | map(select(length > 0)) | length'], cwd, stdin: 'fix: one\nfeat: two\nchore: three\n', by: 'stub' };
  const jqOut = { argv: ['jq', '-c', '.'], cwd, stdin: '{"branch":"feature/x","commit":"abc1234def5678","changes":3}\n', by: 'stub' };
  assert.is(r.calls.length, 5);
  assert.equal(r.calls.slice(0, 2), [git('rev-parse', '--abbrev-ref', 'HEAD'), git('rev-parse', 'HEAD')]);
  // the two stages of `git log … | jq …` start together: both recorded, in the order they started
  const stages = r.calls.slice(2, 4).sort((a, b) => (a.argv[0]! < b.argv[0]! ? -1 : 1));
  assert.equal(stages, [git('log', '--format=%s', 'v1.0..HEAD'), jqCount]);
  assert.equal(r.calls[4], jqOut);
  assert.not.ok(existsSync(r.dir), 'temp project removed');
  // the same test again, warm (the first testBlock of a process also loads the runtime's lazy parts)
  const t1 = performance.now();
  const again = await testBlock(ship, 'Block 2', { state: { BASE_REF: 'v1.0' }, stubs: { git: gitStub, jq: jqStub }, strict: true });
  const warm = performance.now() - t1;
  assert.is(again.stdout, r.stdout);
  console.log(`  git+jq block test: ${ms.toFixed(0)} ms wall (first in the process), ${warm.toFixed(0)} ms warm`);
});

test('strict: an external command without a stub fails the test, naming it; allow lets it run', async () => {
  try {
    await testBlock(ship, 2, { state: { BASE_REF: 'main' }, stubs: { git: gitStub }, strict: true });
    assert.unreachable('strict mode let jq run');
  } catch (e) {
    assert.instance(e, UnstubbedCommandError);
    assert.equal((e as UnstubbedCommandError).commands, ['jq']);
    assert.match((e as Error).message, /without a stub: jq \(strict: true/);
  }
  // not strict: the unstubbed command runs for real and is recorded as such
  const r = await testBlock(implement, '1a', { args: ['plan.md'], files: { 'plan.md': plan }, stubs: { date: '1700000000000000000\n' } });
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.calls.map((c) => [c.argv[0], c.by]), [['date', 'stub'], ['sed', 'real'], ['head', 'real'], ['grep', 'real']].filter(([n]) => r.calls.some((c) => c.argv[0] === n)));
  assert.is(r.calls[0]!.by, 'stub');
  assert.is(r.state.WORKFLOW_ID, 'implement_1700000000000000000');
  const s = await testBlock(implement, '1a', { args: ['plan.md'], files: { 'plan.md': plan }, strict: true, allow: ['date', 'sed', 'head', 'grep'] });
  assert.is(s.status, 0, s.stderr);
});

test('stubs replace only external programs: a function or builtin of the same name runs for real', async () => {
  // block 1c of /implement: `grep` is external (stubbed), sm_transition / append_workflow_state are the library's
  const r = await testBlock(implement, '1c', {
    state: { PLAN_FILE: 'plan.md', PLAN_TITLE: 'greeting', CURRENT_STATE: 'implement', WORKFLOW_TYPE: 'implement-only', TERMINAL_STATE: 'complete', COMPLETED_STATES: ['initialize'] },
    files: { 'plan.md': plan },
    stubs: { grep: ({ argv }) => (argv[2] === '^- \\[ \\]' ? '0\n' : '7\n'), sm_transition: { status: 9 }, echo: 'stubbed echo\n' },
  });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /=== \/implement: greeting ===/);
  assert.match(r.stdout, /tasks +7\/7 done \(100%\)/);
  assert.is(r.state.IMPLEMENT_STATUS, 'complete');
  assert.is(r.state.CURRENT_STATE, 'complete');
  assert.equal(r.calls.map((c) => c.argv[0]), ['grep', 'grep']);
});

test('first block: a new instance from the arguments; files it writes; the error path', async () => {
  const r = await testBlock(research, '1a', { arguments: 'Fast state files', files: { '.claude/tmp/reports/001_old.md': 'x' } });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.state.TOPIC, 'Fast state files');
  assert.match(r.stdout, /Report: \.claude\/tmp\/reports\/002_fast_state_files\.md/);
  assert.ok(r.workflowId?.startsWith('research_'));
  const bad = await testBlock(research, '1a', {});
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /usage: \/research <topic>/);
  assert.equal(Object.keys(bad.files), ['.claude/data/logs/errors.jsonl']);
  assert.match(bad.files['.claude/data/logs/errors.jsonl']!, /"error_type":"validation_error"/);
});

test('research block 2 verifies the report the agent wrote', async () => {
  const report = '## Summary\nok\n## Findings\n- a\n- b\n## Sources\n- s\n';
  const r = await testBlock(research, 2, { state: { TOPIC: 't', REPORT_PATH: 'r.md' }, files: { 'r.md': report } });
  assert.is(r.status, 0, r.stderr);
  const missing = await testBlock(research, 2, { state: { TOPIC: 't', REPORT_PATH: 'r.md' } });
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /the report was not written: r\.md/);
});

test('profiles: default the command\'s (claude-code); the argument text reaches $0, a run without it is refused', async () => {
  assert.is(implement.profile, 'claude-code');
  const cc = await testBlock(implement, '1a', { args: ['plan.md'], files: { 'plan.md': plan } });
  assert.is(cc.status, 0, cc.stderr);
  assert.is(cc.state.PLAN_FILE, 'plan.md');
  const script = await testBlock(implement, '1a', { args: ['plan.md'], files: { 'plan.md': plan }, profile: 'script' });
  assert.is(script.status, 0, script.stderr);
  assert.is(script.state.PLAN_FILE, 'plan.md');
  // no argument text: the block reports its usage error under either profile
  const none = await testBlock(implement, '1a', { files: { 'plan.md': plan } });
  assert.is(none.status, 1);
  assert.match(none.stderr, /usage: \/implement <plan-file>/);
});

test('cwd, env and keep; the caller\'s cwd, environment, exit code and state dir are untouched', async () => {
  // the caller's own state and project dirs (empty temp dirs): nothing may appear in them
  const callerState = mkdtempSync(join(tmpdir(), 'cmdc-caller-state-'));
  const callerProject = mkdtempSync(join(tmpdir(), 'cmdc-caller-project-'));
  const saved = { CMDC_STATE_DIR: process.env.CMDC_STATE_DIR, CLAUDE_PROJECT_DIR: process.env.CLAUDE_PROJECT_DIR };
  process.env.CMDC_STATE_DIR = callerState;
  process.env.CLAUDE_PROJECT_DIR = callerProject;
  try {
    await untouched(callerState, callerProject);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(callerState, { recursive: true, force: true });
    rmSync(callerProject, { recursive: true, force: true });
  }
});

async function untouched(callerState: string, callerProject: string): Promise<void> {
  const cwd = process.cwd();
  const env = JSON.stringify(process.env);
  const code = process.exitCode;
  const r = await testBlock(ship, 'Block 1', { args: ['v2'], cwd: 'sub/dir', env: { EXTRA: 'x' }, keep: true });
  try {
    assert.is(r.status, 0, r.stderr);
    assert.is(r.state.BASE_REF, 'v2');
    assert.ok(existsSync(resolve(r.dir, '.claude/lib/core/state-persistence.sh')), 'libraries copied');
    assert.ok(existsSync(resolve(r.dir, 'sub/dir')));
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
  const seen: string[] = [];
  await testBlock(ship, 2, {
    state: { BASE_REF: 'main' }, cwd: 'pkg', env: { GIT_AUTHOR_NAME: 'T' },
    stubs: { git: ({ cwd, env: e }) => { seen.push(`${cwd} ${e.GIT_AUTHOR_NAME}`); return 'x\n'; }, jq: '1\n' },
  });
  assert.ok(seen.length > 0 && seen.every((s) => /\/pkg T$/.test(s)), seen.join('\n'));
  assert.is(process.cwd(), cwd);
  assert.is(JSON.stringify(process.env), env);
  assert.is(process.exitCode, code);
  assert.equal(readdirSync(callerState), [], 'nothing in the caller\'s state dir');
  assert.equal(readdirSync(callerProject), [], 'nothing in the caller\'s project');
}

test('block tests run side by side in one process, each in its own project and instance', async () => {
  const plans = [1, 2, 3, 4, 5, 6].map((n) => `# Plan: p${n}\n## Phase 1: a\n${'- [ ] t\n'.repeat(n)}- [x] d\n`);
  const results = await Promise.all(plans.map((p) => testBlock(implement, '1b', { state: { PLAN_FILE: 'plan.md' }, files: { 'plan.md': p } })));
  assert.equal(results.map((r) => [r.status, r.state.OPEN_TASKS, r.state.DONE_TASKS]), [1, 2, 3, 4, 5, 6].map((n) => [0, n, 1]));
  assert.is(new Set(results.map((r) => r.dir)).size, 6);
  assert.is(new Set(results.map((r) => r.workflowId)).size, 6);
});

test('a test file path outside the temp project is refused before anything runs', async () => {
  for (const name of ['../escape.md', '/etc/x', 'a/../../b']) {
    try {
      await testBlock(implement, '1b', { files: { [name]: 'x' } });
      assert.unreachable(name);
    } catch (e) {
      assert.match((e as Error).message, /is outside the temp project/, name);
    }
  }
});

test('typed state both ways: integers written as decimals and read back as numbers; a non-integer is refused', async () => {
  assert.equal(implement.stateKinds, { COMPLETED_STATES: 'array', DONE_TASKS: 'integer', OPEN_TASKS: 'integer' });
  const r = await testBlock(implement, '1b', { state: { PLAN_FILE: 'plan.md', OPEN_TASKS: 99, DONE_TASKS: 0 }, files: { 'plan.md': plan } });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.state.OPEN_TASKS, 4);
  assert.is(r.state.DONE_TASKS, 3);
  assert.is(r.state.CURRENT_PHASE, '2');
  try {
    await testBlock(implement, '1b', { state: { PLAN_FILE: 'plan.md', OPEN_TASKS: 1.5 }, files: { 'plan.md': plan } });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /state key OPEN_TASKS \(integer\): 1.5 is not a safe integer/);
  }
});

test('checkpoints: seeded before the block, the block reads them; none is an error path', async () => {
  const jq = ({ stdin }: { stdin: string }) => `${(JSON.parse(stdin) as { branch: string }).branch}\n`;
  const r = await testBlock(ship, 'Block 3', { checkpoints: { release: { branch: 'main', changes: 2 } }, stubs: { jq }, strict: true });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'Announcing main\n');
  assert.equal(r.checkpoints, { release: { branch: 'main', changes: 2 } });
  assert.is(r.calls[0]!.stdin, '{\n  "branch": "main",\n  "changes": 2\n}'); // $( ) dropped the newline
  const none = await testBlock(ship, 'Block 3', { stubs: { jq }, strict: true });
  assert.is(none.status, 1);
  assert.is(none.stderr, 'ERROR: no release checkpoint\n');
  assert.equal(none.checkpoints, {});
  assert.equal(none.calls, []);
});

test('a bad block name is an error naming the spellings', async () => {
  try {
    await testBlock(implement, '9z');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /\/implement: .*9z/);
  }
});

test('renderPrompt: the agent step as the runner renders it, for snapshots', () => {
  const p = renderPrompt(implement, 1, { PLAN_FILE: 'plan.md', CURRENT_PHASE: '2' });
  assert.is(
    p,
    'Implement the open tasks of phase CURRENT_PHASE of the plan in PLAN_FILE (both are in the\n' +
      'workflow state below). Change only what the tasks ask for, then mark each finished task in the\n' +
      'plan file by turning `- [ ]` into `- [x]`. If CURRENT_PHASE is `none`, there is nothing to do.\n\n' +
      '---\ncommand: /implement (commands/implement.md:127)\nworkflow id: implement_0000000000000000000\n' +
      'state:\nCURRENT_PHASE="2"\nPLAN_FILE="plan.md"\n',
  );
  assert.match(renderPrompt(research, 1, { TOPIC: 'x', REPORT_PATH: 'r.md' }), /^Research TOPIC/);
  assert.match(renderPrompt(ship, 1, {}, { workflowId: 'ship_1' }), /workflow id: ship_1\n$/);
  assert.throws(() => renderPrompt(ship, 2, {}), /has 1 agent step, no step 2/);
});

test.run();

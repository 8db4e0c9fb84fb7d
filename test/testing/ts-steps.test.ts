/**
 * ```ts cmdc blocks end to end: a command mixing bash and ts blocks compiled and run whole and
 * block by block (state handed both ways through the state file), one ts block unit-tested with
 * the test kit, and how a ts block ends (return, throw, process.exitCode, exit(n), a failed zx
 * command) mapped to its status.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testBlock } from 'cmdc/testing';
import { runArgs } from '../../runtime/runner/run.js';
import { Capture } from '../../runtime/shell/io.js';
import { compileFixture } from '../helpers/compile-fixture.js';

interface TallyState {
  FILE?: string;
  LINE_COUNT?: number;
  WORDS?: number;
  LONGEST?: string;
  WORKFLOW_ID?: string;
}
const tally = (await compileFixture<TallyState>('test/fixtures/tsblocks/tally.md')).command;
const status = (await compileFixture('test/fixtures/tsblocks/status.md')).command;
const TEXT = 'the quick brown\nfox jumps\n';

test('the ts block is a numbered step between the bash blocks, typed state includes its keys', () => {
  const blocks = tally.steps.filter((s) => s.kind === 'bash');
  assert.equal(blocks.map((b) => [b.name, b.lang ?? 'bash', b.line]), [
    ['block1Lines', 'bash', 13],
    ['block2Words', 'ts', 30],
    ['block3Report', 'bash', 43],
  ]);
  // WORDS is only appended by the ts block (a number there): an integer key
  assert.equal(tally.stateKinds, { LINE_COUNT: 'integer', WORDS: 'integer' });
});

test('unit test of the ts block with the test kit: state in, state and output out', async () => {
  const r = await testBlock(tally, 2, { state: { FILE: 'a.txt', LINE_COUNT: 2 }, files: { 'a.txt': TEXT }, strict: true });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'words: 5 (over 2 lines)\n');
  assert.is(r.state.WORDS, 5);
  assert.is(r.state.LONGEST, 'quick');
  assert.is(r.state.FILE, 'a.txt');
  assert.equal(r.calls, []);
  // by label too
  const again = await testBlock(tally, 'Block 2', { state: { FILE: 'a.txt', LINE_COUNT: 2 }, files: { 'a.txt': 'one\n' } });
  assert.is(again.stdout, 'words: 1 (over 2 lines)\n');
  // no FILE in the state: exit(1)
  const none = await testBlock(tally, 2, { state: { LINE_COUNT: 0 } });
  assert.is(none.status, 1);
});

/** Run the command in-process in a temp project, as `npx tsx commands/tally.ts ...` does. */
async function run(dir: string, argv: string[], owner: string): Promise<{ status: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const env: NodeJS.ProcessEnv = { ...process.env, CLAUDE_PROJECT_DIR: dir, CMDC_OWNER: owner, CMDC_GC: "0" };
  delete env.CMDC_STATE_DIR;
  delete env.CMDC_WORKFLOW_ID;
  const status = await runArgs(tally, argv, {
    env, cwd: dir, out: (s) => out.write(Buffer.from(s)), err: (s) => err.write(Buffer.from(s)), stderrIsTTY: false,
    blockStdout: { kind: 'sink', sink: out }, blockStderr: { kind: 'sink', sink: err },
  });
  return { status, out: out.text(), err: err.text() };
}

test('the mixed command runs whole: bash → ts → bash through the state file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmdc-tsblocks-'));
  try {
    writeFileSync(join(dir, 'a.txt'), TEXT);
    const r = await run(dir, ['a.txt'], 'tsblocks-whole');
    assert.is(r.status, 0, r.err);
    assert.is(r.out, 'lines: 2\nwords: 5 (over 2 lines)\na.txt: 2 lines, 5 words, longest: quick\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the mixed command runs block by block (--block 1, 2, 3: one instance found by owner)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmdc-tsblocks-'));
  try {
    writeFileSync(join(dir, 'a.txt'), 'a bb ccc\n');
    const one = await run(dir, ['--block', '1', 'a.txt'], 'tsblocks-blocks');
    assert.is(one.status, 0, one.err);
    assert.is(one.out, 'lines: 1\n');
    const two = await run(dir, ['--block', '2'], 'tsblocks-blocks');
    assert.is(two.status, 0, two.err);
    assert.is(two.out, 'words: 3 (over 1 lines)\n');
    const three = await run(dir, ['--block', '3'], 'tsblocks-blocks');
    assert.is(three.status, 0, three.err);
    assert.is(three.out, 'a.txt: 1 lines, 3 words, longest: ccc\n');
    const list = await run(dir, ['--help'], 'tsblocks-blocks');
    assert.match(list.out, /Block 2: Words/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('how a ts block ends: its status', async () => {
  const before = process.exitCode;
  const thrown = await testBlock(status, 1);
  assert.is(thrown.status, 1);
  assert.is(thrown.stdout, 'before\n');
  assert.is(thrown.stderr, 'test/fixtures/tsblocks/status.md:8-10: in block1Throws: Error: boom\n');
  const code = await testBlock(status, 2);
  assert.is(code.status, 3);
  assert.is(process.exitCode, before, 'the caller\'s process.exitCode is restored');
  assert.is((await testBlock(status, 3)).status, 4);
  const failed = await testBlock(status, 4);
  assert.is(failed.status, 5);
  assert.is(failed.stderr, 'test/fixtures/tsblocks/status.md:27-29: in block4ErrorWithAnExit: Error: no such thing\n');
  const returned = await testBlock(status, 5);
  assert.is(returned.status, 0);
  assert.is(returned.stdout, 'false gave 1; the block goes on\n');
  const captured = await testBlock(status, 6, { env: { GREETING: 'hello' }, cwd: 'sub' });
  assert.is(captured.status, 0, captured.stderr);
  assert.match(captured.stdout, /^HELLO in \/.*\/sub \(process\.cwd\(\): sub\)\n$/);
  // the typed $ goes through the shell's command path: the kit saw tr (printf and pwd are builtins)
  assert.equal(captured.calls.map((c) => c.argv[0]), ['tr']);
  assert.is.not(process.cwd(), captured.dir, 'the caller\'s cwd is restored');
  // an awaited $ is a zx command run through the kit's stubs: a failure rejects with zx's
  // ProcessOutput, whose exit code is the block's status and whose stderr is printed (not quiet)
  const git = (call: { argv: string[] }) =>
    call.argv[1] === 'push' ? { stderr: '! [rejected] main -> main (fetch first)\n', status: 128 } : call.argv[1] === 'rev-list' ? { status: 128 } : 'main\n';
  const zx = await testBlock(status, 7, { stubs: { git }, strict: true });
  assert.is(zx.status, 128);
  assert.is(zx.stdout, 'on main, ? ahead\n');
  assert.is(
    zx.stderr,
    '! [rejected] main -> main (fetch first)\n' +
      'test/fixtures/tsblocks/status.md:50-56: in block7AZxCommand: command failed with exit code 128: ! [rejected] main -> main (fetch first)\n',
  );
  assert.equal(zx.calls.map((c) => c.argv.join(' ')), [
    'git rev-parse --abbrev-ref HEAD',
    'git rev-list --count origin/main..main',
    'git push origin main',
  ]);
  const ok = await testBlock(status, 7, { stubs: { git: (call: { argv: string[] }) => (call.argv[1] === 'rev-list' ? '2\n' : call.argv[1] === 'push' ? '' : 'dev\n') }, strict: true });
  assert.is(ok.status, 0, ok.stderr);
  assert.is(ok.stdout, 'on dev, 2 ahead\npushed\n');
});

test.run();

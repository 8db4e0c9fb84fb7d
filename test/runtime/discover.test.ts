/**
 * Discovery without a workflow id (runtime/store/discover.ts) and the owner rule (runtime/store/owner.ts):
 * exactly one candidate, ambiguity, none; never another owner's instance; stale index
 * entries; index rebuild; explicit ids.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverInstance, listCandidates, resolveInstance } from '../../runtime/store/discover.js';
import { addIndexEntry, listIndexEntries } from '../../runtime/store/owner-index.js';
import { isTransientProcess, ownerLiveness, processStartTime, resolveOwner } from '../../runtime/store/owner.js';
import { cmdcDir } from '../../runtime/store/paths.js';
import { createState } from '../../runtime/store/state.js';
import {
  AmbiguousInstanceError,
  NoInstanceError,
  StateNotFoundError,
  WrongPrefixError,
} from '../../runtime/store/errors.js';
import { bundleHelpers } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';

const setup = (owner = 'me') => {
  const dir = tempDir('disc');
  return { dir, env: { CMDC_STATE_DIR: dir, CMDC_OWNER: owner } };
};

test('exactly one running instance of the prefix for this owner: it is returned', () => {
  const { dir, env } = setup();
  const mine = createState('implement', { env });
  createState('research', { env }); // other prefix
  for (let i = 0; i < 30; i++) createState('implement', { env: { ...env, CMDC_OWNER: `other-${i}` } }); // other owners
  const done = createState('implement', { env });
  done.setStatus('done');
  const failed = createState('implement', { env });
  failed.setStatus('failed');
  writeFileSync(join(dir, 'workflow_implement_1765352600123456789.sh'), 'export X="legacy"\n'); // seed file, no owner
  const c = discoverInstance({ env, prefix: 'implement' });
  assert.is(c.id, mine.id);
  assert.is(c.owner, 'me');
  assert.is(c.status, 'running');
  // paused counts too
  mine.setStatus('paused');
  assert.is(discoverInstance({ env, prefix: 'implement' }).id, mine.id);
});

test('several: AmbiguousInstanceError lists them newest first and names --workflow-id', () => {
  const { env } = setup();
  const a = createState('plan', { env });
  const b = createState('plan', { env });
  const c = createState('plan', { env });
  const t = Date.now() / 1000;
  utimesSync(a.path, t, t - 10);
  utimesSync(b.path, t, t - 5);
  utimesSync(c.path, t, t - 20);
  try {
    discoverInstance({ env, prefix: 'plan' });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, AmbiguousInstanceError);
    const err = e as AmbiguousInstanceError;
    assert.equal(err.candidates.map((x) => x.id), [b.id, a.id, c.id]);
    assert.match(err.message, /--workflow-id/);
    for (const s of [a, b, c]) assert.match(err.message, s.id);
    assert.is(err.errorType, 'state_error');
  }
});

test('none: NoInstanceError naming the prefix, owner and the flag', () => {
  const { env } = setup();
  createState('plan', { env: { ...env, CMDC_OWNER: 'somebody' } });
  try {
    discoverInstance({ env, prefix: 'plan' });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, NoInstanceError);
    assert.match((e as Error).message, /no running or paused "plan" workflow for owner me/);
    assert.match((e as Error).message, /--workflow-id/);
  }
});

test("never another owner's instance, even with a forged index entry; stale entries are pruned", () => {
  const { dir, env } = setup();
  const theirs = createState('x', { env: { ...env, CMDC_OWNER: 'them' } });
  addIndexEntry(dir, 'me', theirs.id); // forged / hash-collision entry in my index
  assert.throws(() => discoverInstance({ env, prefix: 'x' }), (e: unknown) => e instanceof NoInstanceError);
  const gone = createState('x', { env });
  unlinkSync(gone.path); // state file removed behind the index's back
  const doneBehind = createState('x', { env });
  writeFileSync(doneBehind.path, "# cmdc:status=$'done'\n", { flag: 'a' }); // done without index update
  assert.equal(listCandidates({ env, prefix: 'x' }), []);
  assert.equal(listIndexEntries(dir, 'me').sort(), [theirs.id].sort()); // stale ones pruned, forged one skipped
});

test('the owner index is rebuilt when .cmdc/ is missing', () => {
  const { dir, env } = setup();
  const s = createState('rebuild', { env });
  const other = createState('rebuild', { env: { ...env, CMDC_OWNER: 'o2' } });
  rmSync(cmdcDir(dir), { recursive: true });
  assert.is(discoverInstance({ env, prefix: 'rebuild' }).id, s.id);
  assert.is(discoverInstance({ env: { ...env, CMDC_OWNER: 'o2' }, prefix: 'rebuild' }).id, other.id);
});

test('resolveInstance: explicit id wins (any owner), is validated, must exist and match the prefix', () => {
  const { env } = setup();
  const theirs = createState('cmd', { env: { ...env, CMDC_OWNER: 'them' } });
  const r = resolveInstance({ env, prefix: 'cmd', workflowId: theirs.id });
  assert.is(r.id, theirs.id);
  assert.is(r.discovered, false);
  assert.throws(() => resolveInstance({ env, prefix: 'other', workflowId: theirs.id }), (e: unknown) => e instanceof WrongPrefixError);
  assert.throws(() => resolveInstance({ env, prefix: 'cmd', workflowId: 'cmd_1765352600123456789' }), (e: unknown) => e instanceof StateNotFoundError);
  const mine = createState('cmd', { env });
  const d = resolveInstance({ env, prefix: 'cmd' });
  assert.equal([d.id, d.discovered], [mine.id, true]);
});

test('owner precedence: CMDC_OWNER, then session:$CLAUDE_CODE_SESSION_ID, then the process tree', () => {
  assert.equal(resolveOwner({ CMDC_OWNER: 'x', CLAUDE_CODE_SESSION_ID: 's' }).owner, 'x');
  assert.equal(resolveOwner({ CLAUDE_CODE_SESSION_ID: 's1' }), { owner: 'session:s1', source: 'session', detail: 'CLAUDE_CODE_SESSION_ID' });
  const p = resolveOwner({});
  assert.ok(p.source === 'process' || p.source === 'user', p.detail);
  assert.is(ownerLiveness('session:s1', { CLAUDE_CODE_SESSION_ID: 's1' }), 'alive');
  assert.is(ownerLiveness('session:s1', { CLAUDE_CODE_SESSION_ID: 's2' }), 'unknown');
  assert.is(ownerLiveness(`proc:${process.pid}:${processStartTime(process.pid)}`), 'alive');
  assert.is(ownerLiveness(`proc:${process.pid}:1`), 'dead');
});

test('transient launchers are skipped, long-lived processes are owners', () => {
  const rows: [string, string[], boolean][] = [
    ['bash', ['bash', '-c', 'eval "npx tsx x.ts"'], true],
    ['bash', ['/bin/bash', 'script.sh'], true],
    ['sh', ['sh', '-lc', 'x'], true],
    ['bash', ['-bash'], false],
    ['zsh', ['/bin/zsh', '-l'], false],
    ['bash', ['bash', '--login', '-i'], false],
    ['node', ['node', '/usr/lib/node_modules/npm/bin/npx-cli.js', 'tsx', 'x.ts'], true],
    ['node', ['node', '/repo/node_modules/tsx/dist/cli.mjs', 'x.ts'], true],
    ['npm exec tsx x.', ['npm exec tsx x.ts'], true],
    ['node', ['node', '--import', 'tsx', 'test/x.test.ts'], false],
    ['node', ['node', '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js'], false],
    ['claude', ['claude'], false],
    ['timeout', ['timeout', '10', 'bash', '-c', 'x'], true],
    ['env', ['env', 'A=1', 'node', 'x'], true],
    ['tmux: server', ['tmux'], false],
  ];
  for (const [comm, argv, transient] of rows) assert.is(isTransientProcess(comm, argv), transient, `${comm} ${argv.join(' ')}`);
});

test('default owner from the process tree: blocks run as `bash -c` children of one process share it', () => {
  const bin = bundleHelpers(['owner-print']);
  const env = { ...process.env };
  delete env.CMDC_OWNER;
  delete env.CLAUDE_CODE_SESSION_ID;
  const viaBash = (wrap: string[]) =>
    JSON.parse(spawnSync(wrap[0]!, [...wrap.slice(1), `"${process.execPath}" "${bin['owner-print']}"`], { env }).stdout.toString());
  const a = viaBash(['bash', '-c']);
  const b = viaBash(['timeout', '20', 'bash', '-c']);
  const c = viaBash(['sh', '-c']);
  const expected = `proc:${process.pid}:${processStartTime(process.pid)}`;
  assert.equal([a.owner, b.owner, c.owner], [expected, expected, expected]);
  assert.is(a.source, 'process');
});

test.run();

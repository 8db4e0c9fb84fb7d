/**
 * The state file API (runtime/store/state.ts) and its locking (runtime/store/lock.ts): header and
 * metadata, appends, typed view, status/index, compaction, torn-tail repair, stale locks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listIndexEntries } from '../../runtime/store/owner-index.js';
import { lockPath } from '../../runtime/store/paths.js';
import { acquireLock, atomicWriteFile, withLock } from '../../runtime/store/lock.js';
import {
  compactState,
  createState,
  initWorkflowState,
  loadState,
  openState,
  readStateMeta,
  repairState,
  view,
} from '../../runtime/store/state.js';
import {
  InvalidValueError,
  InvalidWorkflowIdError,
  LockTimeoutError,
  StateExistsError,
  StateNotFoundError,
} from '../../runtime/store/errors.js';
import { bashLoad } from '../helpers/bash-load.js';
import { tempDir } from '../helpers/tmp.js';

const fresh = () => ({ CMDC_STATE_DIR: tempDir('state'), CMDC_OWNER: 'tester' });
const cwd = tempDir('state-cwd');

test('createState writes the documented header; loadState returns meta, vars, arrays', () => {
  const env = fresh();
  const now = new Date('2026-01-02T03:04:05.678Z');
  const s = createState('implement', { env, command: '/implement', now, vars: { PLAN: 'p.md' } });
  assert.is(s.path, join(env.CMDC_STATE_DIR, `workflow_${s.id}.sh`));
  const text = readFileSync(s.path, 'utf8');
  assert.is(
    text,
    "# cmdc state file: `source` it in bash; cmdc parses it (never evaluates). Append-only.\n" +
      "# cmdc:format=$'1'\n" +
      `# cmdc:id=$'${s.id}'\n` +
      "# cmdc:command=$'/implement'\n" +
      "# cmdc:owner=$'tester'\n" +
      "# cmdc:created=$'2026-01-02T03:04:05.678Z'\n" +
      "# cmdc:status=$'running'\n" +
      "# cmdc:block=$'0'\n" +
      `{ WORKFLOW_ID=$'${s.id}'; }\n` +
      "{ PLAN=$'p.md'; }\n",
  );
  const st = loadState(s.id, { env });
  assert.equal({ ...st.meta, extra: { ...st.meta.extra } }, {
    format: '1', id: s.id, command: '/implement', owner: 'tester', created: now.toISOString(), status: 'running', block: 0, extra: {},
  });
  assert.equal({ ...st.vars }, { WORKFLOW_ID: s.id, PLAN: 'p.md' });
  assert.is(st.torn, false);
  assert.is(initWorkflowState, createState);
});

test('append / appendArray / appendMany / setBlock / setStatus; later values win; view<T>()', () => {
  const env = fresh();
  const s = createState('flow', { env });
  s.append('A', '1');
  s.append('A', '2');
  s.appendArray('FILES', ['a.ts', 'b c.ts']);
  s.appendMany({ B: 'b', LIST: ['x'], C: Buffer.from([0xff]) });
  s.setBlock(3);
  s.setStatus('paused');
  const st = s.load();
  assert.is(st.vars.A, '2');
  assert.equal(st.arrays.FILES, ['a.ts', 'b c.ts']);
  assert.equal(st.arrays.LIST, ['x']);
  assert.ok(st.varBytes.C!.equals(Buffer.from([0xff])));
  assert.is(st.meta.block, 3);
  assert.is(st.meta.status, 'paused');
  const v = s.view<{ A: string; FILES: string[]; MISSING?: string }>();
  assert.is(v.A, '2');
  assert.equal(v.FILES, ['a.ts', 'b c.ts']);
  assert.is(v.MISSING, undefined);
  assert.equal({ ...view(st) }, { ...st.vars, ...st.arrays });
  assert.throws(() => s.setBlock(-1), (e: unknown) => e instanceof InvalidValueError);
  assert.throws(() => s.setStatus('bogus' as never), (e: unknown) => e instanceof InvalidValueError);
});

test('scalar after array follows bash (sets element 0) in TS and bash alike', () => {
  const env = fresh();
  const s = createState('mix', { env });
  s.appendArray('X', ['a', 'b']);
  s.append('X', 'c');
  s.append('Y', 'y');
  s.appendArray('Y', ['p', 'q']);
  const st = s.load();
  assert.equal(st.arrays.X, ['c', 'b']);
  assert.equal(st.arrays.Y, ['p', 'q']);
  assert.is(st.vars.Y, undefined);
  const b = bashLoad(s.path, ['X', 'Y'], cwd);
  assert.equal(b.arrays.get('X')!.map(String), ['c', 'b']);
  assert.equal(b.arrays.get('Y')!.map(String), ['p', 'q']);
});

test('status drives the owner index: done/failed leave it, running/paused return', () => {
  const env = fresh();
  const s = createState('idx', { env });
  assert.equal(listIndexEntries(env.CMDC_STATE_DIR, 'tester'), [s.id]);
  s.setStatus('done');
  assert.equal(listIndexEntries(env.CMDC_STATE_DIR, 'tester'), []);
  s.setStatus('running');
  assert.equal(listIndexEntries(env.CMDC_STATE_DIR, 'tester'), [s.id]);
  s.setStatus('failed');
  assert.equal(listIndexEntries(env.CMDC_STATE_DIR, 'tester'), []);
  assert.is(readStateMeta(s.path)!.meta.status, 'failed');
});

test('explicit ids: created as given, never overwritten; bad ids and missing files are typed errors', () => {
  const env = fresh();
  const id = 'given_1765352600123456789_V1StGXR8_Z5jdHi6B-myT';
  const s = createState(id, { env });
  assert.is(s.id, id);
  s.append('K', 'v');
  assert.throws(() => createState(id, { env }), (e: unknown) => e instanceof StateExistsError);
  assert.is(loadState(id, { env }).vars.K, 'v');
  assert.throws(() => createState('bad_id', { env }), (e: unknown) => e instanceof InvalidWorkflowIdError);
  assert.throws(() => loadState('nope_1765352600123456789', { env }), (e: unknown) => e instanceof StateNotFoundError);
  assert.throws(() => openState('nope_1765352600123456789', { env }), (e: unknown) => e instanceof StateNotFoundError);
  assert.throws(() => loadState('../../etc/passwd', { env }), (e: unknown) => e instanceof InvalidWorkflowIdError);
  // by path works too
  assert.is(loadState(s.path).vars.K, 'v');
  assert.is(openState(s.path).id, id);
});

test("a seed-style file (export KEY=\"value\", legacy id) is readable", () => {
  const env = fresh();
  const f = join(env.CMDC_STATE_DIR, 'workflow_implement_1765352600123456789.sh');
  writeFileSync(f, 'export WORKFLOW_ID="implement_1765352600123456789"\nexport PLAN_FILE="/tmp/a \\"b\\".md"\nexport TOPIC="multi\nline"\n');
  const st = loadState('implement_1765352600123456789', { env });
  assert.is(st.meta.format, '');
  assert.is(st.vars.PLAN_FILE, '/tmp/a "b".md');
  assert.is(st.vars.TOPIC, 'multi\nline');
  // appending to it works, and bash still agrees
  openState(f).append('NEW', "it's");
  const b = bashLoad(f, ['PLAN_FILE', 'TOPIC', 'NEW'], cwd);
  assert.is(b.vars.get('NEW')!.toString(), "it's");
  assert.is(b.vars.get('PLAN_FILE')!.toString(), '/tmp/a "b".md');
});

test('torn tail at every cut point: TS ignores it; repair (by loader or next append) makes bash clean', () => {
  const env = fresh();
  const s = createState('torn', { env });
  s.append('KEEP', 'kept');
  const good = readFileSync(s.path);
  s.appendMany({ T1: "x'y\\z\n", T2: 'é' });
  const full = readFileSync(s.path);
  for (let cut = good.length + 1; cut < full.length; cut++) {
    writeFileSync(s.path, full.subarray(0, cut));
    const raw = loadState(s.path, { repair: false });
    assert.is(raw.vars.KEEP, 'kept');
    assert.is(raw.vars.T1, cut < full.length - 1 ? undefined : "x'y\\z\n", `cut ${cut}`);
    assert.is(raw.torn, cut < full.length - 1, `cut ${cut}`);
    // loadState (default) repairs
    const repaired = loadState(s.path);
    assert.is(repaired.torn, false);
    const text = readFileSync(s.path);
    if (cut < full.length - 1) assert.ok(text.equals(good), `truncated back at cut ${cut}`);
    else assert.ok(text.equals(full), 'complete record: newline added');
    const b = bashLoad(s.path, ['KEEP'], cwd);
    assert.is(b.status, 0, b.stderr);
  }
  // an append repairs too
  writeFileSync(s.path, full.subarray(0, full.length - 5));
  s.append('AFTER', 'a');
  const st = loadState(s.path, { repair: false });
  assert.is(st.torn, false);
  assert.is(st.vars.AFTER, 'a');
  assert.is(st.vars.T1, undefined);
  assert.is(bashLoad(s.path, ['AFTER'], cwd).status, 0);
  assert.is(repairState(s.path), 'clean');
});

test('compactState: one record per key, same values in TS and bash, atomic (no temp left)', () => {
  const env = fresh();
  const s = createState('compact', { env });
  for (let i = 0; i < 50; i++) s.append('N', String(i));
  s.appendArray('ARR', ['a', "b'c"]);
  s.append('ARR', 'z');
  s.setBlock(7);
  s.setStatus('paused');
  const before = s.load();
  const r = compactState(s.id, { env });
  assert.ok(r.after < r.before);
  const after = s.load();
  assert.equal({ ...after.vars }, { ...before.vars });
  assert.equal({ ...after.arrays }, { ...before.arrays });
  assert.equal({ ...after.meta, extra: {} }, { ...before.meta, extra: {} });
  assert.is(readFileSync(s.path, 'utf8').match(/N=/g)!.length, 1);
  const b = bashLoad(s.path, ['N', 'ARR'], cwd);
  assert.is(b.vars.get('N')!.toString(), '49');
  assert.equal(b.arrays.get('ARR')!.map(String), ['z', "b'c"]);
  assert.equal(readdirSync(env.CMDC_STATE_DIR).filter((f) => f.endsWith('.tmp')), []);
});

test('lock: a lock left by a dead process is broken; a live holder makes waiters time out', () => {
  const dir = tempDir('lock');
  const p = join(dir, 'x.lock');
  // a dead holder: a process that has exited
  const dead = spawnSync('bash', ['-c', 'echo $$']).stdout.toString().trim();
  writeFileSync(p, `${dead} 1 deadbeef\n`);
  const l = acquireLock(p, { timeoutMs: 1000 });
  assert.ok(readFileSync(p, 'latin1').startsWith(`${process.pid} `));
  l.release();
  assert.not.ok(existsSync(p));
  // a pid that exists but with another start time (pid reuse) is dead too
  writeFileSync(p, `${process.pid} 1 deadbeef\n`);
  withLock(p, () => assert.ok(readFileSync(p, 'latin1').startsWith(`${process.pid} `)), { timeoutMs: 1000 });
  // an empty lock file (creator killed before writing) is stale once old enough
  writeFileSync(p, '');
  const t0 = Date.now();
  withLock(p, () => {}, { timeoutMs: 2000, emptyStaleMs: 100 });
  assert.ok(Date.now() - t0 >= 50);
  // a live holder (this process, via another lock object) is waited for, then timeout
  const held = acquireLock(p);
  assert.throws(() => acquireLock(p, { timeoutMs: 150 }), (e: unknown) => e instanceof LockTimeoutError && /held by/.test((e as Error).message));
  held.release();
  // release never removes someone else's lock
  const mine = acquireLock(p);
  writeFileSync(p, `${process.pid} 9 cafe\n`);
  mine.release();
  assert.ok(existsSync(p));
});

test('appends survive a stale lock left on the instance', () => {
  const env = fresh();
  const s = createState('stale', { env });
  const lp = lockPath(env.CMDC_STATE_DIR, s.id);
  const dead = spawnSync('bash', ['-c', 'echo $$']).stdout.toString().trim();
  mkdirSync(dirname(lp), { recursive: true });
  writeFileSync(lp, `${dead} 12345 abcdef\n`);
  s.append('K', 'v');
  assert.is(s.load().vars.K, 'v');
  assert.not.ok(existsSync(lp));
});

test('atomicWriteFile: replaces whole, exclusive refuses to clobber, no temp files left', () => {
  const dir = tempDir('atomic');
  const f = join(dir, 'f.json');
  atomicWriteFile(f, 'one');
  atomicWriteFile(f, 'two');
  assert.is(readFileSync(f, 'utf8'), 'two');
  assert.throws(() => atomicWriteFile(f, 'three', { exclusive: true }), (e: unknown) => (e as NodeJS.ErrnoException).code === 'EEXIST');
  assert.is(readFileSync(f, 'utf8'), 'two');
  assert.equal(readdirSync(dir), ['f.json']);
  truncateSync(f, 0);
  assert.is(statSync(f).size, 0);
});

test.run();

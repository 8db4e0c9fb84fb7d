/**
 * TTL gc (runtime/store/gc.ts): one test per rule, plus index/checkpoint cleanup, dry run, the
 * opportunistic rate-limited gc and duration parsing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '../../runtime/store/checkpoint.js';
import { DEFAULT_TTL_MS, gc, maybeGc, parseDuration, ttlFromEnv } from '../../runtime/store/gc.js';
import { listIndexEntries } from '../../runtime/store/owner-index.js';
import { processStartTime } from '../../runtime/store/owner.js';
import { checkpointDir, gcStampPath, legacyRunRecordPath, lockPath, metaSidecarPath, runRecordPath, runRecordsDir } from '../../runtime/store/paths.js';
import { createState, type WorkflowState } from '../../runtime/store/state.js';
import { InvalidDurationError } from '../../runtime/store/errors.js';
import { holdInstance } from '../../runtime/store/holders.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;
const setup = () => {
  const dir = tempDir('gc');
  return { dir, env: { CMDC_STATE_DIR: dir, CMDC_OWNER: 'gc-caller' } };
};
/** Sets the state file's mtime to `days` days ago. */
const age = (s: WorkflowState, days: number) => {
  const t = (Date.now() - days * DAY) / 1000;
  utimesSync(s.path, t, t);
};
const livePid = `proc:${process.pid}:${processStartTime(process.pid)}`;
const deadPid = () => {
  const pid = spawnSync('bash', ['-c', 'echo $$']).stdout.toString().trim();
  return `proc:${pid}:123`;
};

test('done older than the TTL: removed (file, index entry, checkpoints, lock)', () => {
  const { dir, env } = setup();
  const s = createState('old', { env, owner: 'someone' });
  saveCheckpoint(s.id, 'plan', { a: 1 }, { env });
  s.setStatus('done');
  writeFileSync(lockPath(dir, s.id), 'leftover');
  age(s, 8);
  const r = gc({ env });
  assert.equal(r.removed.map((x) => [x.id, x.reason]), [[s.id, 'done']]);
  assert.not.ok(existsSync(s.path));
  assert.not.ok(existsSync(checkpointDir(dir, s.id)));
  assert.not.ok(existsSync(lockPath(dir, s.id)));
});

test('the command runner\'s run record goes with its instance; an orphan one is swept; a live one stays', () => {
  const { dir, env } = setup();
  const old = createState('ran', { env, owner: 'someone' });
  const live = createState('ran', { env, owner: 'someone' });
  mkdirSync(runRecordsDir(dir), { recursive: true });
  for (const s of [old, live]) writeFileSync(runRecordPath(dir, s.id), '{"command":"ran","args":[],"cwd":"/"}\n');
  const orphan = runRecordPath(dir, 'ran_1765352600123456789');
  writeFileSync(orphan, '{"command":"ran","args":[],"cwd":"/"}\n');
  // where run records were kept before .cmdc/runs: swept the same way
  const legacyOrphan = legacyRunRecordPath(dir, 'ran_1765352600123456790');
  writeFileSync(legacyOrphan, '{"command":"ran","args":[],"cwd":"/"}\n');
  for (const p of [orphan, legacyOrphan]) utimesSync(p, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
  // a record younger than a minute may be an instance being created (record first, then state file)
  const creating = runRecordPath(dir, 'ran_1765352600123456791');
  writeFileSync(creating, '{"command":"ran","args":[],"cwd":"/"}\n');
  old.setStatus('done');
  age(old, 8);
  const dry = gc({ env, dryRun: true });
  assert.is(dry.runRecordsRemoved, 3);
  assert.ok(existsSync(runRecordPath(dir, old.id)));
  const r = gc({ env });
  assert.equal(r.removed.map((x) => x.id), [old.id]);
  assert.is(r.runRecordsRemoved, 3);
  assert.not.ok(existsSync(runRecordPath(dir, old.id)));
  assert.not.ok(existsSync(orphan));
  assert.not.ok(existsSync(legacyOrphan));
  assert.ok(existsSync(creating));
  assert.ok(existsSync(runRecordPath(dir, live.id)));
});

test('failed older than the TTL: removed', () => {
  const { env } = setup();
  const s = createState('f', { env, owner: livePid });
  s.setStatus('failed');
  age(s, 30);
  assert.equal(gc({ env }).removed.map((x) => x.reason), ['failed']);
  assert.not.ok(existsSync(s.path));
});

test('done but fresh: kept', () => {
  const { env } = setup();
  const s = createState('fresh', { env });
  s.setStatus('done');
  age(s, 6.9);
  const r = gc({ env });
  assert.equal(r.removed, []);
  assert.is(r.kept, 1);
  assert.ok(existsSync(s.path));
});

test('running with a live owner process: kept however old', () => {
  const { dir, env } = setup();
  const s = createState('live', { env, owner: livePid });
  age(s, 365);
  const r = gc({ env, ttlMs: 0 });
  assert.equal(r.removed, []);
  assert.ok(existsSync(s.path));
  assert.equal(listIndexEntries(dir, livePid), [s.id]);
  // paused too
  s.setStatus('paused');
  age(s, 365);
  assert.equal(gc({ env }).removed, []);
});

test("running, owned by the caller's own session/CMDC_OWNER: removed after the TTL unless a live process holds it (issue 12)", () => {
  const { dir, env } = setup();
  const s = createState('self', { env }); // owner gc-caller = the caller
  const held = createState('self', { env });
  const release = holdInstance(dir, held.id);
  age(s, 100);
  age(held, 100);
  const r = gc({ env });
  assert.equal(r.removed.map((x) => [x.id, x.reason]), [[s.id, 'abandoned']]);
  assert.ok(existsSync(held.path), 'a live process holds it');
  release();
  const fresh = createState('self', { env });
  assert.equal(gc({ env }).removed.map((x) => x.id), [held.id]);
  assert.ok(existsSync(fresh.path), 'within the TTL');
});

test('abandoned: running with a dead owner process, older than the TTL: removed with its index entry', () => {
  const { dir, env } = setup();
  const owner = deadPid();
  const s = createState('dead', { env, owner });
  assert.equal(listIndexEntries(dir, owner), [s.id]);
  age(s, 8);
  const r = gc({ env });
  assert.equal(r.removed.map((x) => [x.reason, x.status]), [['abandoned', 'running']]);
  assert.not.ok(existsSync(s.path));
  assert.equal(listIndexEntries(dir, owner), []);
  assert.is(r.indexEntriesRemoved, 1);
});

test('abandoned: another session untouched for longer than the TTL: removed; within the TTL: kept', () => {
  const { env } = setup();
  const old = createState('sess', { env, owner: 'session:gone' });
  const recent = createState('sess', { env, owner: 'session:gone' });
  age(old, 8);
  age(recent, 1);
  const r = gc({ env });
  assert.equal(r.removed.map((x) => x.id), [old.id]);
  assert.ok(existsSync(recent.path));
});

test('dead owner but fresh: kept (the TTL applies to every rule)', () => {
  const { env } = setup();
  const s = createState('deadfresh', { env, owner: deadPid() });
  age(s, 2);
  assert.equal(gc({ env }).removed, []);
});

test('legacy seed files older than the TTL are removed; fresh ones kept', () => {
  const { dir, env } = setup();
  const old = join(dir, 'workflow_implement_1765352600123456789.sh');
  const fresh = join(dir, 'workflow_implement_1765352600123456790.sh');
  writeFileSync(old, 'export A="1"\n');
  writeFileSync(fresh, 'export A="1"\n');
  const t = (Date.now() - 10 * DAY) / 1000;
  utimesSync(old, t, t);
  assert.equal(gc({ env }).removed.map((x) => x.reason), ['legacy']);
  assert.not.ok(existsSync(old));
  assert.ok(existsSync(fresh));
});

test('an old legacy or project-format file is kept while a live process holds it or its owner lives', () => {
  const { dir, env } = setup();
  const t = (Date.now() - 10 * DAY) / 1000;
  const files = ['held', 'alive', 'dead'].map((_, i) => join(dir, `workflow_implement_176535260012345680${i}.sh`));
  for (const f of files) {
    writeFileSync(f, 'export A="1"\n');
    utimesSync(f, t, t);
  }
  const release = holdInstance(dir, 'implement_1765352600123456800');
  // owners as the runner's header sidecar (.cmdc/meta/<id>) records them for an adopted instance
  mkdirSync(join(dir, '.cmdc', 'meta'), { recursive: true });
  writeFileSync(metaSidecarPath(dir, 'implement_1765352600123456801'), `# cmdc:owner=$'${livePid}'\n`);
  writeFileSync(metaSidecarPath(dir, 'implement_1765352600123456802'), `# cmdc:owner=$'${deadPid()}'\n`);
  try {
    assert.equal(gc({ env }).removed.map((x) => [x.id, x.reason]), [['implement_1765352600123456802', 'legacy']]);
    assert.ok(existsSync(files[0]!));
    assert.ok(existsSync(files[1]!));
  } finally {
    release();
  }
  assert.equal(gc({ env }).removed.map((x) => x.id), ['implement_1765352600123456800']);
});

test('sweeps orphan index entries and checkpoints; ignores unrelated files', () => {
  const { dir, env } = setup();
  const s = createState('orphan', { env });
  saveCheckpoint(s.id, 'c', [1], { env });
  writeFileSync(join(dir, 'notes.txt'), 'keep me');
  writeFileSync(join(dir, 'workflow_not-an-id.sh'), 'keep me too');
  spawnSync('rm', [s.path]);
  const r = gc({ env });
  assert.is(r.indexEntriesRemoved, 1);
  assert.is(r.checkpointDirsRemoved, 1);
  assert.equal(listIndexEntries(dir, 'gc-caller'), []);
  assert.ok(existsSync(join(dir, 'notes.txt')));
  assert.ok(existsSync(join(dir, 'workflow_not-an-id.sh')));
});

test('dry run reports and removes nothing', () => {
  const { dir, env } = setup();
  const s = createState('dry', { env, owner: 'x' });
  saveCheckpoint(s.id, 'c', 1, { env });
  s.setStatus('done');
  age(s, 9);
  const r = gc({ env, dryRun: true });
  assert.equal(r.removed.map((x) => x.id), [s.id]);
  assert.ok(existsSync(s.path));
  assert.equal(loadCheckpoint(s.id, 'c', { env }), 1);
  assert.ok(readdirSync(dir).length > 0);
});

test('TTL: default 7 days, CMDC_STATE_TTL, option; durations parse or fail clearly', () => {
  assert.is(ttlFromEnv({}), DEFAULT_TTL_MS);
  assert.is(ttlFromEnv({ CMDC_STATE_TTL: '12h' }), 12 * 3_600_000);
  assert.is(parseDuration('7d'), 7 * DAY);
  assert.is(parseDuration('90m'), 90 * 60_000);
  assert.is(parseDuration('1.5h'), 5_400_000);
  assert.is(parseDuration('30'), 30_000);
  assert.is(parseDuration('2w'), 14 * DAY);
  assert.is(parseDuration('250ms'), 250);
  for (const bad of ['', '7x', 'd', '-1d', '1 day']) assert.throws(() => parseDuration(bad), (e: unknown) => e instanceof InvalidDurationError, bad);
  const { env } = setup();
  const s = createState('ttl', { env, owner: 'x' });
  s.setStatus('done');
  age(s, 2);
  assert.equal(gc({ env: { ...env, CMDC_STATE_TTL: '3d' } }).removed, []);
  assert.is(gc({ env: { ...env, CMDC_STATE_TTL: '1d' } }).removed.length, 1);
});

test('maybeGc: runs at most once per interval (stamp file), never throws, creates nothing without state', () => {
  const { dir, env } = setup();
  const s = createState('maybe', { env, owner: 'x' });
  s.setStatus('done');
  age(s, 8);
  const first = maybeGc({ env });
  assert.ok(first, 'first call runs');
  assert.is(first!.removed.length, 1);
  assert.ok(existsSync(gcStampPath(dir)));
  const s2 = createState('maybe', { env, owner: 'x' });
  s2.setStatus('done');
  age(s2, 8);
  assert.is(maybeGc({ env }), undefined, 'rate-limited');
  assert.ok(existsSync(s2.path));
  assert.ok(maybeGc({ env, intervalMs: 0 }), 'runs again once the interval has passed');
  assert.not.ok(existsSync(s2.path));
  const none = join(tempDir('gc-none'), 'missing');
  assert.is(maybeGc({ dir: none }), undefined);
  assert.not.ok(existsSync(none));
});

test('maybeGc keeps the newest CMDC_ERRORS_KEEP rotated error logs (default 20), never the live log; cmdc errors --prune', () => {
  const { env } = setup();
  createState('logs', { env, owner: 'x' });
  const logs = tempDir('gc-logs');
  const rotated = Array.from({ length: 25 }, (_, i) => `errors.20260101T0000000000${String(i).padStart(2, '0')}Z-${'a'.repeat(12)}.jsonl`);
  for (const n of [...rotated, 'errors.jsonl', 'other.jsonl']) writeFileSync(join(logs, n), '{}\n');
  const left = () => readdirSync(logs).sort();
  assert.is(maybeGc({ env: { ...env, CMDC_LOG_DIR: logs } })!.errorLogsRemoved, 5);
  assert.equal(left(), [...rotated.slice(5), 'errors.jsonl', 'other.jsonl'].sort());
  assert.is(maybeGc({ env: { ...env, CMDC_LOG_DIR: logs, CMDC_ERRORS_KEEP: '3' }, intervalMs: 0 })!.errorLogsRemoved, 17);
  assert.equal(left(), [...rotated.slice(22), 'errors.jsonl', 'other.jsonl'].sort());
  const cli = spawnSync(process.execPath, [join(import.meta.dirname, '../../cli/bin/cmdc.mjs'), 'errors', '--prune', '1', '--log-dir', logs], { encoding: 'utf8' });
  assert.is(cli.status, 0, cli.stderr);
  assert.is(cli.stdout, `removed 2 rotated log file(s) from ${logs}\n`);
  assert.equal(left(), [rotated[24]!, 'errors.jsonl', 'other.jsonl'].sort());
  const bad = spawnSync(process.execPath, [join(import.meta.dirname, '../../cli/bin/cmdc.mjs'), 'errors', '--prune', 'all', '--log-dir', logs], { encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /invalid --prune "all"/);
});

test.run();

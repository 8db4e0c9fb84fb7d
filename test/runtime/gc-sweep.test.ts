/**
 * gc after kills and for the caller's own abandoned instances (issue 12, items 7, 10, 11):
 *   - leftovers of killed processes go: temp files of atomic writes whose writer is dead,
 *     lock files and holder files of dead processes, `.lock.stale.*` leftovers, run records
 *     without a state file (once a minute old); a live writer's temp file and a live lock stay;
 *   - the caller's own running/paused instances that no process holds are removed once older
 *     than the TTL (`--ttl 0` clears them); one a live process holds never is;
 *   - maybeGc is bounded (maxExamined) and never touches a kept id.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createState } from '../../runtime/store/state.js';
import { gc, maybeGc } from '../../runtime/store/gc.js';
import { holdInstance } from '../../runtime/store/holders.js';
import { acquireLock } from '../../runtime/store/lock.js';
import { processStartTime } from '../../runtime/store/owner.js';
import { holderPath, lockPath, runRecordPath } from '../../runtime/store/paths.js';
import { tempDir } from '../helpers/tmp.js';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(String(r.stdout).trim());
}

const old = (p: string, ageMs: number) => utimesSync(p, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));

test('leftovers of killed writers are swept; live ones stay', () => {
  const dir = join(tempDir('sweep'), 'state');
  const s = createState('sweep', { dir, owner: 'o' });
  const dead = deadPid();
  const deadTemp = join(dir, `.workflow_${s.id}.run.json.${dead}.a1b2c3d4e5f6.tmp`);
  mkdirSync(join(dir, '.cmdc', 'runs'), { recursive: true });
  const runTemp = join(dir, '.cmdc', 'runs', `.${s.id}.json.${dead}.0f0e0d0c0b0a.tmp`);
  writeFileSync(runTemp, '{');
  const bashTemp = join(dir, `.workflow_${s.id}.sh.${dead}.00af12cd34ef.tmp`);
  const liveTemp = join(dir, `.workflow_${s.id}.sh.${process.pid}.0a0b0c0d0e0f.tmp`);
  for (const p of [deadTemp, bashTemp, liveTemp]) writeFileSync(p, 'x');
  mkdirSync(join(dir, '.cmdc', 'checkpoints', s.id), { recursive: true });
  const cpTemp = join(dir, '.cmdc', 'checkpoints', s.id, `.plan.json.${dead}.abcdefabcdef.tmp`);
  writeFileSync(cpTemp, '{');
  const deadLock = lockPath(dir, 'gone_1765352600123456789_V1StGXR8_Z5jdHi6B-myT');
  mkdirSync(join(dir, '.cmdc', 'locks'), { recursive: true });
  writeFileSync(deadLock, `${dead} 12345 abcdef\n`);
  const leftover = `${deadLock}.stale.0123456789ab`;
  writeFileSync(leftover, '');
  old(leftover, 5 * 60_000);
  const live = acquireLock(lockPath(dir, s.id));
  const deadHolder = holderPath(dir, s.id);
  mkdirSync(join(dir, '.cmdc', 'holders'), { recursive: true });
  writeFileSync(deadHolder, `${dead} ${processStartTime(process.pid)}\n`);
  const orphanOld = runRecordPath(dir, 'orphan_1765352600123456789_V1StGXR8_Z5jdHi6B-myT');
  const orphanNew = runRecordPath(dir, 'orphan_1765352600123456790_V1StGXR8_Z5jdHi6B-myT');
  writeFileSync(orphanOld, '{}');
  writeFileSync(orphanNew, '{}');
  old(orphanOld, 5 * 60_000);

  const dry = gc({ dir, dryRun: true, env: { CMDC_OWNER: 'o' } });
  assert.is(dry.tempFilesRemoved, 4);
  assert.is(dry.locksRemoved, 3);
  assert.ok(existsSync(deadTemp) && existsSync(deadLock), 'dry run removes nothing');

  const r = gc({ dir, env: { CMDC_OWNER: 'o' } });
  assert.is(r.tempFilesRemoved, 4);
  assert.is(r.locksRemoved, 3);
  assert.is(r.runRecordsRemoved, 1);
  for (const p of [deadTemp, runTemp, bashTemp, cpTemp, deadLock, leftover, deadHolder, orphanOld]) assert.not.ok(existsSync(p), p);
  for (const p of [liveTemp, lockPath(dir, s.id), orphanNew, s.path]) assert.ok(existsSync(p), p);
  live.release();
});

test("the caller's own instances nobody holds go after the TTL (--ttl 0 clears them); held ones stay", () => {
  const dir = join(tempDir('own'), 'state');
  const env = { CMDC_OWNER: 'session-a' };
  const a = createState('own', { dir, env });
  const b = createState('own', { dir, env });
  const held = createState('own', { dir, env });
  const release = holdInstance(dir, held.id);
  const theirs = createState('own', { dir, owner: 'session-b' });
  for (const s of [a, b, held, theirs]) old(s.path, 2000);
  // another owner's instance counts as abandoned only after a TTL nobody wrote to it in
  const r = gc({ dir, ttlMs: 0, env });
  assert.equal(r.removed.map((x) => x.id).sort(), [a.id, b.id, theirs.id].sort());
  assert.ok(r.removed.every((x) => x.reason === 'abandoned'));
  assert.ok(existsSync(held.path), 'a held instance is never removed');
  // under the default TTL the same instances are young: kept
  const c = createState('own', { dir, env });
  assert.is(gc({ dir, env }).removed.length, 0);
  release();
  assert.ok(existsSync(c.path));
});

test('maybeGc: at most maxExamined old files per pass, never a kept id, once per interval', () => {
  const dir = join(tempDir('bounded'), 'state');
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    const s = createState('bounded', { dir, owner: 'o' });
    s.setStatus('done');
    old(s.path, 8 * 86_400_000);
    ids.push(s.id);
  }
  const r = maybeGc({ dir, env: { CMDC_OWNER: 'o' }, maxExamined: 10, keep: [ids[0]!] });
  assert.ok(r, 'ran');
  assert.is(r!.removed.length, 10);
  assert.ok(r!.truncated);
  assert.ok(existsSync(join(dir, `workflow_${ids[0]}.sh`)), 'kept id');
  assert.is(maybeGc({ dir, env: { CMDC_OWNER: 'o' }, maxExamined: 10 }), undefined, 'not again within the interval');
});

test.run();

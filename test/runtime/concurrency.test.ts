/**
 * Cross-process concurrency of the state runtime (real processes, real files):
 * - 64 instances at once, 3 steps each as 3 processes, no id passed between steps, distinct
 *   owners: all succeed, none reads another instance's state. The same harness on the seed's
 *   bash pattern must see crosstalk (proof that the harness can see it).
 * - one owner with two running instances: ambiguity error naming both; explicit id: success.
 * - 16 processes x 100 appends into one instance: all 1,600 keys, identical in TS and bash.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createState, loadState } from '../../runtime/store/state.js';
import { bashLoad } from '../helpers/bash-load.js';
import { bundleHelpers } from '../helpers/bundle.js';
import { run, type Ran } from '../helpers/spawn.js';
import { appenderValue } from '../helpers/state-values.js';
import { sleep, tempDir } from '../helpers/tmp.js';

const bin = bundleHelpers(['state-step', 'state-appender']);
const seedStep = fileURLToPath(new URL('../seed/step.sh', import.meta.url));
const baseEnv = { ...process.env };
delete baseEnv.CLAUDE_CODE_SESSION_ID;
delete baseEnv.CMDC_OWNER;
delete baseEnv.CMDC_STATE_DIR;

type StepRunner = (step: number, instance: number) => Promise<Ran>;

interface HarnessResult {
  succeeded: number;
  crosstalk: number;
  failures: string[];
}

/** Runs `n` instances of a 3-step workflow concurrently, random delays between steps. */
async function harness(n: number, runStep: StepRunner): Promise<HarnessResult> {
  const res: HarnessResult = { succeeded: 0, crosstalk: 0, failures: [] };
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await sleep(Math.random() * 50);
      const r1 = await runStep(1, i);
      const id = /^id (\S+)$/m.exec(r1.stdout)?.[1];
      if (r1.code !== 0 || !id) {
        res.failures.push(`instance ${i} step 1: ${r1.code} ${r1.stderr.trim()}`);
        return;
      }
      let ok = true;
      for (const step of [2, 3]) {
        await sleep(Math.random() * 200);
        const r = await runStep(step, i);
        const m = /^read (\S+) (\S+)$/m.exec(r.stdout);
        if (r.code !== 0 || !m) {
          res.failures.push(`instance ${i} step ${step}: exit ${r.code} ${r.stderr.trim()}`);
          ok = false;
          continue;
        }
        if (m[1] !== String(i) || m[2] !== id) {
          res.crosstalk++;
          ok = false;
        }
      }
      if (ok) res.succeeded++;
    }),
  );
  return res;
}

test('64 concurrent instances, 3 processes each, discovery only: 0 crosstalk (cmdc)', async () => {
  const dir = tempDir('conc');
  const r = await harness(64, (step, i) =>
    run(process.execPath, [bin['state-step']!, String(step), 'harness', String(i)], {
      env: { ...baseEnv, CMDC_STATE_DIR: dir, CMDC_OWNER: `owner-${i}` },
    }),
  );
  assert.equal(r.failures, []);
  assert.is(r.crosstalk, 0);
  assert.is(r.succeeded, 64);
  // every instance ended done, with its own steps recorded
  const files = (await import('node:fs')).readdirSync(dir).filter((f) => f.endsWith('.sh'));
  assert.is(files.length, 64);
  for (const f of files) {
    const s = loadState(join(dir, f));
    assert.is(s.meta.status, 'done');
    assert.is(s.vars.STEP2_SAW, s.vars.INSTANCE);
    assert.is(s.vars.STEP3_SAW, s.vars.INSTANCE);
    assert.is(s.meta.owner, `owner-${s.vars.INSTANCE}`);
  }
});

test("the same harness on the seed's bash pattern sees crosstalk", async () => {
  const dir = tempDir('seed');
  const r = await harness(64, (step, i) =>
    run('bash', [seedStep, String(step), 'harness', String(i)], { env: { ...baseEnv, CLAUDE_PROJECT_DIR: dir } }),
  );
  console.log(`    seed pattern: ${r.crosstalk} crosstalk reads, ${r.succeeded}/64 clean instances`);
  assert.ok(r.crosstalk > 0, 'the harness must be able to see crosstalk');
});

test('same owner, two running instances, no id: ambiguity error naming both; explicit id: success', async () => {
  const dir = tempDir('ambig');
  const env = { ...baseEnv, CMDC_STATE_DIR: dir, CMDC_OWNER: 'same-owner' };
  const a = createState('twin', { env, vars: { INSTANCE: 'a' } });
  await sleep(5);
  const b = createState('twin', { env, vars: { INSTANCE: 'b' } });
  const r = await run(process.execPath, [bin['state-step']!, '2', 'twin', 'x'], { env });
  assert.is(r.code, 2);
  assert.ok(r.stderr.includes(a.id), r.stderr);
  assert.ok(r.stderr.includes(b.id), r.stderr);
  assert.ok(r.stderr.includes('--workflow-id'), r.stderr);
  assert.ok(r.stderr.indexOf(b.id) < r.stderr.indexOf(a.id), 'newest first');
  const ok = await run(process.execPath, [bin['state-step']!, '2', 'twin', 'x', '--workflow-id', a.id], { env });
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, `read a ${a.id}`);
  // another owner sees neither
  const other = await run(process.execPath, [bin['state-step']!, '2', 'twin', 'x'], { env: { ...env, CMDC_OWNER: 'someone-else' } });
  assert.is(other.code, 2);
  assert.match(other.stderr, /no running or paused "twin" workflow/);
});

test('16 processes x 100 appends into one instance: 1,600 keys, same in TS and in bash', async () => {
  const dir = tempDir('appends');
  const env = { ...baseEnv, CMDC_STATE_DIR: dir, CMDC_OWNER: 'appender' };
  const s = createState('appends', { env });
  const procs = 16;
  const count = 100;
  const results = await Promise.all(
    Array.from({ length: procs }, (_, p) => run(process.execPath, [bin['state-appender']!, s.id, String(p), String(count)], { env })),
  );
  for (const r of results) assert.is(r.code, 0, r.stderr);
  const st = loadState(s.path);
  const keys = Object.keys(st.vars).filter((k) => k.startsWith('K_'));
  assert.is(keys.length, procs * count);
  const expected: string[] = [];
  for (let p = 0; p < procs; p++) for (let i = 0; i < count; i++) expected.push(`K_${p}_${i}`);
  for (const k of expected) {
    const [, p, i] = k.split('_');
    assert.is(st.vars[k], appenderValue(Number(p), Number(i)), k);
  }
  const cwd = tempDir('appends-bash');
  const b = bashLoad(s.path, expected, cwd);
  assert.is(b.status, 0, b.stderr);
  assert.is(b.vars.size, procs * count);
  for (const k of expected) assert.ok(b.vars.get(k)!.equals(st.varBytes[k]!), k);
  assert.not.ok(existsSync(join(cwd, 'SENTINEL')));
  assert.not.ok(existsSync(join(process.cwd(), 'SENTINEL')));
});

test.run();

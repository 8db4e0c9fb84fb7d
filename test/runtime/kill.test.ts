/**
 * SIGKILL at a random moment: 200 writer processes, each killed while appending in a loop
 * (10 writers in turn per instance, so later writers also meet the stale lock and the torn
 * tail a killed one left). After every kill the file must load (TS, read-only) with every
 * acknowledged append; bash `source` must see them too; after the repair the next writer or
 * loader does, bash `source` must succeed and agree with TS byte for byte.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lockPath } from '../../runtime/store/paths.js';
import { createState, loadState, repairState } from '../../runtime/store/state.js';
import { bashLoadAsync } from '../helpers/bash-load.js';
import { bundleHelpers } from '../helpers/bundle.js';
import { writerValue } from '../helpers/state-values.js';
import { sleep, tempDir } from '../helpers/tmp.js';

const bin = bundleHelpers(['state-killed-writer']);
const INSTANCES = 20;
const KILLS_PER_INSTANCE = 10;

/**
 * Starts a writer at key index `base` and kills it at a random moment of its append loop: once
 * a random number (0-40) of acks has been seen, after a further random 0-3 ms (so the moment
 * does not depend on machine load). Returns the acked indexes.
 */
function killedWriter(id: string, base: number, env: NodeJS.ProcessEnv): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin['state-killed-writer']!, id, String(base)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const acksBeforeKill = Math.floor(Math.random() * 41);
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (!armed && out.includes('ready\n') && (out.match(/^ack /gm)?.length ?? 0) >= acksBeforeKill) {
        armed = true;
        sleep(Math.random() * 3).then(() => child.kill('SIGKILL'));
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited ${code} ${signal}: ${err}`));
      resolve([...out.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1])));
    });
  });
}

test(`${INSTANCES * KILLS_PER_INSTANCE} SIGKILLed writers: 0 unloadable files, 0 lost acknowledged appends`, async () => {
  const dir = tempDir('kill');
  const cwd = tempDir('kill-bash');
  const env = { ...process.env, CMDC_STATE_DIR: dir, CMDC_OWNER: 'killer' };
  const stats = { runs: 0, acked: 0, unloadable: 0, lost: 0, tornSeen: 0, staleLocks: 0, bashRawFailures: 0, bashAfterRepairFailures: 0 };
  const problems: string[] = [];

  const checkAcked = (vars: (k: string) => string | undefined, acked: number[], label: string): number => {
    let lost = 0;
    for (const i of acked) {
      const ok = vars(`W_${i}`) === writerValue(i) && (i % 5 !== 4 || vars(`X_${i}`) === String(i));
      if (!ok) {
        lost++;
        if (problems.length < 10) problems.push(`${label}: acked W_${i} missing or wrong`);
      }
    }
    return lost;
  };

  const instance = async () => {
    const s = createState('kill', { env });
    const acked: number[] = [];
    let base = 0;
    for (let k = 0; k < KILLS_PER_INSTANCE; k++) {
      const got = await killedWriter(s.id, base, env);
      stats.runs++;
      acked.push(...got);
      base = (got.length ? Math.max(...got) : base) + 2; // the killed, unacked append may have landed: skip its index
      if (existsSync(lockPath(dir, s.id))) stats.staleLocks++;
      let st;
      try {
        st = loadState(s.path, { repair: false });
      } catch (e) {
        stats.unloadable++;
        problems.push(`${s.id} run ${k}: ${(e as Error).message}`);
        continue;
      }
      if (st.torn) stats.tornSeen++;
      stats.lost += checkAcked((key) => st.vars[key], acked, `${s.id} run ${k} TS`);
      // bash, before any repair: every acked value is there (a torn tail only makes `source` return 2)
      const keys = got.flatMap((i) => (i % 5 === 4 ? [`W_${i}`, `X_${i}`] : [`W_${i}`]));
      const raw = await bashLoadAsync(s.path, keys, cwd);
      if (raw.status !== 0 && !(st.torn && raw.status === 2)) stats.bashRawFailures++;
      stats.lost += checkAcked((key) => raw.vars.get(key)?.toString('utf8'), got, `${s.id} run ${k} bash`);
    }
    stats.acked += acked.length;
    // after repair (which every loader/appender does on its own), bash agrees with TS exactly
    repairState(s.path);
    const st = loadState(s.path, { repair: false });
    assert.not.ok(st.torn);
    const keys = Object.keys(st.vars);
    const b = await bashLoadAsync(s.path, keys, cwd);
    if (b.status !== 0) {
      stats.bashAfterRepairFailures++;
      problems.push(`${s.id}: bash after repair: ${b.stderr}`);
    }
    for (const key of keys) if (!b.vars.get(key)?.equals(st.varBytes[key]!)) problems.push(`${s.id}: bash/TS differ on ${key}`);
  };

  const queue = Array.from({ length: INSTANCES }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (queue.shift() !== undefined) await instance();
    }),
  );
  console.log(`    ${JSON.stringify(stats)}`);
  assert.equal(problems, []);
  assert.is(stats.runs, INSTANCES * KILLS_PER_INSTANCE);
  assert.is(stats.unloadable, 0);
  assert.is(stats.lost, 0);
  assert.is(stats.bashRawFailures, 0);
  assert.is(stats.bashAfterRepairFailures, 0);
  assert.ok(stats.acked > stats.runs * 10, 'writers were killed while appending, not before');
  assert.not.ok(existsSync(`${cwd}/SENTINEL`));
});

test.run();

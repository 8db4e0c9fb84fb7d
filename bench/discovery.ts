/**
 * Discovery benchmark: finding "my running instance of /implement" among 100 / 1,000 / 10,000
 * state files, cmdc's owner-index discovery (in process) against the seed's
 * `find "$dir" -name "workflow_${prefix}_*.sh" -printf '%T@ %p\n' | sort -rn | head -1`
 * (spawned with bash -c, and also timed inside one bash loop to leave out bash start-up), plus
 * naive Node discovery (readdir + stat of every match) for reference.
 *
 * The directory is realistic: 3 prefixes, 70% of instances done, the running ones spread over
 * 50 other owners; our owner has one running /implement, two running of other commands and a
 * few done ones. Files are written with the runtime's own format and index.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverInstance } from '../runtime/store/discover.js';
import { newWorkflowId } from '../runtime/store/ids.js';
import { addIndexEntry, markIndexComplete } from '../runtime/store/owner-index.js';
import { stateFilePath } from '../runtime/store/paths.js';
import { formatAssignment, formatMetaLine, formatRecordLine } from '../runtime/store/format.js';

const SEED_PIPELINE = `find "$1" -name "workflow_\${2}_*.sh" -printf '%T@ %p\\n' | sort -rn | head -1`;
const ME = 'session:bench-me';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function writeInstance(dir: string, prefix: string, owner: string, status: 'running' | 'paused' | 'done', mtimeSec: number): string {
  const id = newWorkflowId(prefix);
  let text = formatMetaLine('format', '1') + formatMetaLine('id', id) + formatMetaLine('command', `/${prefix}`);
  text += formatMetaLine('owner', owner) + formatMetaLine('created', new Date(mtimeSec * 1000).toISOString());
  text += formatMetaLine('status', 'running') + formatMetaLine('block', '0');
  text += formatRecordLine([formatAssignment('WORKFLOW_ID', Buffer.from(id))]);
  text += formatRecordLine([formatAssignment('PLAN_FILE', Buffer.from(`/repo/specs/${id}/plan.md`))]);
  if (status !== 'running') text += formatMetaLine('status', status);
  const path = stateFilePath(dir, id);
  writeFileSync(path, text);
  utimesSync(path, mtimeSec, mtimeSec);
  if (status !== 'done') addIndexEntry(dir, owner, id);
  return id;
}

/** Builds a state directory with `n` files; returns it and the id discovery must find. */
export function buildStateDir(n: number): { dir: string; target: string } {
  const dir = mkdtempSync(join(tmpdir(), `cmdc-bench-${n}-`));
  const now = Date.now() / 1000;
  const prefixes = ['implement', 'research', 'plan'];
  const target = writeInstance(dir, 'implement', ME, 'running', now - 5);
  writeInstance(dir, 'research', ME, 'running', now - 50);
  writeInstance(dir, 'plan', ME, 'paused', now - 500);
  for (let i = 0; i < 3; i++) writeInstance(dir, 'implement', ME, 'done', now - 1000 - i);
  for (let i = 6; i < n; i++) {
    const done = Math.random() < 0.7;
    // others' files are often newer than ours: exactly what fools the seed's newest-by-mtime rule
    writeInstance(dir, prefixes[i % 3]!, `session:other-${i % 50}`, done ? 'done' : 'running', now - Math.random() * 86_400);
  }
  markIndexComplete(dir);
  return { dir, target };
}

export interface DiscoveryRow {
  files: number;
  cmdcMs: number;
  seedSpawnedMs: number;
  seedInBashMs: number;
  naiveNodeMs: number;
  seedPickedOurs: boolean;
}

function naiveDiscover(dir: string, prefix: string): string | undefined {
  let best: string | undefined;
  let bestT = -Infinity;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`workflow_${prefix}_`) || !name.endsWith('.sh')) continue;
    const t = statSync(join(dir, name)).mtimeMs;
    if (t > bestT) {
      bestT = t;
      best = name;
    }
  }
  return best;
}

export function benchDiscovery(n: number, opts: { runs?: number; seedRuns?: number } = {}): DiscoveryRow {
  const runs = opts.runs ?? 500;
  const seedRuns = opts.seedRuns ?? 25;
  const { dir, target } = buildStateDir(n);
  try {
    const env = { CMDC_STATE_DIR: dir, CMDC_OWNER: ME };
    for (let i = 0; i < 50; i++) discoverInstance({ env, prefix: 'implement' }); // warm up
    const cmdc: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      const c = discoverInstance({ env, prefix: 'implement' });
      cmdc.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (c.id !== target) throw new Error(`cmdc discovery returned ${c.id}, expected ${target}`);
    }
    const spawned: number[] = [];
    let picked = '';
    for (let i = 0; i < seedRuns; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync('bash', ['-c', SEED_PIPELINE, 'seed', dir, 'implement']);
      spawned.push(Number(process.hrtime.bigint() - t) / 1e6);
      picked = r.stdout.toString();
    }
    const loop = spawnSync('bash', [
      '-c',
      `s=$(date +%s%N); for ((i=0;i<${seedRuns};i++)); do f "$1" "$2" >/dev/null; done; e=$(date +%s%N); echo $(( (e-s)/${seedRuns} ))`,
      'seed',
      dir,
      'implement',
    ].map((a, i) => (i === 1 ? `f() { ${SEED_PIPELINE}; }; ${a}` : a)));
    const inBashNs = Number(loop.stdout.toString().trim());
    const naive: number[] = [];
    for (let i = 0; i < Math.min(runs, 50); i++) {
      const t = process.hrtime.bigint();
      naiveDiscover(dir, 'implement');
      naive.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return {
      files: n,
      cmdcMs: median(cmdc),
      seedSpawnedMs: median(spawned),
      seedInBashMs: inBashNs / 1e6,
      naiveNodeMs: median(naive),
      seedPickedOurs: picked.includes(target),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function runDiscoveryBench(sizes: readonly number[] = [100, 1_000, 10_000]): DiscoveryRow[] {
  const rows: DiscoveryRow[] = [];
  console.log('discovery: find my running /implement instance (median; cmdc in process, seed spawned / inside bash)');
  console.log('  files    cmdc ms   seed ms (bash -c)   seed ms (in bash)   ratio (spawned / in bash)   naive node ms   seed picked mine?');
  for (const n of sizes) {
    const r = benchDiscovery(n);
    rows.push(r);
    console.log(
      `  ${String(n).padStart(6)}  ${r.cmdcMs.toFixed(3).padStart(8)}  ${r.seedSpawnedMs.toFixed(2).padStart(18)}  ${r.seedInBashMs.toFixed(2).padStart(18)}` +
        `   ${(r.seedSpawnedMs / r.cmdcMs).toFixed(0).padStart(8)}x / ${(r.seedInBashMs / r.cmdcMs).toFixed(0).padStart(6)}x` +
        `   ${r.naiveNodeMs.toFixed(2).padStart(13)}   ${r.seedPickedOurs ? 'yes' : 'no (another instance)'}`,
    );
  }
  return rows;
}

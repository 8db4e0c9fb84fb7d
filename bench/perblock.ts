/**
 * Per-block benchmark: wall time of running one block of /implement (`--block 1` on
 * examples/plan.md, a new instance each run) the ways a block can be started:
 *   (a) `npx tsx commands/implement.ts`        (the documented runner)
 *   (b) `node --import tsx commands/implement.ts`
 *   (c) `node <tmp>/implement.mjs`              (`cmdc build` bundle, built at bench start)
 *   (d) `bash -c` sourcing the 3 state libraries in runtime/lib (the original commands' cost)
 * Median of `runs` runs each; ratios against (a).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleCommands } from '../cli/bundle.js';

const ROOT = resolve(import.meta.dirname, '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export interface PerBlockRow {
  label: string;
  medianMs: number;
}

function time(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, runs: number): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`perblock: ${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return median(ms);
}

export async function runPerBlockBench(runs = 10): Promise<PerBlockRow[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'cmdc-bench-perblock-'));
  try {
    const [bundle] = await bundleCommands({ root: ROOT, names: ['implement'], out: join(tmp, 'bin') });
    const env = { ...process.env, CMDC_STATE_DIR: join(tmp, 'state'), CMDC_LOG_DIR: join(tmp, 'log'), CMDC_OWNER: 'bench:perblock', NO_COLOR: '1' };
    const block = ['--block', '1', 'examples/plan.md'];
    const lib = join(ROOT, 'runtime', 'lib');
    const bashBlock = `source "${lib}/state-persistence.sh" && source "${lib}/error-handling.sh" && source "${lib}/workflow-state-machine.sh" && echo ok`;
    const rows: PerBlockRow[] = [
      { label: '(a) npx tsx commands/implement.ts', medianMs: time('npx', ['tsx', 'commands/implement.ts', ...block], env, runs) },
      { label: '(b) node --import tsx commands/implement.ts', medianMs: time(process.execPath, ['--import', 'tsx', 'commands/implement.ts', ...block], env, runs) },
      { label: '(c) node <tmp>/implement.mjs (cmdc build)', medianMs: time(process.execPath, [bundle!.outFile, ...block], env, runs) },
      { label: '(d) bash -c sourcing the 3 state libs', medianMs: time('bash', ['-c', bashBlock], { ...env, CLAUDE_PROJECT_DIR: tmp }, runs) },
    ];
    console.log(`perblock: one block of /implement (--block 1 examples/plan.md), median of ${runs} runs`);
    const base = rows[0]!.medianMs;
    for (const r of rows) console.log(`  ${r.label.padEnd(48)} ${r.medianMs.toFixed(0).padStart(6)} ms   ${(r.medianMs / base).toFixed(3).padStart(6)}x of (a)`);
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * `cmdc run` benchmark: wall time of `node cli/bin/cmdc.mjs run <name> --block 1 …` in a temp
 * project holding /implement as `.claude/commands/implement.md`:
 *   (a) cache hit: the bundle is in the project's cache (plain node, no tsx, no compiler)
 *   (b) cache miss: the command was edited (one comment line more) since its last run: tsx,
 *       compile, esbuild bundle, then the same run (the compiler bundle is already cached)
 *   (c) the same block through `cmdc build`'s bundle, `node <bundle>` (no name resolution, no
 *       cache lookup): what a hit costs over a prebuilt entry
 * Median of `runs` runs each. Every run's cache state is checked with the CMDC_RUN_REPORT marker.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleCommands } from '../cli/bundle.js';

const ROOT = resolve(import.meta.dirname, '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export interface RunBenchRow {
  label: string;
  medianMs: number;
}

export async function runRunBench(runs = 7): Promise<RunBenchRow[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'cmdc-bench-run-'));
  try {
    const project = join(tmp, 'project');
    mkdirSync(join(project, '.claude', 'commands'), { recursive: true });
    mkdirSync(join(project, '.git'));
    cpSync(join(ROOT, 'examples'), join(project, 'examples'), { recursive: true });
    const md = join(project, '.claude', 'commands', 'implement.md');
    const text = readFileSync(join(ROOT, 'commands', 'implement.md'), 'utf8');
    writeFileSync(md, text);
    const env = { ...process.env, CMDC_STATE_DIR: join(tmp, 'state'), CMDC_LOG_DIR: join(tmp, 'log'), CMDC_OWNER: 'bench:run', CMDC_RUN_REPORT: '1', NO_COLOR: '1' };
    const block = ['--block', '1', 'examples/plan.md'];
    const once = (args: readonly string[], expect: string): number => {
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { cwd: project, env, encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.status !== 0 || !r.stderr.includes(expect)) throw new Error(`run bench: ${args.join(' ')} exited ${r.status} (want '${expect}'): ${r.stderr}`);
      return ms;
    };
    const cmdc = join(ROOT, 'cli', 'bin', 'cmdc.mjs');
    once([cmdc, 'run', 'implement', ...block], 'cmdc run: compiled'); // the compiler bundle, once
    const hit: number[] = [];
    const miss: number[] = [];
    for (let i = 0; i < runs; i++) {
      writeFileSync(md, `${text}\n<!-- edit ${i} -->\n`);
      miss.push(once([cmdc, 'run', 'implement', ...block], 'cmdc run: compiled'));
      hit.push(once([cmdc, 'run', 'implement', ...block], 'cmdc run: cache hit'));
    }
    const [bundle] = await bundleCommands({ root: ROOT, names: ['implement'], out: join(tmp, 'bin') });
    const built: number[] = [];
    for (let i = 0; i < runs; i++) built.push(once([bundle!.outFile, ...block], ''));
    const rows: RunBenchRow[] = [
      { label: '(a) cmdc run, cache hit', medianMs: median(hit) },
      { label: '(b) cmdc run, cache miss (edited command)', medianMs: median(miss) },
      { label: '(c) node <cmdc build bundle>', medianMs: median(built) },
    ];
    console.log(`run: one block of /implement as .claude/commands/implement.md (--block 1), median of ${runs} runs`);
    for (const r of rows) console.log(`  ${r.label.padEnd(44)} ${r.medianMs.toFixed(0).padStart(6)} ms`);
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

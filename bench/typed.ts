/**
 * Typed-tier bench: cost per external call (`/bin/true`, then `$(/bin/echo x)` as a capture) run
 *   (a) raw child_process.spawn                         (the floor; the baseline of the ratios)
 *   (b) the interpreter's direct spawn (`sh.cmd(["/bin/true"])`, exact tier)
 *   (c) the typed tier (`ts.run($\`/bin/true\`)`, the same path under a TS surface)
 *   (d) zx's own `$` (a bash per call)
 *   (e) a bound `$` awaited (`await $\`/bin/true\``: zx's ProcessPromise, the block's shell as its spawn)
 * plus the one-time cost of importing zx (and zx/core, what an awaited `$` loads) in a fresh node.
 * Medians of `runs` calls after a warm-up; ratios against (a) measured in the same run. Never a
 * gating test: numbers for the report and the README.
 */
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createShell } from '../runtime/index.js';
import { Capture } from '../runtime/shell/io.js';
import { $ as t$, typed } from '../runtime/typed/index.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeEach(runs: number, f: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

function rawSpawn(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('close', () => resolve(out));
  });
}

export interface TypedBenchRow {
  label: string;
  medianMs: number;
  ratio: number;
}

export async function runTypedBench(runs = Number(process.env.BENCH_RUNS ?? 40)): Promise<TypedBenchRow[]> {
  const { $: zx } = await import('zx');
  const out = new Capture();
  const sh = createShell({ env: { PATH: process.env.PATH! }, stdout: { kind: 'sink', sink: out }, scriptName: 'bash' });
  const { ts, $: bound } = typed(sh);
  // absolute paths: `true`/`echo` alone would be the interpreter's builtins
  const rows: [string, () => Promise<unknown>][] = [
    ['raw child_process.spawn /bin/true', () => rawSpawn('/bin/true', [])],
    ['interpreter sh.cmd(["/bin/true"])', () => sh.top(1).cmd(['/bin/true'])],
    ['typed ts.run($`/bin/true`)', () => ts.top(1).run(t$`/bin/true`)],
    ['zx await $`/bin/true`', () => zx`/bin/true`],
    ['bound await $`/bin/true` (zx, shell spawn)', async () => await bound`/bin/true`],
    ['raw spawn /bin/echo x, stdout read', () => rawSpawn('/bin/echo', ['x'])],
    ['interpreter $(/bin/echo x)', () => sh.top(1).commandSubst((s) => s.at(1).cmd(['/bin/echo', 'x']))],
    ['typed ts.capture($`/bin/echo x`)', () => ts.top(1).capture(t$`/bin/echo x`)],
    ['zx (await $`/bin/echo x`).stdout', async () => (await zx`/bin/echo x`).stdout],
    ['bound (await $`/bin/echo x`).stdout', async () => (await bound`/bin/echo x`).stdout],
  ];
  const measured: TypedBenchRow[] = [];
  let base = 0;
  for (const [label, f] of rows) {
    const ms = await timeEach(runs, f);
    if (label.startsWith('raw')) base = ms;
    measured.push({ label, medianMs: ms, ratio: ms / base });
  }
  const imp = (code: string) => {
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, ['--input-type=module', '-e', code], { stdio: 'ignore' });
      ms.push(performance.now() - t0);
    }
    return median(ms);
  };
  const bare = imp('0');
  const withZx = imp("await import('zx')");
  const withCore = imp("await import('zx/core')");
  measured.push({ label: 'node -e 0 (process start)', medianMs: bare, ratio: 1 });
  measured.push({ label: "node + import('zx')", medianMs: withZx, ratio: withZx / bare });
  measured.push({ label: "node + import('zx/core') (an awaited $)", medianMs: withCore, ratio: withCore / bare });
  console.log(`\ntyped tier: cost per external call (median of ${runs}; ratio vs the raw spawn above it)\n`);
  for (const r of measured) console.log(`${r.label.padEnd(46)} ${r.medianMs.toFixed(2).padStart(8)} ms  ×${r.ratio.toFixed(2)}`);
  return measured;
}

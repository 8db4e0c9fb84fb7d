/**
 * Code-cache benchmark (issue 9): what a project library costs a block, by where its code comes
 * from (runtime/code/loader.ts). The realistic fixture (test/fixtures/project: 11 library files,
 * ~1,900 lines) is bundled as `cmdc build` does; /research's first block (it loads the library
 * loader and 6 libraries through `_source_with_diagnostics`) runs as one process per run, in a
 * fresh copy of the project each time:
 *   precompiled  the libraries as compiled with the command (`cmdc compile` followed them)
 *   miss         every library edited since (a comment appended): compiled on first use by the
 *                compiler bundle, written to `.cmdc/cache`
 *   hit          the same edited libraries again, `.cmdc/cache` kept: read from the disk cache
 * Median wall time of `runs` runs each; miss − precompiled is the cost of a cache miss for the
 * block, hit − precompiled the cost of a hit.
 *
 * Usage: npx tsx bench/code-cache.ts [runs]
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFixtureCommands, freshProject } from '../test/helpers/project.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function libraries(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.sh')) out.push(p);
    }
  };
  walk(join(dir, '.claude/lib'));
  return out;
}

export interface CodeCacheResult {
  precompiledMs: number;
  missMs: number;
  hitMs: number;
}

export async function benchCodeCache(runs = 5): Promise<CodeCacheResult> {
  const tmp = mkdtempSync(join(tmpdir(), 'cmdc-code-cache-'));
  try {
    const { bundles } = await bundleFixtureCommands(join(tmp, 'build'));
    const proj = join(tmp, 'proj');
    const block = (): number => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [bundles['research']!, '--block', '#1', '--profile', 'claude-code', '--arguments', 'Caching --complexity 1'], {
        cwd: proj,
        env: { PATH: process.env.PATH, HOME: tmp, CLAUDE_CODE_SESSION_ID: 'bench', CMDC_OWNER: 'bench', LC_ALL: 'C.UTF-8', TZ: 'UTC' },
        encoding: 'utf8',
      });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`research block 1 failed (${r.status}): ${r.stderr}`);
      return ms;
    };
    const fresh = (edited: boolean, keepCache: string | null) => {
      freshProject(proj);
      if (edited) for (const f of libraries(proj)) appendFileSync(f, '# edited\n');
      if (keepCache) cpSync(keepCache, join(proj, '.cmdc/cache'), { recursive: true });
    };
    const pre: number[] = [];
    const miss: number[] = [];
    const hit: number[] = [];
    const saved = join(tmp, 'cache');
    for (let i = 0; i < runs; i++) {
      fresh(false, null);
      pre.push(block());
      fresh(true, null);
      miss.push(block());
      rmSync(saved, { recursive: true, force: true });
      cpSync(join(proj, '.cmdc/cache'), saved, { recursive: true });
      fresh(true, saved);
      hit.push(block());
    }
    return { precompiledMs: median(pre), missMs: median(miss), hitMs: median(hit) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchCodeCache(Number(process.argv[2] ?? 5));
  const f = (n: number) => `${n.toFixed(0)} ms`;
  console.log(`/research block 1 with the fixture's libraries (median wall time per process):`);
  console.log(`  precompiled (compiled with the command)  ${f(r.precompiledMs)}`);
  console.log(`  cache miss (compiled on first use)       ${f(r.missMs)}   (+${f(r.missMs - r.precompiledMs)})`);
  console.log(`  cache hit (.cmdc/cache)                  ${f(r.hitMs)}   (+${f(r.hitMs - r.precompiledMs)})`);
}

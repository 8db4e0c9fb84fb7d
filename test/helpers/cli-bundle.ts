/**
 * The `cmdc` CLI (cli/main.ts) as an esbuild bundle, for tests that run `cmdc state …` as real
 * processes many times: bare `node` starts in ~100 ms where the tsx bin takes ~1 s. By default
 * npm packages stay external and resolve from the checkout's node_modules (the bundle is written
 * under node_modules/.cache/), so the bundle holds only cmdc's own code. `selfContained` bundles
 * the packages too (split per subcommand, so `cmdc state` loads only its chunks) into a
 * world-readable temp dir: for children running as another user who cannot reach the checkout.
 */
import { buildSync } from 'esbuild';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** Bundles cli/main.ts; returns the path of the .mjs (one per test process). */
export function bundleCli(opts: { selfContained?: boolean } = {}): string {
  if (opts.selfContained) {
    const dir = mkdtempSync(join(tmpdir(), 'cmdc-cli-'));
    buildSync({
      entryPoints: [join(ROOT, 'cli/main.ts')],
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      splitting: true,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      banner: { js: "import { createRequire as __cmdcCreateRequire } from 'node:module';\nconst require = __cmdcCreateRequire(import.meta.url);" },
    });
    chmodSync(dir, 0o755);
    for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
    return join(dir, 'main.mjs');
  }
  const dir = join(ROOT, 'node_modules', '.cache', 'cmdc-test');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `cmdc-${process.pid}.mjs`);
  buildSync({
    entryPoints: [join(ROOT, 'cli/main.ts')],
    outfile: out,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return out;
}

/** True when every directory from / down to `path` lets other users through (o+x). */
export function othersCanReach(path: string): boolean {
  const parts = resolve(path).split('/').filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const dir = '/' + parts.slice(0, i).join('/');
    try {
      if ((statSync(dir).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
  }
  return true;
}

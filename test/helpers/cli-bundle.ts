/**
 * The `cmdc` CLI (cli/main.ts) as one esbuild bundle, for tests that run `cmdc state …` as real
 * processes many times: bare `node` starts in ~100 ms where the tsx bin takes ~1 s. npm
 * packages stay external and resolve from the checkout's node_modules (the bundle is written
 * under node_modules/.cache/), so the bundle holds only cmdc's own code.
 */
import { buildSync } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** Bundles cli/main.ts; returns the path of the .mjs (one per test process). */
export function bundleCli(): string {
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

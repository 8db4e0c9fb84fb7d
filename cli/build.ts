/**
 * `cmdc build [names...] [--out .cmdc/bin]`: bundle `commands/<name>.ts` entries (default: all)
 * into self-contained `<out>/<name>.mjs` files, run with bare `node` (the per-block fast path):
 * `node .cmdc/bin/implement.mjs --block 1 …`.
 */
import type { Command } from 'commander';
import { relative } from 'node:path';
import { BundleError, bundleCommands } from './bundle.js';

/** A path relative to the project when it is inside it, else absolute. */
function shown(rel: string, abs: string): string {
  return rel && !rel.startsWith('..') ? rel : abs;
}

export function register(program: Command): void {
  program
    .command('build')
    .description('Bundle commands/<name>.ts entries into self-contained node ESM files (per-block fast path)')
    .argument('[names...]', 'command names, e.g. implement for commands/implement.ts (default: all)')
    .option('-o, --out <dir>', 'output directory', '.cmdc/bin')
    .action(async (names: string[], opts: { out: string }) => {
      const t0 = performance.now();
      const root = process.cwd();
      try {
        const done = await bundleCommands({ root, names, out: opts.out });
        for (const b of done) process.stderr.write(`${b.entry} -> ${shown(relative(root, b.outFile), b.outFile)} (${Math.round(b.bytes / 1024)} KiB)\n`);
        process.stderr.write(`cmdc build: ${done.length} bundle${done.length === 1 ? '' : 's'} (${Math.round(performance.now() - t0)} ms)\n`);
      } catch (e) {
        if (!(e instanceof BundleError) && !(e instanceof Error && 'errors' in e)) throw e;
        process.stderr.write(`cmdc build: ${e.message}\n`);
        process.exitCode = 1;
      }
    });
}

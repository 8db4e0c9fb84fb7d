/**
 * `cmdc watch [paths...] [--out dir] [--strict]`: compile everything once, then watch the .md
 * files (chokidar) and recompile only the file that changed, printing the time each recompile
 * took. One ts-morph project is kept warm across recompiles, and the libraries the state-flow
 * analysis parsed while they do not change. A recompile with errors prints them
 * and leaves the previous output intact.
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import { compile, createLibraryCache, createTypecheckCache, writeResults } from '../compiler/index.js';
import { createEmitter } from '../compiler/emit.js';
import { inputPaths, printDiagnostics, resolveInputs } from './compile.js';

export interface WatchOptions {
  out?: string;
  strict?: boolean;
}

/** Start watching; resolves to the watcher once the initial compile is done (tests close it). */
export async function startWatch(
  paths: string[],
  opts: WatchOptions,
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
  root = process.cwd(),
): Promise<FSWatcher> {
  const emitter = createEmitter();
  // The libraries the state-flow analysis parsed, kept while none of them changes on disk.
  let libraryCache = createLibraryCache();
  const typecheckCache = createTypecheckCache();
  let libraryStamp = '';
  const stampOf = (files: Iterable<string>) =>
    [...files].map((f) => {
      try {
        const st = statSync(f);
        return `${f}:${st.mtimeMs}:${st.size}`;
      } catch {
        return `${f}:-`;
      }
    }).join('\n');
  const outDir = resolve(root, opts.out ?? 'generated');
  const strict = opts.strict ?? false;
  const targets = inputPaths(paths).map((p) => resolve(root, p));

  const build = async (files: string[], label: string) => {
    const t0 = performance.now();
    if (stampOf(libraryCache.files.keys()) !== libraryStamp) libraryCache = createLibraryCache();
    const result = compile(files, { outDir, strict, root, emitter, libraryCache, typecheckCache });
    libraryStamp = stampOf(libraryCache.files.keys());
    const w = await writeResults(result);
    const ms = (performance.now() - t0).toFixed(0);
    printDiagnostics(result);
    if (result.failed) log(`✗ ${label}: errors, previous output kept (${ms} ms)`);
    else log(`✓ ${label}: ${w.written.length} written, ${w.unchanged.length} unchanged (${ms} ms)`);
  };

  const initial = resolveInputs(paths, root).files;
  await build(initial, `${initial.length} files`);

  const watcher = chokidarWatch(targets, {
    ignoreInitial: true,
    awaitWriteFinish: { stabilityThreshold: 20, pollInterval: 10 },
    ignored: (p, stats) => Boolean(stats?.isFile() && !p.toLowerCase().endsWith('.md')),
  });
  const queue = new Map<string, Promise<void>>();
  const onChange = (path: string) => {
    if (!path.toLowerCase().endsWith('.md') || !existsSync(path) || !statSync(path).isFile()) return;
    // Serialise rebuilds of one file; different files rebuild independently.
    const prev = queue.get(path) ?? Promise.resolve();
    const next = prev.then(() => build([path], relative(root, path).startsWith('..') ? path : relative(root, path))).catch((e: Error) => log(`✗ ${path}: ${e.message}`));
    queue.set(path, next);
  };
  watcher.on('add', onChange).on('change', onChange);
  await new Promise<void>((r) => watcher.once('ready', () => r()));
  log(`watching ${targets.map((t) => relative(root, t) || '.').join(', ')} (Ctrl-C to stop)`);
  return watcher;
}

export function register(program: Command): void {
  program
    .command('watch')
    .description('Compile, then recompile each command .md file when it changes')
    .argument('[paths...]', '.md files or directories (default: commands/)')
    .option('-o, --out <dir>', 'output directory', 'generated')
    .option('--strict', 'a block that does not parse is an error instead of a bash island')
    .action(async (paths: string[], opts: WatchOptions) => {
      await startWatch(paths, opts);
    });
}

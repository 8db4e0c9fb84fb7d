/**
 * `cmdc run`'s compiled-command cache and name resolution, in plain JavaScript: the cache-hit
 * path (cli/bin/cmdc.mjs) runs from here without tsx and without the compiler; the miss path
 * (cli/run.ts, under tsx) uses the same paths and keys to write what a hit reads.
 *
 *   <project>/.cmdc/cache/                    runtime/code/cache.ts's directory (`*` gitignore)
 *   <project>/.cmdc/cache/run-<version>/<key>.mjs   one self-contained bundle per command text
 *   <project>/.cmdc/cache/run-<version>/cmdc-compiler.mjs   the compiler, for run-time misses
 *
 * - key: sha256 of the command's path (relative to the project), its name and its bytes: an
 *   edited or renamed command file is a miss and is compiled again.
 * - version: sha256 of cmdc's own sources (compiler/ and runtime/ .ts) and of where this cmdc
 *   lives (bundles refer to its bash library by absolute path): another cmdc is another directory.
 * - bundles are written atomically by the miss path (write-file-atomic), so a partly written
 *   bundle is never imported.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The cmdc installation this file belongs to (holds compiler/, runtime/, cli/). */
export const CMDC_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The project a command runs in: the git top level, else the nearest directory with `.claude/`, else `cwd`. */
export function projectRoot(cwd) {
  let claude = null;
  for (let d = resolve(cwd); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (claude === null && existsSync(join(d, '.claude'))) claude = d;
    if (dirname(d) === d) return claude ?? resolve(cwd);
  }
}

/**
 * Where `name` is, as Claude Code looks it up: `.claude/commands/<name>.md` (`a:b` →
 * `.claude/commands/a/b.md`), `.claude/skills/<name>/SKILL.md`, then `commands/<name>.md`. A name
 * ending in `.md` or holding a `/` is a path (relative to `cwd`). Returns null when nothing is there.
 */
export function resolveCommand(root, name, cwd = process.cwd()) {
  if (name.endsWith('.md') || name.includes('/') || name.includes(sep)) {
    const file = resolve(cwd, name);
    if (!existsSync(file)) return null;
    const base = file.endsWith(`${sep}SKILL.md`) ? dirname(file).split(sep).pop() : file.split(sep).pop().replace(/\.md$/, '');
    return { name: base, file, rel: relative(root, file).split(sep).join('/') };
  }
  const tries = [join('.claude', 'commands', ...name.split(':')) + '.md'];
  if (!name.includes(':')) tries.push(join('.claude', 'skills', name, 'SKILL.md'), join('commands', `${name}.md`));
  for (const t of tries) {
    const file = join(root, t);
    if (existsSync(file)) return { name, file, rel: t.split(sep).join('/') };
  }
  return null;
}

function sha256(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** The version of this cmdc: its compiler and runtime sources, and its location. */
export function cmdcVersion() {
  const h = createHash('sha256').update(CMDC_ROOT);
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) h.update(p.slice(CMDC_ROOT.length)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  walk(join(CMDC_ROOT, 'compiler'));
  walk(join(CMDC_ROOT, 'runtime'));
  return h.digest('hex');
}

/** The cache directory of a project for this cmdc version. */
export function runCacheDir(root, version) {
  return join(root, '.cmdc', 'cache', `run-${version.slice(0, 16)}`);
}

/** The bundle a resolved command compiles to (its text as read now). */
export function bundleFor(root, resolved, version) {
  const text = readFileSync(resolved.file);
  const key = sha256(resolved.rel, resolved.name, text);
  return { key, text, file: join(runCacheDir(root, version), `${key.slice(0, 32)}.mjs`) };
}

/** The command line that re-runs a command (printed by the runner for resume / next block). */
export function entryFor(name) {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(name) ? `npx cmdc run ${name}` : `npx cmdc run '${name.replace(/'/g, `'\\''`)}'`;
}

/**
 * Run a bundle: its `command` with the runner it contains. `args` are the user's (runner
 * options and arguments); process.argv is reshaped to `[node, script, ...args]` so that the runner
 * reads the arguments' exact bytes (runtime/runner/argv.ts takes them from the tail).
 */
export async function runBundle(bundleFile, name, args) {
  const m = await import(pathToFileURL(bundleFile).href);
  process.argv.splice(2, process.argv.length - 2, ...args);
  return m.run({ ...m.command, entry: entryFor(name) }, process.argv);
}

/**
 * The hit path: `cmdc run <name> ...` when the bundle is in the cache. Returns false (nothing
 * done) when the caller must take the miss path (tsx + compiler).
 */
export async function tryRunCached(argv, cwd = process.cwd()) {
  const t0 = performance.now();
  const [name, ...args] = argv;
  if (!name || name.startsWith('-')) return false;
  const root = projectRoot(cwd);
  const resolved = resolveCommand(root, name, cwd);
  if (!resolved) return false;
  const b = bundleFor(root, resolved, cmdcVersion());
  if (!existsSync(b.file)) return false;
  if (process.env.CMDC_RUN_REPORT) process.stderr.write(`cmdc run: cache hit ${resolved.rel} (${(performance.now() - t0).toFixed(1)} ms before import)\n`);
  await runBundle(b.file, name, args);
  return true;
}

/**
 * The hit path of `cmdc run` in plain JavaScript: cli/bin/cmdc.mjs runs a command whose bundle is
 * already in the project's cache from here, with bare node: neither tsx nor the compiler is
 * loaded. Also the name resolution both paths share (Claude Code's lookup order).
 *
 * The cache layout (directories, keys, version) belongs to runtime/code/cache.ts (runPaths,
 * runKey, runVersion); the three functions below read the same layout without tsx, and
 * test/unit/run-cache.test.ts asserts they agree with the owner. A miss returns false and the
 * caller compiles under tsx (cli/run.ts), which writes what a hit reads.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The cmdc installation this file belongs to (holds compiler/, runtime/, cli/). */
export const CMDC_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]$/, '');

/** The project a command runs in: the git top level, else the nearest directory with `.claude/`, else `cwd`. */
export function projectRoot(cwd) {
  let claude = null;
  for (let d = resolve(cwd); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (claude === null && existsSync(join(d, '.claude'))) claude = d;
    if (dirname(d) === d) return claude ?? resolve(cwd);
  }
}

/** A name that is a path: ends in `.md` or holds a path separator. */
export function isPath(name) {
  return name.endsWith('.md') || name.includes('/') || name.includes(sep);
}

/**
 * Where `name` is, as Claude Code looks it up: `.claude/skills/<name>/SKILL.md` (Claude Code's
 * docs: a skill and a command of the same name, the skill wins), `.claude/commands/<name>.md`
 * (`a:b` → `.claude/commands/a/b.md`), then this repo's `commands/<name>.md`. A path (isPath)
 * is taken relative to `cwd`. Returns null when nothing is there.
 */
export function resolveCommand(root, name, cwd = process.cwd()) {
  if (isPath(name)) {
    const file = resolve(cwd, name);
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return null;
    const base = file.endsWith(`${sep}SKILL.md`) ? dirname(file).split(sep).pop() : file.split(sep).pop().replace(/\.md$/, '');
    return { name: base, file, rel: relative(root, file).split(sep).join('/') };
  }
  if (!/^[^\s:]+(:[^\s:]+)*$/.test(name)) return null;
  const command = `.claude/commands/${name.split(':').join('/')}.md`;
  const tries = name.includes(':') ? [command] : [`.claude/skills/${name}/SKILL.md`, command, `commands/${name}.md`];
  for (const rel of tries) {
    const file = join(root, ...rel.split('/'));
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) return { name, file, rel };
  }
  return null;
}

// --- the cache layout, as runtime/code/cache.ts defines it -----------------------------------

/** runtime/code/cache.ts RUN_VERSION_PATHS + runVersion. */
export function runVersion(cmdcRoot) {
  const h = createHash('sha256').update(cmdcRoot).update('\0');
  const visit = (abs, rel) => {
    let st;
    try {
      st = statSync(abs);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      let names;
      try {
        names = readdirSync(abs).sort();
      } catch {
        return;
      }
      for (const n of names) visit(join(abs, n), `${rel}/${n}`);
    } else h.update(`${rel}\0${st.size}\0${Math.trunc(st.mtimeMs)}\0${Math.trunc(st.ctimeMs)}\0`);
  };
  for (const p of ['cli', 'compiler', 'runtime', 'package.json']) visit(join(cmdcRoot, p), p);
  return h.digest('hex');
}

/** runtime/code/cache.ts runKey. */
export function runKey(rel, name, bytes) {
  return createHash('sha256').update(rel.split(sep).join('/')).update('\0').update(name).update('\0').update(bytes).digest('hex');
}

/** runtime/code/cache.ts runPaths(...).bundle. */
export function runBundleFile(projectDir, version, key) {
  return join(projectDir, '.cmdc', 'cache', `run-${version.slice(0, 16)}`, `${key.slice(0, 32)}.mjs`);
}

// ----------------------------------------------------------------------------------------------

/**
 * The command line that re-runs a command (printed by the runner for resume / next block):
 * `name` as the user gave it (a path stays the path: the command's own name may not resolve).
 */
export function entryFor(name) {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(name) ? `npx cmdc run ${name}` : `npx cmdc run '${name.replace(/'/g, `'\\''`)}'`;
}

/**
 * Run a bundle: its `command` with the runner it contains, `name` as the user gave it (for the
 * commands it prints), in project `root` (CLAUDE_PROJECT_DIR unless set). `args` are the user's (runner options
 * and arguments); process.argv is reshaped to `[node, script, ...args]` so that the runner reads
 * the arguments' exact bytes (runtime/runner/argv.ts takes them from the tail). `loaded` is
 * called once the bundle (whose runtime guards SIGUSR1 from its first import) is loaded.
 * Returns the runner's exit status.
 */
export async function runBundle(bundleFile, name, args, root, loaded = () => {}) {
  const m = await import(pathToFileURL(bundleFile).href);
  loaded();
  // the project the name was resolved in (state dir, ${CLAUDE_PROJECT_DIR}, a skill's directory),
  // also when run from one of its subdirectories
  process.env.CLAUDE_PROJECT_DIR ||= root;
  process.argv.splice(2, process.argv.length - 2, ...args);
  return m.run({ ...m.command, entry: entryFor(name) }, process.argv);
}

/**
 * The hit path: `cmdc run <name> ...` when the bundle is in the cache. Returns false (nothing
 * done) when the caller must take the miss path (tsx + compiler). `CMDC_RUN_REPORT=1` prints
 * `cmdc run: cache hit <rel> (<ms> ms)` on stderr (tests assert hits with it).
 */
export async function tryRunCached(argv, cwd = process.cwd(), loaded = () => {}) {
  const t0 = performance.now();
  const [name, ...args] = argv;
  if (!name || name.startsWith('-')) return false;
  const root = projectRoot(cwd);
  const resolved = resolveCommand(root, name, cwd);
  if (!resolved) return false;
  let bytes;
  try {
    bytes = readFileSync(resolved.file);
  } catch {
    return false;
  }
  const file = runBundleFile(root, runVersion(CMDC_ROOT), runKey(resolved.rel, resolved.name, bytes));
  if (!existsSync(file)) return false;
  if (process.env.CMDC_RUN_REPORT) process.stderr.write(`cmdc run: cache hit ${resolved.rel} (${(performance.now() - t0).toFixed(1)} ms to find)\n`);
  process.exitCode = await runBundle(file, name, args, root, loaded);
  return true;
}

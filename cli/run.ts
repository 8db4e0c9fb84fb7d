/**
 * `cmdc run <name|path.md> [runner options] [--] [arguments...]` (the cache-miss path) and
 * `cmdc list`. The hit path is cli/run-hit.mjs, run by cli/bin/cmdc.mjs before tsx is loaded;
 * here, under tsx, a command missing from the cache is compiled (compiler/index.ts) and bundled
 * with the runtime and its runner by esbuild into the project's cache, then run from there, the
 * same way a hit runs it. A name that resolves to nothing is one line listing the near names.
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { compile, createLibraryCache, runtimeSpecifier } from '../compiler/index.js';
import { createEmitter } from '../compiler/emit.js';
import { formatDiagnostics } from '../compiler/diagnostics.js';
import { commandInfoFor, parseCommandMarkdown } from '../compiler/markdown.js';
import { prepareCacheDir, runKey, runPaths, runVersion, type RunPaths } from '../runtime/code/cache.js';
import { BANNER, compilerBuildOptionsFor, forbiddenInputs, runtimeDefines } from './bundle.js';
import { CMDC_ROOT, isPath, projectRoot, resolveCommand, runBundle, type ResolvedCommand } from './run-hit.mjs';

const RUN_USAGE = `Usage: cmdc run <name|path.md> [runner options] [--] [arguments...]

  <name>: .claude/skills/<name>/SKILL.md (a skill wins over a command of the same name),
  then .claude/commands/<name>.md (ns:name: .claude/commands/ns/name.md), then
  commands/<name>.md, from the project root (git top
  level, else the nearest directory holding .claude/); a name ending in .md or holding a / is a path.
  Compiled into <project>/.cmdc/cache on first use and whenever the file changes.

  Runner options: --block N [--workflow-id ID], --resume [ID], --list, --agent-cmd CMD,
  --agent-replay FILE, --set NAME=VALUE, --profile claude-code|script, --arguments RAW;
  cmdc run <name> --help shows the command's own help.
  cmdc run (no name), cmdc list: the project's commands and skills.
  CMDC_RUN_REPORT=1: say on stderr whether the run was a cache hit or compiled.
`;

/** The command's file could not be read or compiled, or esbuild failed: the message says which. */
export class RunError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** A command or skill of the project. */
export interface ProjectCommand extends ResolvedCommand {
  kind: 'command' | 'skill';
  /** Another file of the same name comes first in the lookup (its path): `cmdc run <name>` never runs this one. */
  shadowedBy?: string;
}

/**
 * The project's skills, commands (`.claude/commands/**.md`, `a/b.md` as `a:b`) and
 * `commands/*.md`, by name; a name met again in lookup order is marked shadowed by the first.
 */
export function projectCommands(root: string): ProjectCommand[] {
  const out: ProjectCommand[] = [];
  const first = new Map<string, string>();
  const add = (c: ProjectCommand) => {
    const before = first.get(c.name);
    if (before) out.push({ ...c, shadowedBy: before });
    else {
      first.set(c.name, c.rel);
      out.push(c);
    }
  };
  const walk = (dir: string, ns: string[]) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      if (statSync(p, { throwIfNoEntry: false })?.isDirectory()) walk(p, [...ns, n]);
      else if (n.endsWith('.md')) add({ kind: 'command', name: [...ns, n.slice(0, -3)].join(':'), file: p, rel: relative(root, p).split(sep).join('/') });
    }
  };
  const skills = join(root, '.claude', 'skills');
  for (const n of existsSync(skills) ? readdirSync(skills).sort() : []) {
    const p = join(skills, n, 'SKILL.md');
    if (existsSync(p)) add({ kind: 'skill', name: n, file: p, rel: relative(root, p).split(sep).join('/') });
  }
  walk(join(root, '.claude', 'commands'), []);
  const own = join(root, 'commands');
  for (const n of existsSync(own) ? readdirSync(own).sort() : []) {
    const p = join(own, n);
    if (n.endsWith('.md') && commandInfoFor(relative(root, p)) !== null) add({ kind: 'command', name: n.slice(0, -3), file: p, rel: relative(root, p).split(sep).join('/') });
  }
  // by name for the reader; a stable sort keeps the one that wins before those it shadows
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The names closest to `name` (distance ≤ max(2, a third of its length), or sharing a prefix), nearest first. */
export function nearNames(name: string, names: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return names
    .map((n) => ({ n, d: editDistance(name, n) }))
    .filter(({ n, d }) => d <= limit || n.startsWith(name) || name.startsWith(n))
    .sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : 1))
    .slice(0, 5)
    .map(({ n }) => n);
}

/** The one-line error for a name that resolves to nothing. */
export function unknownCommandMessage(name: string, root: string): string {
  if (isPath(name)) return `cmdc run: no such file: ${name}`;
  const all = projectCommands(root).filter((c) => !c.shadowedBy).map((c) => c.name);
  const near = nearNames(name, all);
  const hint = near.length ? `; did you mean ${near.join(', ')}?` : all.length ? `; the project has: ${all.slice(0, 10).join(', ')}` : '; the project has no .claude/commands, .claude/skills or commands/';
  return `cmdc run: no command '${name}' in ${root} (looked in .claude/commands, .claude/skills, commands/)${hint}`;
}

/**
 * Compile `resolved` (text `bytes`) into the cache: the generated module (with the libraries it
 * sources, and the runner re-exported) is written to `paths.module` and bundled from there with
 * the runtime by esbuild into `paths.bundle`, with the compiler bundle next to it for bash text
 * met at run time. Throws RunError with the located diagnostics when the command does not compile.
 */
export async function compileToCache(root: string, resolved: ResolvedCommand, bytes: Buffer, paths: RunPaths): Promise<void> {
  const result = compile([resolved.file], {
    root,
    outDir: paths.dir,
    runtimeEntry: join(CMDC_ROOT, 'runtime', 'index.ts'),
  });
  const r = result.results[0];
  if (result.failed || !r || r.code === null) {
    const color = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
    const text = formatDiagnostics(result.diagnostics, (f) => (f === r?.file ? r.source : undefined), { color });
    throw new RunError(`${text}\ncmdc run: ${resolved.rel} does not compile`, 1);
  }
  // cached under the key of the bytes read before: never code compiled from other bytes
  if (r.source !== bytes.toString('utf8')) throw new RunError(`cmdc run: ${resolved.rel} changed while it was compiled; run it again`, 75);
  prepareCacheDir(root, paths.dir);
  const runner = runtimeSpecifier(paths.dir, join(CMDC_ROOT, 'runtime', 'runner', 'run.ts'));
  await writeFileAtomic(paths.module, `${r.code}\nexport { run } from '${runner}';\n`);
  let out;
  try {
    out = await build({
      entryPoints: [paths.module],
      absWorkingDir: CMDC_ROOT,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      banner: { js: BANNER },
      define: runtimeDefines(CMDC_ROOT, paths.compiler),
      metafile: true,
      write: false,
      outfile: paths.bundle,
      logLevel: 'silent',
      legalComments: 'none',
    });
  } catch (e) {
    throw new RunError(`cmdc run: ${resolved.rel}: esbuild failed: ${e instanceof Error ? e.message : String(e)}`, 70);
  }
  const bad = forbiddenInputs(out.metafile);
  if (bad.length) throw new RunError(`cmdc run: ${resolved.rel}: the bundle pulls in compiler code: ${bad.slice(0, 5).join(', ')}`, 70);
  const file = out.outputFiles.find((f) => f.path.endsWith('.mjs'));
  if (!file) throw new RunError(`cmdc run: ${resolved.rel}: esbuild produced no output`, 70);
  if (!existsSync(paths.compiler)) {
    const c = await build({ ...compilerBuildOptionsFor(CMDC_ROOT, paths.compiler), write: false });
    const cf = c.outputFiles.find((f) => f.path.endsWith('.mjs'));
    if (cf) await writeFileAtomic(paths.compiler, Buffer.from(cf.contents), { mode: 0o644 });
  }
  // the bundle last: its presence is what a hit looks for
  await writeFileAtomic(paths.bundle, Buffer.from(file.contents), { mode: 0o644 });
}

/** `cmdc run` past the cache: resolve (or list), compile on a miss, run. Returns the exit status. */
export async function runMiss(argv: readonly string[], cwd = process.cwd()): Promise<number> {
  const [name, ...args] = argv;
  const root = projectRoot(cwd);
  if (!name) return listCommands(root);
  if (name === '--help' || name === '-h') {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  if (name.startsWith('-')) throw new RunError(`cmdc run: the command's name comes first (cmdc run <name> ${name} …); see cmdc run --help`, 2);
  const resolved = resolveCommand(root, name, cwd);
  if (!resolved) throw new RunError(unknownCommandMessage(name, root), 2);
  const t0 = performance.now();
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolved.file);
  } catch (e) {
    throw new RunError(`cmdc run: cannot read ${resolved.rel}: ${(e as Error).message}`, 1);
  }
  const paths = runPaths(root, runVersion(CMDC_ROOT), runKey(resolved.rel, resolved.name, bytes));
  if (!existsSync(paths.bundle)) {
    try {
      await compileToCache(root, resolved, bytes, paths);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (e instanceof RunError || typeof code !== 'string') throw e;
      throw new RunError(`cmdc run: cannot write the compiled ${resolved.rel} into ${paths.dir}: ${(e as Error).message}`, 73);
    }
    if (process.env.CMDC_RUN_REPORT) process.stderr.write(`cmdc run: compiled ${resolved.rel} (${Math.round(performance.now() - t0)} ms)\n`);
  } else if (process.env.CMDC_RUN_REPORT) process.stderr.write(`cmdc run: cache hit ${resolved.rel} (under tsx)\n`);
  return runBundle(paths.bundle, name, args, root);
}

/**
 * `cmdc list`: name, kind, argument hint, whether each compiles (`ok`, `ok, N warnings` — e.g. a
 * block that does not parse runs as an island —, `N errors`: `cmdc run` refuses it), description.
 */
export function listCommands(root: string, write = (s: string) => void process.stdout.write(s)): number {
  const cmds = projectCommands(root);
  if (!cmds.length) {
    write(`no commands in ${root} (.claude/commands, .claude/skills, commands/)\n`);
    return 0;
  }
  // one compile per command, as `cmdc run` compiles it (together, two commands that map to one
  // output name would be reported as clashing); one emitter and library cache for all
  const emitter = createEmitter();
  const libraryCache = createLibraryCache();
  const rows = cmds.map((c) => {
    const result = compile([c.file], { root, outDir: join(root, '.cmdc', 'cache', 'list'), runtimeEntry: join(CMDC_ROOT, 'runtime', 'index.ts'), emitter, libraryCache });
    const count = (sev: string) => result.diagnostics.filter((d) => d.severity === sev).length;
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const errors = count('error');
    const warnings = count('warning');
    const status = errors || result.failed ? plural(Math.max(errors, 1), 'error') : warnings ? `ok, ${plural(warnings, 'warning')}` : 'ok';
    let fm: Record<string, unknown> = {};
    try {
      fm = parseCommandMarkdown(readFileSync(c.file, 'utf8'), c.rel).frontmatter;
    } catch {
      /* shown as not compiling */
    }
    const hint = typeof fm['argument-hint'] === 'string' ? fm['argument-hint'] : '';
    const desc = typeof fm.description === 'string' ? fm.description : '';
    return [c.name, c.kind, hint, status, desc, c.shadowedBy ? `${c.rel}; shadowed by ${c.shadowedBy}` : c.rel];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) write(`${r.slice(0, 4).map((c, i) => c.padEnd(widths[i]!)).join('  ')}  ${r[4]}  (${r[5]})\n`.replace(/ +\n/, '\n'));
  return 0;
}

/** `cmdc run ...` from cli/bin/cmdc.mjs after a cache miss (`argv`: after `run`). Sets process.exitCode. */
export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    process.exitCode = await runMiss(argv);
  } catch (e) {
    if (!(e instanceof RunError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = e.exitCode;
  }
}

export function register(program: Command): void {
  program
    .command('run')
    .description('Run a command or skill of this project by name (compiled into .cmdc/cache on first use)')
    .argument('[name]', 'command name (x, ns:x, a skill) or path of a .md file; none: list the commands')
    .argument('[args...]', 'runner options (--block N, --resume, --list, --help, --agent-cmd, --set, --profile) and arguments')
    .allowUnknownOption()
    .helpOption(false)
    .action(async () => {
      await runCli(process.argv.slice(process.argv.indexOf('run') + 1));
    });
  program
    .command('list')
    .description("List the project's commands and skills: argument hint, whether each compiles, description")
    .action(() => {
      process.exitCode = listCommands(projectRoot(process.cwd()));
    });
}

/**
 * The realistic project fixture (test/fixtures/project: a command set with its own 11-file bash
 * library under .claude/lib, in the style of the seed's) for the e2e and concurrency tests:
 * copy it into a fresh git repository, compile its commands and bundle them into bare-node
 * entries (the per-block path of `cmdc build`), snapshot its files, normalise ids and clocks.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { compile } from '../../compiler/index.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { bundleCommands } from '../../cli/bundle.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIXTURE_PROJECT = join(ROOT, 'test/fixtures/project');

/** A fixed identity and clock for the fixture repository's commit. */
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.com',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.com',
  GIT_AUTHOR_DATE: '2025-12-01T10:00:00Z',
  GIT_COMMITTER_DATE: '2025-12-01T10:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: '/nonexistent',
};

function git(dir: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, ...GIT_ENV } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A fresh copy of the fixture project at `dir` (removed first), committed on branch main. */
export function freshProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(FIXTURE_PROJECT, dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'Initial project']);
}

/** `git status --porcelain` of the project (what a block checking for a clean tree sees). */
export function gitStatus(dir: string): string {
  return git(dir, ['status', '--porcelain']);
}

/** The fixture's command names (`.claude/commands/<name>.md`), sorted. */
export function fixtureCommands(): string[] {
  return readdirSync(join(FIXTURE_PROJECT, '.claude/commands'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * Compiles the fixture's commands (root: the fixture project, so sources are
 * `.claude/commands/<name>.md`) into `<out>/gen`, and bundles one entry per command into
 * `<out>/bin/<name>.mjs`. Returns name -> bundle path, and the compile diagnostics. Throws when
 * a command does not compile.
 */
export function bundleFixtureCommands(out: string): Promise<{ bundles: Record<string, string>; diagnostics: Diagnostic[] }> {
  const files = fixtureCommands().map((n) => join(FIXTURE_PROJECT, '.claude/commands', `${n}.md`));
  return bundleCommandFiles(files, FIXTURE_PROJECT, out);
}

/** The same for any command files (`root`: the project they belong to). */
export async function bundleCommandFiles(files: string[], root: string, out: string): Promise<{ bundles: Record<string, string>; diagnostics: Diagnostic[] }> {
  const gen = join(out, 'gen');
  const entries = join(gen, 'commands');
  mkdirSync(entries, { recursive: true });
  const r = compile(files, { root, outDir: gen, runtimeEntry: join(ROOT, 'runtime/index.ts') });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (r.failed || errors.length) throw new Error(`commands do not compile: ${JSON.stringify(errors.slice(0, 3))}`);
  for (const x of r.results) {
    if (x.code === null) throw new Error(`${x.file}: not compiled`);
    writeFileSync(x.outFile, x.code);
    const mod = basename(x.outFile, '.ts');
    writeFileSync(
      join(entries, `${mod}.ts`),
      `import { command } from '../${mod}.js';\nimport { run } from ${JSON.stringify(join(ROOT, 'runtime/runner/run.ts'))};\nawait run(command, process.argv);\n`,
    );
  }
  const built = await bundleCommands({ root: ROOT, commandsDir: entries, out: join(out, 'bin') });
  return { bundles: Object.fromEntries(built.map((b) => [b.name, b.outFile])), diagnostics: r.diagnostics };
}

/** Every file under `dir` (not .git/), path -> content, paths sorted. */
export function projectFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (rel === '.git') continue;
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(rel, readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

/**
 * Ids and clocks to placeholders: workflow ids `<prefix>_<19 digits>[_<nanoid>]` -> <WFID>, other
 * 19-digit nanosecond stamps -> <NS>, ISO-8601 UTC times -> <TS>, `.tmp.<pid>` suffixes -> .tmp.<PID>.
 */
export function normalise(s: string): string {
  return s
    .replace(/\b[A-Za-z][A-Za-z0-9-]*(?:_[A-Za-z][A-Za-z0-9-]*)*_\d{19}(?:_[A-Za-z0-9_-]{21})?(?![0-9])/g, '<WFID>')
    .replace(/\d{19}/g, '<NS>')
    .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})/g, '<TS>')
    .replace(/\.tmp\.\d+\b/g, '.tmp.<PID>');
}

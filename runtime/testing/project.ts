/**
 * The temp project a block test runs in: a fresh directory with `.claude/tmp` (the state
 * directory), the command's libraries copied from the real project (`.claude/lib`, and any
 * library the compiler resolved elsewhere), and the test's files; a snapshot of its files before
 * the block, to report what the block wrote or removed; removal afterwards.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createHash } from 'node:crypto';

export interface TempProject {
  /** Absolute path (symlinks resolved). */
  dir: string;
  /** The state directory (`<dir>/.claude/tmp`). */
  stateDir: string;
  remove(): void;
}

/** The project a command belongs to: the nearest ancestor of `from` where `source` (the .md path relative to the root) exists; else `from`. */
export function findProjectRoot(source: string, from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, source))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(from);
    dir = up;
  }
}

/**
 * A fresh temp project: `.claude/tmp`, the libraries (`<root>/.claude/lib` whole, symlinks
 * followed, plus `libraries` — paths relative to `root` — that lie elsewhere), then `files`
 * (paths relative to the project; a test's file wins over a library of the same path).
 */
export function createTempProject(o: {
  root: string;
  libraries?: readonly string[];
  files?: Readonly<Record<string, string | Uint8Array>>;
}): TempProject {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cmdc-test-')));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const stateDir = join(dir, '.claude', 'tmp');
  try {
    mkdirSync(stateDir, { recursive: true });
    const lib = join(o.root, '.claude', 'lib');
    if (existsSync(lib)) cpSync(lib, join(dir, '.claude', 'lib'), { recursive: true, dereference: true });
    for (const f of o.libraries ?? []) {
      const from = resolve(o.root, f);
      const rel = relative(o.root, from);
      if (rel.startsWith('..') || isAbsolute(rel) || !existsSync(from)) continue;
      const to = join(dir, rel);
      if (existsSync(to)) continue;
      mkdirSync(dirname(to), { recursive: true });
      cpSync(from, to, { dereference: true });
    }
    for (const [name, content] of Object.entries(o.files ?? {})) {
      const to = inside(dir, name);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, content);
    }
  } catch (e) {
    remove();
    throw e;
  }
  return { dir, stateDir, remove };
}

/** `name` resolved inside `dir`; a path that leaves it is an error (a test's typo must not write elsewhere). */
export function inside(dir: string, name: string): string {
  const p = resolve(dir, name);
  if (p !== dir && !p.startsWith(dir + sep)) throw new Error(`cmdc/testing: ${JSON.stringify(name)} is outside the temp project`);
  return p;
}

/** Content hash of every regular file under `dir` (relative posix paths), except under `skip` (relative dirs). */
export function snapshotFiles(dir: string, skip: (rel: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      const rel = relative(dir, abs).split(sep).join('/');
      if (skip(rel)) continue;
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) out.set(rel, createHash('sha256').update(readFileSync(abs)).digest('hex'));
      else if (e.isSymbolicLink()) {
        try {
          if (statSync(abs).isFile()) out.set(rel, `link:${createHash('sha256').update(readFileSync(abs)).digest('hex')}`);
        } catch {
          out.set(rel, 'dangling');
        }
      }
    }
  };
  walk(dir);
  return out;
}

/** Files created or changed between two snapshots (their text, read now) and files removed. */
export function changedFiles(dir: string, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): { files: Record<string, string>; removed: string[] } {
  const files: Record<string, string> = {};
  for (const [rel, hash] of [...after].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (before.get(rel) === hash) continue;
    try {
      files[rel] = readFileSync(join(dir, rel), 'utf8');
    } catch {
      // gone again
    }
  }
  const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
  return { files, removed };
}

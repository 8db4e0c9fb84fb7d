/**
 * The project's compile cache: one module owns its paths, keys, atomic writes and invalidation,
 * for bash text met at run time (sourced files, eval text, trap strings) and for the commands
 * `cmdc run` compiles (cli/run.ts).
 *
 *   <project>/.cmdc/cache/.gitignore              `*`: nothing here shows in `git status`
 *   <project>/.cmdc/cache/code-<version>/<key>.json   one CompiledCode per text
 *   <project>/.cmdc/cache/run-<version>/<key>.ts      a command's generated module (+ its runner)
 *   <project>/.cmdc/cache/run-<version>/<key>.mjs     that module bundled with the runtime
 *   <project>/.cmdc/cache/run-<version>/cmdc-compiler.mjs   the compiler bundle, for run-time misses
 *
 * - key: sha256 of the text (a sourced file: of its bytes as read, so a file that changed since
 *   it was compiled never runs from stale code); eval and trap text: sha256 of `<kind>\0<text>`.
 * - version: the compiler's fingerprint (runtime/code/compiler-link.ts): a changed compiler or
 *   runtime starts a new directory; directories of other versions unused for an hour are removed
 *   when a new one is created.
 * - writes are atomic (write-file-atomic: temp + fsync + rename), so concurrent processes that
 *   compile the same text race harmlessly; an entry that does not read back whole is a miss.
 * - the cache is an optimisation: any error reading or writing it is a miss, never a failure.
 * - `cmdc run`: key = sha256 of the command's path relative to the project, its name and its
 *   bytes (an edited or renamed command is a miss); version = runVersion(cmdc's root): where cmdc
 *   lives and the path, size, mtime and ctime of every file under its cli/, compiler/, runtime/
 *   and of its package.json (a stat walk of a few ms: a hit pays it on every run). The ctime
 *   because npm extracts a tarball with its files' fixed mtimes: a reinstalled cmdc whose edit
 *   kept a file's size would otherwise look unchanged.
 *   cli/run-hit.mjs reads this layout in plain JavaScript for the hit path (no tsx, no
 *   compiler); test/unit/run-cache.test.ts asserts both agree.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { CodeKind, CompiledCode } from '../shell/code.js';
import { CODE_FORMAT } from '../shell/code.js';

/** Directories of other compiler versions older than this are removed. */
const STALE_MS = 60 * 60 * 1000;

/** The cache directory of a project. */
export function codeCacheDir(projectDir: string): string {
  return join(projectDir, '.cmdc', 'cache');
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The cache key of a text (a sourced file's is the sha256 of its content). */
export function codeKey(text: string, kind: CodeKind): string {
  return kind === 'source' ? sha256(text) : sha256(`${kind}\0${text}`);
}

interface Entry {
  key: string;
  kind: CodeKind;
  version: string;
  code: CompiledCode;
}

export interface CodeCache {
  readonly dir: string;
  get(key: string): CompiledCode | null;
  put(key: string, kind: CodeKind, code: CompiledCode): void;
}

/** The cache of `projectDir` for compiler `version`. */
export function openCodeCache(projectDir: string, version: string): CodeCache {
  const root = codeCacheDir(projectDir);
  const dir = join(root, `code-${version.slice(0, 16)}`);
  const file = (key: string) => join(dir, `${key}.json`);
  let prepared = false;
  const prepare = () => {
    if (prepared) return;
    prepared = true;
    prepareCacheDir(projectDir, dir);
  };
  return {
    dir,
    get(key) {
      try {
        const e = JSON.parse(readFileSync(file(key), 'utf8')) as Entry;
        if (e.key !== key || e.version !== version || e.code?.format !== CODE_FORMAT || typeof e.code.js !== 'string') return null;
        return e.code;
      } catch {
        return null;
      }
    },
    put(key, kind, code) {
      try {
        prepare();
        const e: Entry = { key, kind, version, code };
        writeFileAtomic.sync(file(key), JSON.stringify(e) + '\n', { fsync: true });
      } catch {
        /* a cache we cannot write is only slower */
      }
    },
  };
}

/**
 * Make `dir` (a version directory under the project's cache), marking the cache ignored; when it
 * is new, remove the directories of other versions of its kind unused for an hour.
 */
export function prepareCacheDir(projectDir: string, dir: string): void {
  const root = codeCacheDir(projectDir);
  const fresh = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const ignore = join(root, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
  if (fresh) removeStale(root, dir);
}

/** The sources of cmdc (relative to its root) a `cmdc run` bundle is built from. */
export const RUN_VERSION_PATHS = ['cli', 'compiler', 'runtime', 'package.json'];

/**
 * The version of the cmdc at `cmdcRoot` for `cmdc run` bundles: its location (bundles name its
 * bash library and compiler bundle by absolute path) and the relative path, size, mtime and
 * ctime (ms) of every file under RUN_VERSION_PATHS, walked in sorted order.
 */
export function runVersion(cmdcRoot: string): string {
  const h = createHash('sha256').update(cmdcRoot).update('\0');
  const visit = (abs: string, rel: string) => {
    let st;
    try {
      st = statSync(abs);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(abs).sort();
      } catch {
        return;
      }
      for (const n of names) visit(join(abs, n), `${rel}/${n}`);
    } else h.update(`${rel}\0${st.size}\0${Math.trunc(st.mtimeMs)}\0${Math.trunc(st.ctimeMs)}\0`);
  };
  for (const p of RUN_VERSION_PATHS) visit(join(cmdcRoot, p), p);
  return h.digest('hex');
}

/** The key of a command for `cmdc run`: its path relative to the project (`/`-separated), name and bytes. */
export function runKey(rel: string, name: string, bytes: Buffer): string {
  return createHash('sha256').update(rel.split(sep).join('/')).update('\0').update(name).update('\0').update(bytes).digest('hex');
}

export interface RunPaths {
  dir: string;
  /** The generated module (esbuild's entry point: its relative runtime import resolves from here). */
  module: string;
  /** The self-contained bundle a run imports. */
  bundle: string;
  /** The compiler bundle for bash text met at run time. */
  compiler: string;
}

/** Where `cmdc run` keeps the command with `key` for cmdc `version` in `projectDir`. */
export function runPaths(projectDir: string, version: string, key: string): RunPaths {
  const dir = join(codeCacheDir(projectDir), `run-${version.slice(0, 16)}`);
  const base = join(dir, key.slice(0, 32));
  return { dir, module: `${base}.ts`, bundle: `${base}.mjs`, compiler: join(dir, 'cmdc-compiler.mjs') };
}

/** Remove the directories of other versions (of `keep`'s kind: code-, run-) not used for STALE_MS. */
function removeStale(root: string, keep: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  const now = Date.now();
  const kind = /^[a-z]+-/.exec(keep.slice(root.length + 1))?.[0];
  for (const n of names) {
    const p = join(root, n);
    if (!kind || !n.startsWith(kind) || p === keep) continue;
    try {
      if (now - statSync(p).mtimeMs > STALE_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      /* another process removed it */
    }
  }
}

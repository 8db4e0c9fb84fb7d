/**
 * The project's compile cache for bash text met at run time (sourced files, eval text, trap
 * strings): one module owns its paths, keys, atomic writes and invalidation, so other tools
 * (`cmdc run`) reuse it.
 *
 *   <project>/.cmdc/cache/.gitignore              `*`: nothing here shows in `git status`
 *   <project>/.cmdc/cache/code-<version>/<key>.json   one CompiledCode per text
 *
 * - key: sha256 of the text (a sourced file: of its bytes as read, so a file that changed since
 *   it was compiled never runs from stale code); eval and trap text: sha256 of `<kind>\0<text>`.
 * - version: the compiler's fingerprint (runtime/code/compiler-link.ts): a changed compiler or
 *   runtime starts a new directory; directories of other versions unused for an hour are removed
 *   when a new one is created.
 * - writes are atomic (write-file-atomic: temp + fsync + rename), so concurrent processes that
 *   compile the same text race harmlessly; an entry that does not read back whole is a miss.
 * - the cache is an optimisation: any error reading or writing it is a miss, never a failure.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
    const fresh = !existsSync(dir);
    mkdirSync(dir, { recursive: true });
    const ignore = join(root, '.gitignore');
    if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
    if (fresh) removeStale(root, dir);
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

/** Remove the directories of other compiler versions not used for STALE_MS. */
function removeStale(root: string, keep: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  const now = Date.now();
  for (const n of names) {
    const p = join(root, n);
    if (!n.startsWith('code-') || p === keep) continue;
    try {
      if (now - statSync(p).mtimeMs > STALE_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      /* another process removed it */
    }
  }
}

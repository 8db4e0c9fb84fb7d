/**
 * The loader chain behind the Shell's dynamic-code seam (runtime/shell/code.ts): for bash text
 * met at run time it returns runnable code, trying in order
 *
 *   1. code precompiled with the command (libraries `cmdc compile` resolved statically; the
 *      generated module lists them by the sha256 of their content),
 *   2. this loader's memory (per process: the same eval text compiles once),
 *   3. the project's disk cache (runtime/code/cache.ts), when a project directory is given,
 *   4. the compiler, imported on first use (runtime/code/compiler-link.ts); the result goes to
 *      memory and to the disk cache.
 *
 * Every step is keyed by a hash of the text itself, so a file that changed since it was
 * compiled never runs from stale code. `stats` counts where code came from and what compiling
 * cost (for `cmdc` reports and benchmarks).
 */
import type { Body } from '../shell/words.js';
import { instantiate, type CodeKind, type CodeLoader, type CodeOrigin, type LoadedCode } from '../shell/code.js';
import { codeKey, openCodeCache, type CodeCache } from './cache.js';
import { compilerFingerprint, importCompiler, type DynamicCompiler } from './compiler-link.js';

/** Code compiled with the command (CommandModule.libraries entries). */
export interface PrecompiledCode {
  /** sha256 (hex) of the file's content. */
  sha256: string;
  run: Body;
  native: number;
  islands: number;
  syntaxError?: readonly string[];
}

export interface LoaderOptions {
  precompiled?: readonly PrecompiledCode[];
  /** The project whose `.cmdc/cache` to use; absent: no disk cache. */
  projectDir?: string;
  /** Import the compiler (tests inject); default compiler-link's importCompiler. */
  importCompiler?: () => Promise<DynamicCompiler>;
}

export interface LoaderStats {
  precompiled: number;
  memory: number;
  disk: number;
  compiled: number;
  /** Time spent importing the compiler and compiling (ms). */
  compileMs: number;
}

export interface Loader {
  load: CodeLoader;
  readonly stats: LoaderStats;
}

export function createLoader(o: LoaderOptions = {}): Loader {
  const pre = new Map<string, LoadedCode>();
  for (const p of o.precompiled ?? []) pre.set(p.sha256, p);
  const memory = new Map<string, Promise<LoadedCode>>();
  const stats: LoaderStats = { precompiled: 0, memory: 0, disk: 0, compiled: 0, compileMs: 0 };
  let cache: CodeCache | null | undefined;
  const diskCache = (): CodeCache | null => {
    if (cache === undefined) cache = o.projectDir ? openCodeCache(o.projectDir, compilerFingerprint()) : null;
    return cache;
  };
  const compile = async (text: string, kind: CodeKind, key: string): Promise<LoadedCode> => {
    const disk = diskCache();
    const hit = disk?.get(key);
    if (hit) {
      stats.disk++;
      return instantiate(hit);
    }
    const t0 = performance.now();
    const compiler = await (o.importCompiler ?? importCompiler)();
    const code = compiler.compileCode(text, kind);
    stats.compileMs += performance.now() - t0;
    stats.compiled++;
    disk?.put(key, kind, code);
    return instantiate(code);
  };
  const load = async (text: string, origin: CodeOrigin): Promise<LoadedCode> => {
    const key = codeKey(text, origin.kind);
    const p = origin.kind === 'source' ? pre.get(key) : undefined;
    if (p) {
      stats.precompiled++;
      return p;
    }
    const m = memory.get(key);
    if (m) {
      stats.memory++;
      return m;
    }
    const loading = compile(text, origin.kind, key);
    memory.set(key, loading);
    loading.catch(() => memory.delete(key));
    return loading;
  };
  return { load, stats };
}

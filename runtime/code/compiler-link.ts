/**
 * Where the runtime finds the compiler for text met at run time, without importing compiler code
 * statically (the import rule; `cmdc build` bundles must stay compiler-free):
 *
 * - in a checkout run under tsx: `compiler/dynamic.ts` next to this runtime, imported by a
 *   computed URL on first use;
 * - in a `cmdc build` bundle: the compiler bundle built next to it, whose path esbuild defines as
 *   `__CMDC_COMPILER__` (and the fingerprint as `__CMDC_CODE_VERSION__`).
 *
 * The fingerprint (the cache's "compiler version") is a hash of everything compiled code depends
 * on: the compiler's sources and the interpreter's (runtime/shell), so neither a changed
 * translator nor a changed Shell API ever runs cached code made for another.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CodeKind, CompiledCode } from '../shell/code.js';
import { sha256 } from './cache.js';

/** Set by `cmdc build` (esbuild define): the compiler bundle and its fingerprint. */
declare const __CMDC_COMPILER__: string | undefined;
declare const __CMDC_CODE_VERSION__: string | undefined;

/** What compiler/dynamic.ts exports. */
export interface DynamicCompiler {
  compileCode(text: string, kind: CodeKind): CompiledCode;
}

/** The compiler module's URL. */
export function compilerUrl(): string {
  if (typeof __CMDC_COMPILER__ === 'string') return pathToFileURL(__CMDC_COMPILER__).href;
  return new URL('../../compiler/dynamic.ts', import.meta.url).href;
}

/** Import the compiler (Node caches the module: only the first call in a process pays). */
export async function importCompiler(): Promise<DynamicCompiler> {
  const url = compilerUrl();
  const m = (await import(url)) as Partial<DynamicCompiler>;
  if (typeof m.compileCode !== 'function') throw new Error(`${url} does not export compileCode`);
  return m as DynamicCompiler;
}

/** The sources compiled code depends on, relative to the checkout root. */
export const FINGERPRINT_DIRS = ['compiler', 'runtime/shell', 'runtime/lang'];

/** The fingerprint of the compiler and interpreter sources under `root` (a checkout). */
export function fingerprintOf(root: string): string {
  const parts: string[] = [];
  const walk = (dir: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(dir, { withFileTypes: true }).map((d) => (d.isDirectory() ? `${d.name}/` : d.name)).sort();
    } catch {
      return;
    }
    for (const n of names) {
      if (n.endsWith('/')) walk(join(dir, n), `${rel}${n}`);
      else if (n.endsWith('.ts')) parts.push(`${rel}${n}\0${readFileSync(join(dir, n), 'utf8')}`);
    }
  };
  for (const d of FINGERPRINT_DIRS) walk(join(root, d), `${d}/`);
  return sha256(parts.join('\0'));
}

/** This runtime's compiler fingerprint (computed from the checkout, or defined in a bundle). */
export function compilerFingerprint(): string {
  if (typeof __CMDC_CODE_VERSION__ === 'string') return __CMDC_CODE_VERSION__;
  return fingerprintOf(fileURLToPath(new URL('../../', import.meta.url)));
}

/**
 * `source file [args]` / `. file`: a registered library (see registerLibrary in runtime/shell/shell.ts)
 * activates its in-process builtins (or handles the file itself, e.g. a state file loaded by
 * parsing); any other file runs as a bash island.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Shell } from '../shell.js';
import { runIsland } from '../island.js';

function resolveFile(sh: Shell, f: string): string | null {
  if (f.includes('/')) {
    const p = path.resolve(sh.cwd, f);
    return fs.existsSync(p) ? p : null;
  }
  for (const dir of (sh.getVar('PATH') ?? '').split(':')) {
    if (!dir) continue;
    const p = path.resolve(sh.cwd, dir, f);
    try {
      if (fs.statSync(p).isFile()) return p;
    } catch { /* next */ }
  }
  const p = path.resolve(sh.cwd, f);
  return fs.existsSync(p) ? p : null;
}

export async function source(sh: Shell, args: string[], name: string): Promise<number> {
  if (args.length === 0) {
    sh.error(`${name}: filename argument required`);
    return 2;
  }
  const f = args[0]!;
  const lib = sh.libraries.findEntry(f);
  if (lib?.onSource) {
    const file = resolveFile(sh, f);
    const st = file === null ? null : await lib.onSource(sh, file, args.slice(1));
    if (st !== null) return st;
  } else if (lib) {
    // A known library is active whether or not a copy exists at that path.
    for (const [k, b] of Object.entries(lib.builtins)) sh.libBuiltins.set(k, b);
    lib.activate?.(sh);
    return 0;
  }
  const file = resolveFile(sh, f);
  if (!file) {
    sh.error(`${f}: No such file or directory`);
    return 1;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    sh.error(`${f}: ${(e as Error).message}`);
    return 1;
  }
  return runIsland(sh, text, { reason: `source ${f}`, argv: args.length > 1 ? args.slice(1) : undefined, sourced: true });
}

/**
 * `source [--] file [args]` / `. file`: the file runs natively in the same shell — functions,
 * variables, options and traps it sets stay; `BASH_SOURCE`/`FUNCNAME`/`BASH_LINENO` show a
 * source frame (runtime/shell/frames.ts), so `$(dirname "${BASH_SOURCE[0]}")` finds its
 * siblings; top-level `return` ends it; `args` are its positional parameters while it runs.
 * The text is compiled by the shell's loader (runtime/shell/code.ts: precompiled with the
 * command, cached by content hash, or compiled on first use); a file with a syntax error runs
 * up to it and prints bash's message (status 2), as bash does.
 *
 * Two kinds of file are handled without running them: a file byte-identical to one of cmdc's own
 * library files (runtime/lib/*.sh) activates its in-process builtins (runtime/statelib), and a
 * registered `onSource` handler (a cmdc state file, loaded by parsing) answers for its files.
 * Any other file — whatever its name — runs as written: the project's library always wins.
 * Only where no file exists at all does a name of cmdc's library (state-persistence.sh, …)
 * activate its builtins: cmdc's commands run in projects that never installed the library.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { LibraryEntry, Shell } from '../shell.js';
import { ExitSignal, ReturnSignal } from '../signals.js';
import type { LoadedCode } from '../code.js';
import { decode } from '../../lang/bytes.js';
import { readFdPath } from '../procsub.js';

/** Find `f` as bash does: a name with a slash as is; else on PATH, then in the cwd. */
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
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    sh.error(`${name}: filename argument required`);
    sh.err(`${name}: usage: ${name} filename [arguments]\n`);
    return 2;
  }
  const f = args[0]!;
  // `source <(…)`, `source /dev/stdin`: an fd of the shell itself, read to its end
  const piped = await readFdPath(sh, f);
  if (piped) return runSourced(sh, f, await sh.loadCode(decode(piped), { kind: 'source', file: f, path: f }), args.slice(1));
  const file = resolveFile(sh, f);
  if (!file) {
    // cmdc's own library where a command expects it installed but it is not: cmdc provides it
    // (there is no project file it could stand in for)
    const own = sh.libraries.findEntry(f);
    if (own?.bash) {
      activate(sh, own);
      return 0;
    }
    sh.error(`${f}: No such file or directory`);
    // bash: a file not found under an active `set -e` ends the shell at once (no ERR trap),
    // with the status of the command before it when that failed (`ls nope || source x` → 2), else 1
    if (sh.opts.errexit && sh.errexitOff === 0 && !sh.ignoreErrexit) throw new ExitSignal(sh.status !== 0 ? sh.status : 1);
    return 1;
  }
  let bytes: Buffer;
  try {
    if (fs.statSync(file).isDirectory()) {
      sh.error(`${name}: ${f}: is a directory`);
      return 1;
    }
    const handler = sh.libraries.findEntry(f)?.onSource;
    if (handler) {
      const st = await handler(sh, file, args.slice(1));
      if (st !== null) return st;
    }
    bytes = fs.readFileSync(file);
  } catch (e) {
    sh.error(`${f}: ${(e as NodeJS.ErrnoException).code === 'EACCES' ? 'Permission denied' : (e as Error).message}`);
    return 1;
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  const lib = sh.libraries.byContent(sha, bytes.length);
  if (lib) {
    activate(sh, lib);
    return 0;
  }
  const code = await sh.loadCode(decode(bytes), { kind: 'source', file: f, path: file });
  return runSourced(sh, f, code, args.slice(1));
}

/** cmdc's in-process implementation of one of its library files. */
function activate(sh: Shell, lib: LibraryEntry): void {
  for (const [k, b] of Object.entries(lib.builtins)) sh.libBuiltins.set(k, b);
  lib.activate?.(sh);
}

/** Run compiled file text as `source` does (frame, positional parameters, `return`). */
export async function runSourced(sh: Shell, f: string, code: LoadedCode, args: string[]): Promise<number> {
  const savedPos = args.length ? sh.positional : null;
  if (savedPos) sh.positional = args;
  const savedShift = sh.lineShift;
  const savedBase = sh.lineBase;
  const savedLine = sh.line;
  sh.frames.push({ kind: 'source', name: 'source', file: f, callLine: sh.line });
  sh.sourcing++;
  sh.indirection++; // xtrace: one more `+`
  // the file's lines are its own
  sh.lineShift = 0;
  sh.lineBase = 0;
  let status: number;
  try {
    try {
      await code.run(sh);
      status = code.native + code.islands === 0 ? 0 : sh.status;
      if (code.syntaxError) {
        sh.syntaxError(code.syntaxError, { kind: 'source', file: f });
        status = 2;
      }
    } catch (e) {
      if (!(e instanceof ReturnSignal)) throw e;
      status = e.status;
    }
    // the RETURN trap runs when a sourced file ends (in its frame)
    if (sh.traps.has('RETURN')) {
      await sh.runTrap('RETURN', sh.status);
      sh.status = status;
    }
  } catch (e) {
    // `exit` in the file: the EXIT trap runs where it was called (Shell.noteExit)
    sh.noteExit(e);
    throw e;
  } finally {
    // an error that abandoned a line of the file ends with the file (bash: the next line runs)
    sh.aborting = false;
    sh.frames.pop();
    sh.sourcing--;
    sh.indirection--;
    sh.lineShift = savedShift;
    sh.lineBase = savedBase;
    sh.line = savedLine;
    if (savedPos) sh.positional = savedPos;
  }
  return status;
}

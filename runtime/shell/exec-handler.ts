/**
 * The exec-handler chain (as mvdan/sh's interp ExecHandlers): every external command — a name
 * that is no function, builtin or library builtin — goes through the shell's handlers in order,
 * each either answering it (a test stub for `git`, `jq`, `claude`) or passing it on with
 * `next()`; the last link is the real spawn (spawnProcess in runtime/shell/exec.ts). Forks (subshells, pipeline
 * stages, command substitutions) inherit the chain.
 *
 *   const sh = createShell({ exec: [async (ctx, next) => {
 *     if (ctx.argv[0] !== 'git') return next();
 *     calls.push({ argv: ctx.argv, cwd: ctx.cwd, stdin: (await ctx.readStdin()).toString() });
 *     ctx.stdout('main\n');
 *     return 0;
 *   }] });
 *
 * The context is plain data plus closures (no `this`), so a handler may hand a changed copy
 * down the chain: `next({ ...ctx, argv: ['command', ...ctx.argv] })`.
 */
import * as fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Shell } from './shell.js';
import type { PipeFactory } from './os-pipe.js';
import { writeFd, type Fd } from './io.js';

/** The running shell process a spawn reports to: its children (killed with it) and how the last one ended. */
export interface ProcHooks {
  readonly children: Set<ChildProcess>;
  /** Set to the signal that killed the child (null when it exited). */
  childSignal: number | null;
  /** Real pipes for the child (stdout and stderr into one pipe). */
  readonly pipes?: PipeFactory;
}

/** What a handler gets for one external command. */
export interface ExecContext {
  /** The command and its arguments, after expansion (`argv[0]` the name as written). */
  readonly argv: readonly string[];
  /** The working directory. */
  readonly cwd: string;
  /** The command's environment: the exported variables plus `VAR=x cmd` prefix assignments. */
  readonly env: Readonly<Record<string, string>>;
  /** The .md line of the statement (for messages). */
  readonly line: number;
  /** fds 0, 1, 2 as the shell has them (OS fds, pipe/capture sinks, readers); the spawn link wires them to the child. */
  readonly stdio: readonly [Fd | undefined, Fd | undefined, Fd | undefined];
  /** Read stdin to EOF (whatever fd 0 is: a pipe from the previous stage, a heredoc, a file, the process's stdin). */
  readStdin(): Promise<Buffer>;
  /** Write bytes to the command's stdout / stderr, wherever they point. */
  stdout(data: string | Buffer): void;
  stderr(data: string | Buffer): void;
  /** Print `<script>: line N: msg` on stderr, as bash reports a command it cannot run. */
  error(msg: string): void;
  /** The shell process running the command (the real spawn registers the child there). */
  readonly proc?: ProcHooks;
  /** The shell's fds above 2 (`exec 3>f`, a process substitution's 63): children inherit them. */
  readonly extraFds?: ReadonlyMap<number, Fd>;
}

/** The rest of the chain; called without an argument it gets the same context. */
export type ExecNext = (ctx?: ExecContext) => Promise<number>;

/** One link: answer the command (return its exit status) or call `next`. */
export type ExecHandler = (ctx: ExecContext, next: ExecNext) => number | Promise<number>;

/** The context for running `argv` with `env` on `sh`'s current fds and cwd. */
export function execContext(sh: Shell, argv: readonly string[], env: Readonly<Record<string, string>>): ExecContext {
  const stdio = [sh.fds.get(0), sh.fds.get(1), sh.fds.get(2)] as const;
  const prefix = sh.prefix();
  return {
    argv: argv.slice(),
    cwd: sh.cwd,
    env,
    line: sh.line,
    stdio,
    readStdin: () => readAll(stdio[0]),
    stdout: (data) => { writeFd(stdio[1], data); },
    stderr: (data) => { writeFd(stdio[2], data); },
    error: (msg) => { writeFd(stdio[2], `${prefix}${msg}\n`); },
    proc: sh.proc,
    extraFds: new Map([...sh.fds].filter(([n]) => n > 2)),
  };
}

/** Run `ctx` through `handlers`, then `last` (the shell passes the real spawn). */
export function runChain(handlers: readonly ExecHandler[], ctx: ExecContext, last: (ctx: ExecContext) => Promise<number>): Promise<number> {
  const call = async (i: number, c: ExecContext): Promise<number> => {
    const h = handlers[i];
    if (h === undefined) return last(c);
    return h(c, (next) => call(i + 1, next ?? c));
  };
  return call(0, ctx);
}

/** Every byte left on an input fd (empty for a closed or output-only fd). */
async function readAll(fd: Fd | undefined): Promise<Buffer> {
  if (fd === undefined) return Buffer.alloc(0);
  if (fd.kind === 'reader') return fd.reader.readAll();
  if (fd.kind !== 'os') return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd.fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      break;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

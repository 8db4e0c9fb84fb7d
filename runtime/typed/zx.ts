/**
 * An awaited `$` command (./cmd.ts) run by zx: zx's own `$` builds the ProcessPromise (output
 * store, ProcessOutput, nothrow/quiet, its errors and messages), and the block's shell is zx's
 * `spawn`: instead of a child `bash -c '…'` the command's argv runs in a subshell copy of the
 * shell (as `$( … )` would, with stderr captured too), so it keeps the block's cwd, exported
 * environment and stdin, shell functions, and the exec-handler chain — a test stub sees it as it
 * sees any external command. zx's `log` writes to the shell's fd 2 (stderr unless quiet).
 *
 * Loaded on first use only (cmd.ts imports this module dynamically): a block that never awaits
 * a command does not pay zx's import.
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { $ as zx$, ProcessOutput } from 'zx/core';
import type { Shell } from '../shell/shell.js';
import type { Body } from '../shell/words.js';
import { writeFd, type Sink } from '../shell/io.js';
import type { Cmd } from './cmd.js';
import { zxQuote } from './quote.js';

export { ProcessOutput };

/** The parts of a ChildProcess zx's exec (zurk) uses. */
interface ShellChild extends EventEmitter {
  readonly stdin: PassThrough;
  readonly stdout: PassThrough;
  readonly stderr: PassThrough;
  readonly pid: undefined;
  kill(): boolean;
}

/** zx's log entries this module prints (the others are zx's verbose mode only). */
interface LogEntry {
  readonly kind: string;
  readonly verbose?: boolean;
  readonly data?: Buffer | string;
  readonly cmd?: string;
}

/** Run `cmd` on `sh` as zx runs a command: zx's ProcessOutput, rejected on a non-zero exit unless nothrow. */
export function runZx(sh: Shell, cmd: Cmd): Promise<ProcessOutput> {
  const stages = cmd.zxStages();
  const bodies: Body[] = stages.map((s) => (sub: Shell) => sub.at(sh.line).cmd(s.words, ...s.redirs));
  const body: Body = bodies.length === 1 ? bodies[0]! : (sub) => sub.pipe(...bodies);
  const text = cmd.toString();
  const pieces = Object.assign([text], { raw: [text] }) as unknown as TemplateStringsArray;
  const run = zx$({
    cwd: sh.cwd,
    // never run: spawn below replaces the shell; zx only requires them to be set
    shell: 'bash',
    quote: zxQuote,
    nothrow: cmd.flags.nothrow ?? false,
    quiet: cmd.flags.quiet ?? false,
    verbose: false,
    spawn: (() => shellChild(sh, body)) as never,
    log: ((entry: LogEntry) => {
      if (!entry.verbose) return;
      if (entry.kind === 'stderr' && entry.data !== undefined) writeFd(sh.fds.get(2), entry.data);
      else if (entry.kind === 'stdout' && entry.data !== undefined) writeFd(sh.fds.get(1), entry.data);
      else if (entry.kind === 'cmd') writeFd(sh.fds.get(2), `$ ${entry.cmd}\n`);
    }) as never,
  });
  return Promise.resolve(run(pieces));
}

/** A child for zx: `body` run in a subshell copy of `sh` with fds 1 and 2 feeding its streams. */
function shellChild(sh: Shell, body: Body): ShellChild {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const child = Object.assign(new EventEmitter(), {
    stdin: new PassThrough(),
    stdout,
    stderr,
    pid: undefined,
    kill: () => false,
  });
  const sink = (s: PassThrough): Sink => ({ write: (b: Buffer) => void s.write(b) });
  setImmediate(async () => {
    let status = 1;
    try {
      const sub = sh.fork();
      sub.quietSignals = true;
      sub.fds.set(1, { kind: 'sink', sink: sink(stdout) });
      sub.fds.set(2, { kind: 'sink', sink: sink(stderr) });
      sub.opts.errexit = false;
      status = await sh.proc.untilDeath(sub.runSubshell(body, true));
    } catch (e) {
      child.emit('error', e);
    }
    stdout.end();
    stderr.end();
    await Promise.all([finished(stdout), finished(stderr)]).catch(() => undefined);
    child.emit('exit', status, null);
    child.emit('close', status, null);
  });
  return child;
}

/**
 * Running things: external commands (node:child_process `spawn` with the shell's fd table
 * wired as bash would: OS fds are inherited as they are, capture/pipe sinks and in-memory
 * readers go through pipes or unlinked temp files), redirects (`>&2`, `2>/dev/null`, `2>&1`,
 * `&>`, `>f`, `>>f`, `<f`, heredocs, `<<<`), and pipelines whose stages may be in-process
 * builtins, functions or processes.
 *
 * Why not zx's `$` here: zx runs commands through a shell with stdio pipes; it cannot hand a
 * child an arbitrary fd (a file opened by `2>>log`, the block's own stderr) and adds ~0.3 ms +
 * a shell per call. `spawn` with an explicit stdio array does exactly the wiring bash does.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { Writable } from 'node:stream';
import * as path from 'node:path';
import type { Shell } from './shell.js';
import { Channel, PIPE_BUFFER, Reader, type Fd, type FdTable, type Sink } from './io.js';
import type { Body, Redir } from './words.js';
import { execContext, type ExecContext } from './exec-handler.js';
import { closeProcsubs, releaseProcsubs } from './procsub.js';
import { expandTarget } from './expand.js';
import { encode, fsPath, hasRawBytes } from '../lang/bytes.js';
import { quote } from '../lang/quote.js';

// ---------------------------------------------------------------------------------------------
// Processes

/** Feed `stream`'s data to `sink`, pausing while the sink's reader lags and ending it once the reader is gone. */
function feed(stream: NodeJS.ReadableStream & { destroy(): void }, sink: Sink): void {
  stream.on('data', (b: Buffer) => {
    sink.write(b);
    if (sink.broken) stream.destroy();
    else if ((sink.backlog ?? 0) > PIPE_BUFFER && sink.drained) {
      stream.pause();
      void sink.drained().then(() => stream.resume());
    }
  });
}

/** Copy what `reader` yields into a child's stdin, waiting for it to drain; stops when the child stops reading. */
function pump(reader: Reader, stdin: Writable): void {
  stdin.on('error', () => { /* EPIPE: the child exited without reading everything */ });
  void reader.pump(async (b) => {
    if (stdin.destroyed) return false;
    if (!stdin.write(b)) {
      await new Promise<void>((r) => {
        stdin.once('drain', r);
        stdin.once('close', r);
      });
    }
    return !stdin.destroyed;
  }).catch(() => undefined).finally(() => {
    if (!stdin.destroyed) stdin.end();
  });
}

/**
 * The last link of the exec-handler chain: spawn `ctx.argv` with `ctx.stdio` wired as bash does;
 * resolves with the exit status (128+n for signals, 127/126 when the command cannot be run,
 * after printing bash's message). Output into a pipe or capture flows with the reader's pace
 * (the child blocks while the pipe is full, and gets SIGPIPE once the reader is gone); input
 * from a pipe is copied as it comes (`yes | head` ends); stdout and stderr going to the same
 * pipe share one real pipe, so their order is the order of the writes.
 */
export async function spawnProcess(ctx: ExecContext, o: { name?: string } = {}): Promise<number> {
  const { argv } = ctx;
  const stdio: ('pipe' | 'ignore' | number)[] = [];
  const sinks: [number, Sink][] = [];
  let stdinReader: Reader | null = null;
  // Node's copies of the child's pipe ends (closed once the child has its own), and the read
  // ends Node drains into a sink: real pipes, so the child gets EPIPE/SIGPIPE when the reader
  // goes, can reopen /dev/stdout, and stdout and stderr into one sink are one pipe
  const close: number[] = [];
  const reads: { sink: Sink; read: number }[] = [];
  const pipeFor = new Map<Sink, number>();
  const fds = new Map<number, Fd | undefined>([[0, ctx.stdio[0]], [1, ctx.stdio[1]], [2, ctx.stdio[2]], ...(ctx.extraFds ?? [])]);
  const top = Math.max(...fds.keys());
  for (let n = 0; n <= top; n++) {
    const e = fds.get(n);
    if (n > 2 && e?.kind === 'reader') {
      // a process substitution's fd, which the child opens by path
      if (e.byPath) {
        stdio.push(e.byPath());
        continue;
      }
      // `exec 3< <(…)`: a real pipe the child reads
      const r = e.reader;
      const pipes = ctx.proc?.pipes;
      stdio.push(r.piped ?? (r.streaming && pipes ? r.toPipe(() => pipes.fromNode()) : await r.toOsFd()));
      continue;
    }
    if (!e || e.kind === 'closed') stdio.push('ignore');
    else if (e.kind === 'os') stdio.push(e.fd);
    else if (e.kind === 'reader') {
      const r = e.reader;
      const pipes = ctx.proc?.pipes;
      if (n !== 0) stdio.push('ignore');
      else if (r.piped !== null) stdio.push(r.piped);
      else if (r.streaming && pipes) stdio.push(r.toPipe(() => pipes.fromNode()));
      else if (r.streaming) {
        stdio.push('pipe');
        stdinReader = r;
      } else stdio.push(await r.toOsFd());
    } else if (ctx.proc?.pipes) {
      let w = pipeFor.get(e.sink);
      if (w === undefined) {
        const p = ctx.proc.pipes.toNode();
        reads.push({ sink: e.sink, read: p.read });
        close.push(p.write);
        pipeFor.set(e.sink, (w = p.write));
      }
      stdio.push(w);
    } else {
      stdio.push('pipe');
      sinks.push([n, e.sink]);
    }
  }
  const name = o.name ?? argv[0]!;
  const error = (msg: string) => ctx.error(msg);
  const closeOwn = () => {
    for (const fd of close.splice(0)) try { fs.closeSync(fd); } catch { /* closed */ }
  };
  // node takes argv and env as text: raw (non-UTF-8) bytes reach the child through bash's $'…'
  let [file, args, env] = [argv[0]!, argv.slice(1), ctx.env as Record<string, string>];
  if (argv.some(hasRawBytes) || Object.values(env).some(hasRawBytes)) {
    const raw = Object.entries(env).filter(([, v]) => hasRawBytes(v));
    const exports = raw.map(([k, v]) => `export ${k}=${quote(v)}; `).join('');
    env = Object.fromEntries(Object.entries(env).filter(([, v]) => !hasRawBytes(v)));
    [file, args] = ['bash', ['-c', `${exports}exec ${argv.map((a) => quote(a)).join(' ')}`]];
  }
  return new Promise<number>((resolve) => {
    let child;
    try {
      child = spawn(file, args, { cwd: ctx.cwd, env, stdio, argv0: file === argv[0] ? argv[0] : file });
    } catch (e) {
      closeOwn();
      for (const r of reads) fs.closeSync(r.read);
      error(`${name}: ${(e as Error).message}`);
      resolve(126);
      return;
    }
    // the child has its copies now: Node's copies of the child's ends must go (EOF, SIGPIPE)
    closeOwn();
    let settled = false;
    let pendingEnds = 1;
    let result = 0;
    const end = () => {
      if (--pendingEnds === 0) resolve(result);
    };
    const spawned = child;
    ctx.proc?.children.add(spawned);
    // the child's output is all read only when its pipes are closed (after 'close' of the child)
    for (const r of reads) {
      pendingEnds++;
      const sock = new net.Socket({ fd: r.read, readable: true, writable: false });
      feed(sock, r.sink);
      sock.on('error', () => undefined);
      sock.on('close', end);
    }
    child.on('error', (err: NodeJS.ErrnoException) => {
      ctx.proc?.children.delete(spawned);
      if (settled) return;
      settled = true;
      if (err.code === 'ENOENT') {
        if (name.includes('/')) error(`${name}: No such file or directory`);
        else error(`${name}: command not found`);
        result = 127;
      } else if (err.code === 'EACCES') {
        error(`${name}: Permission denied`);
        result = 126;
      } else {
        error(`${name}: ${err.message}`);
        result = 126;
      }
      end();
    });
    for (const [n, sink] of sinks) {
      const stream = n === 1 ? child.stdout : child.stderr;
      if (stream) feed(stream, sink);
    }
    if (stdinReader && child.stdin) pump(stdinReader, child.stdin);
    child.on('close', (code, signal) => {
      ctx.proc?.children.delete(spawned);
      if (settled) return;
      settled = true;
      if (signal) {
        const n = SIGNALS[signal] ?? 1;
        if (ctx.proc) ctx.proc.childSignal = n;
        result = 128 + n;
      } else result = code ?? 0;
      end();
    });
  });
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
};

/** Spawn argv on the shell's fds and cwd, bypassing the exec handlers (bash islands run bash itself). */
export function spawnWithFds(sh: Shell, argv: string[], env: Record<string, string>, o: { name?: string } = {}): Promise<number> {
  return spawnProcess(execContext(sh, argv, env), o);
}

// ---------------------------------------------------------------------------------------------
// Redirects

const OP_RE = /^(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})?(&>>|&>|>>|>\||>&|<<<|<<-|<<|<>|<&|>|<)$/;

/** Open a redirect target against the fd table being built (`/dev/stderr` is the current fd 2). */
function openTarget(sh: Shell, table: FdTable, file: string, flags: string | number): Fd {
  // bash's special files
  const m = /^\/dev\/(stdin|stdout|stderr|fd\/(\d+))$/.exec(file);
  if (m) {
    const n = m[1] === 'stdin' ? 0 : m[1] === 'stdout' ? 1 : m[1] === 'stderr' ? 2 : Number(m[2]);
    const e = table.get(n);
    if (e) return e;
  }
  if (file === '') throw Object.assign(new Error('empty'), { code: 'ENOENT' });
  const fd = fs.openSync(fsPath(path.resolve(sh.cwd, file)), flags, 0o666);
  return { kind: 'os', fd };
}

function errText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    case 'EEXIST': return 'cannot overwrite existing file';
    default: return (e as Error).message;
  }
}

/** The lowest unused fd ≥ 10 (`{name}>file`). */
function freeFd(table: FdTable): number {
  let n = 10;
  while (table.has(n) && table.get(n)!.kind !== 'closed') n++;
  return n;
}

/**
 * Apply redirects to a copy of the fd table for the duration of `fn` (bash order: left to
 * right). A redirect that fails prints bash's message and gives status 1 without running `fn`
 * (`sh.redirectFailed` tells the caller so). `permanent` (for `exec >file`) keeps the new table.
 */
export async function withRedirs(sh: Shell, redirs: readonly Redir[], fn: () => Promise<number>, permanent = false): Promise<number> {
  sh.redirectFailed = false;
  if (redirs.length === 0) return fn();
  const saved = sh.fds;
  const procsubs = sh.procsubs.length;
  const table: FdTable = new Map(saved);
  const opened: number[] = [];
  const readers: Reader[] = [];
  const fail = (): number => {
    sh.redirectFailed = true;
    return 1;
  };
  try {
    for (const rd of redirs) {
      const m = OP_RE.exec(rd.op);
      if (!m) {
        sh.error(`${rd.op}: unsupported redirect`);
        return fail();
      }
      const op = m[2]!;
      let n: number;
      if (m[1]?.startsWith('{')) {
        // {name}>file: a new fd ≥ 10 whose number goes into the variable; {name}>&- closes $name
        const name = m[1].slice(1, -1);
        if ((op === '>&' || op === '<&') && (await sh.str(rd.word)) === '-') {
          n = Number(sh.getVar(name) ?? -1);
        } else {
          n = freeFd(table);
          sh.setVar(name, String(n));
        }
      } else n = m[1] !== undefined ? Number(m[1]) : op.startsWith('<') && op !== '<>' ? 0 : 1;
      if (op === '<>' && m[1] === undefined) n = 0;
      if (op === '<<' || op === '<<-' || op === '<<<') {
        const body = await sh.str(rd.word);
        const rdr = Reader.fromBuffer(encode(op === '<<<' ? body + '\n' : body));
        readers.push(rdr);
        table.set(n, { kind: 'reader', reader: rdr });
        continue;
      }
      const target = rd.src !== undefined ? await expandTarget(sh, rd.word, rd.src) : await sh.str(rd.word);
      if (target === null) return fail();
      // `< <(…)`: the process substitution's fd is one of this table's too
      for (const p of sh.procsubs.slice(procsubs)) if (!table.has(p.n)) table.set(p.n, p.entry);
      if (op === '>&' || op === '<&') {
        if (target === '-') {
          table.set(n, { kind: 'closed' });
          continue;
        }
        const dup = /^(\d+)(-?)$/.exec(target);
        if (dup) {
          const e = table.get(Number(dup[1]));
          if (!e || e.kind === 'closed') {
            sh.error(`${dup[1]}: Bad file descriptor`);
            return fail();
          }
          table.set(n, e);
          if (dup[2]) table.set(Number(dup[1]), { kind: 'closed' });
          continue;
        }
        if (op === '>&' && m[1] === undefined) {
          // `>& file` = `&> file`
          const fdE = openTargetSafe(sh, table, target, 'w', opened);
          if (!fdE) return fail();
          table.set(1, fdE);
          table.set(2, fdE);
          continue;
        }
        sh.error(`${target}: ambiguous redirect`);
        return fail();
      }
      let flags: string | number = op === '>>' || op === '&>>' ? 'a' : op === '<' ? 'r' : op === '<>' ? fs.constants.O_RDWR | fs.constants.O_CREAT : 'w';
      if (sh.opts.noclobber && (op === '>' || op === '&>' || op === '>&') && flags === 'w') {
        // noclobber: `>` does not truncate an existing regular file (`>|` does)
        let regular = false;
        try {
          regular = fs.statSync(fsPath(path.resolve(sh.cwd, target))).isFile();
        } catch {
          regular = false;
        }
        if (regular) {
          sh.error(`${target}: cannot overwrite existing file`);
          return fail();
        }
        flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC;
      }
      const e = openTargetSafe(sh, table, target, flags, opened);
      if (!e) return fail();
      if (op === '&>' || op === '&>>') {
        table.set(1, e);
        table.set(2, e);
      } else table.set(n, e);
    }
    sh.fds = table;
    const st = await fn();
    sh.redirectFailed = false;
    return st;
  } finally {
    if (!permanent || sh.fds !== table) {
      if (sh.fds === table) sh.fds = saved;
      for (const fd of opened) {
        try { fs.closeSync(fd); } catch { /* already closed */ }
      }
      for (const r of readers) {
        if (r.fd !== null) try { fs.closeSync(r.fd); } catch { /* closed */ }
      }
    }
    // process substitutions in the redirects live as long as the command
    if (sh.procsubs.length > procsubs) closeProcsubs(sh, procsubs);
    if (permanent) releaseProcsubs(sh);
  }
}

function openTargetSafe(sh: Shell, table: FdTable, target: string, flags: string | number, opened: number[]): Fd | null {
  try {
    const e = openTarget(sh, table, target, flags);
    // an entry of the table itself (`/dev/stderr`) is not ours to close
    if (e.kind === 'os' && ![...table.values()].includes(e)) opened.push(e.fd);
    return e;
  } catch (err) {
    sh.error(`${target}: ${errText(err)}`);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Pipelines

/**
 * Run pipeline stages concurrently, each in a subshell copy, stage i's fd 1 feeding stage i+1's
 * fd 0 through an in-memory channel. Returns every stage's status (PIPESTATUS).
 */
export async function runPipeline(sh: Shell, stages: Body[]): Promise<number[]> {
  if (stages.length === 1) return [await sh.runSubshell(stages[0]!)];
  const channels = stages.slice(1).map(() => new Channel());
  // `shopt -s lastpipe` (no job control): the last stage runs in this shell itself
  const last = stages.length - 1;
  return Promise.all(
    stages.map(async (stage, i) => {
      if (i === last && sh.opts.lastpipe) {
        await Promise.resolve();
        const saved = sh.fds;
        sh.fds = new Map(saved).set(0, { kind: 'reader', reader: channels[i - 1]!.reader });
        try {
          await stage(sh);
          return sh.status;
        } finally {
          if (sh.fds.get(0)?.kind === 'reader') sh.fds.set(0, saved.get(0)!);
          else sh.fds = saved;
          channels[i - 1]!.break();
        }
      }
      const sub = sh.fork();
      if (i > 0) sub.fds.set(0, { kind: 'reader', reader: channels[i - 1]!.reader });
      if (i < stages.length - 1) sub.fds.set(1, { kind: 'sink', sink: channels[i]! });
      // let every stage start before any runs (a stage may block on its input)
      await Promise.resolve();
      try {
        return await sub.runSubshell(stage, true);
      } finally {
        // the pipeline's $BASH_COMMAND in this shell is its last command's (an ERR trap on its status shows it)
        if (i === last) sh.command = sub.command;
        if (i < stages.length - 1) channels[i]!.close();
        if (i > 0) channels[i - 1]!.break();
      }
    }),
  );
}

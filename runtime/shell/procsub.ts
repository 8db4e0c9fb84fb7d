/**
 * Process substitution. `<(cmd)` and `>(cmd)` run `cmd` as a process of its own, concurrently,
 * joined by a pipe to an fd of the shell — 63, then 62, … as bash numbers them — and the word is
 * `/dev/fd/N`. In-process readers and writers (redirects, `read`, `mapfile`, `source`) use that
 * fd table entry; an external command gets fd N as a real pipe (exec.ts passes every fd above 2):
 * for `>(…)` one Node reads, for `<(…)` a FIFO Node starts writing once the child opened it
 * (serveFifo).
 * When the command that expanded the word ends, the fd is closed: `<(…)`'s producer then gets
 * SIGPIPE if it still writes, `>(…)`'s consumer sees end of input. `$!` is its pid, and `wait`
 * (`wait $!`) waits for it.
 */
import * as fs from 'node:fs';
import { fdWriter } from './os-pipe.js';
import type { Shell } from './shell.js';
import type { Body } from './words.js';
import { Channel, type Fd, type Reader } from './io.js';

/** A process substitution's fd, open until the command that expanded it ends. */
export interface OpenProcsub {
  readonly n: number;
  readonly entry: Fd;
  close(): void;
}

/** Start `op( body )` for `sh`; returns the word (`/dev/fd/N`). */
export function startProcsub(sh: Shell, op: '<' | '>', body: Body): string {
  let n = 63;
  while (sh.fds.has(n) && n > 10) n--;
  const ch = new Channel();
  const sub = sh.fork();
  sub.quietSignals = true;
  let entry: Fd;
  let closed = false;
  if (op === '<') {
    sub.fds.set(1, { kind: 'sink', sink: ch });
    let pathFd: number | null = null;
    const byPath = (): number => {
      if (pathFd === null) {
        pathFd = sh.proc.pipes.unopened();
        serveFifo(pathFd, ch.reader, { closed: () => closed, broken: () => ch.break() });
      }
      return pathFd;
    };
    entry = { kind: 'reader', reader: ch.reader, byPath };
  } else {
    sub.fds.set(0, { kind: 'reader', reader: ch.reader });
    entry = { kind: 'sink', sink: ch };
  }
  // runs beside the command, like a background job (it is no job: `jobs` does not list it)
  const run = Promise.resolve()
    .then(() => sub.runSubshell(body, true))
    .catch(() => 1)
    .finally(() => {
      if (op === '<') ch.close();
      else ch.break();
    });
  sh.proc.jobs.add(sub.proc.pid, '', sub, run, true);
  sh.proc.lastBg = String(sub.proc.pid);
  sh.fds.set(n, entry);
  sh.procsubs.push({
    n, entry,
    close: () => {
      closed = true;
      if (op === '<') ch.break();
      else ch.close();
    },
  });
  return `/dev/fd/${n}`;
}

/** Close the process substitutions opened after `mark` (the command that expanded them ended). */
export function closeProcsubs(sh: Shell, mark: number): void {
  while (sh.procsubs.length > mark) {
    const p = sh.procsubs.pop()!;
    if (sh.fds.get(p.n) === p.entry) sh.fds.delete(p.n);
    // still open under another number (`exec 3< <(…)`): it stays until that fd is closed
    if (inUse(sh, p)) sh.heldProcsubs.push(p);
    else p.close();
  }
}

function inUse(sh: Shell, p: OpenProcsub): boolean {
  for (const e of sh.fds.values()) if (e === p.entry) return true;
  return false;
}

/** After `exec N>&-` (or any change of the shell's own fds): close the held ones no fd names any more. */
export function releaseProcsubs(sh: Shell): void {
  if (sh.heldProcsubs.length === 0) return;
  sh.heldProcsubs = sh.heldProcsubs.filter((p) => {
    if (inUse(sh, p)) return true;
    p.close();
    return false;
  });
}

/**
 * The bytes behind `/dev/fd/N` (or /dev/stdin) when N is an fd of the shell that Node cannot
 * open by path (a process substitution, a pipe between stages); null for any other path.
 */
export async function readFdPath(sh: Shell, file: string): Promise<Buffer | null> {
  const m = /^\/dev\/(?:fd\/(\d+)|(stdin))$/.exec(file);
  if (!m) return null;
  const e = sh.fds.get(m[2] ? 0 : Number(m[1]));
  if (e?.kind !== 'reader') return null;
  return e.reader.readAll();
}

/**
 * Copy `reader` into the FIFO behind `pathFd` (an O_PATH fd, os-pipe.ts `unopened`) once a child
 * opened it for reading, at the pipe's pace (the child going away breaks the channel: the producer
 * gets SIGPIPE); afterwards anyone opening it gets end of file, as from a pipe whose writers are
 * gone. Ends, closing `pathFd`, once `closed()` (the command ended).
 */
function serveFifo(pathFd: number, reader: Reader, o: { closed: () => boolean; broken: () => void }): void {
  const self = `/proc/self/fd/${pathFd}`;
  const openWriter = (): number | null => {
    try {
      return fs.openSync(self, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    } catch {
      return null; // ENXIO: no reader yet
    }
  };
  const later = (f: () => void, ms: number) => setTimeout(f, ms).unref();
  const finish = () => {
    try { fs.closeSync(pathFd); } catch { /* closed */ }
  };
  // end of file for late openers, polled less and less often
  const eofs = (ms: number) => {
    if (o.closed()) return finish();
    const w = openWriter();
    if (w !== null) fs.closeSync(w);
    later(() => eofs(w !== null ? 1 : Math.min(ms * 2, 200)), ms);
  };
  const copy = async (w: number) => {
    const { sock, write } = fdWriter(w);
    await reader.pump(write);
    if (sock.destroyed) o.broken();
    else await new Promise<void>((resolve) => {
      sock.once('close', () => resolve());
      sock.once('finish', () => sock.destroy());
      sock.end();
    });
    eofs(1);
  };
  const wait = (ms: number) => {
    if (o.closed()) return finish();
    const w = openWriter();
    if (w === null) return later(() => wait(Math.min(ms * 2, 20)), ms);
    void copy(w);
  };
  wait(1);
}

/**
 * The Shell's file descriptors: an fd table whose entries are real OS fds (files, /dev/null,
 * the process's own stdio: handed to child processes as is), JS sinks (command substitution
 * capture, pipes between pipeline stages) or readers (pipes, heredocs, `< file` contents).
 * Builtins read and write through these; runtime/shell/exec.ts wires them to child processes.
 */
import * as fs from 'node:fs';
import { fdWriter } from './os-pipe.js';
import * as os from 'node:os';
import * as path from 'node:path';
import { decode, encode } from '../lang/bytes.js';

/** Something in-process output goes to (capture buffer, pipe to the next stage, node stream). */
export interface Sink {
  write(b: Buffer): void;
  /** true once the reading side is gone (the next pipeline stage ended): writers should stop. */
  readonly broken?: boolean;
  /** Bytes written and not read yet (a pipe's buffer): writers wait for `drained()` when it is large. */
  readonly backlog?: number;
  drained?(): Promise<void>;
}

/** How much a pipe holds before its writer waits (Linux's default pipe buffer). */
export const PIPE_BUFFER = 65536;

export type Fd =
  | { kind: 'os'; fd: number }
  | { kind: 'sink'; sink: Sink }
  /**
   * `byPath`: the fd a child process gets at this number when it will open `/dev/fd/N` rather
   * than read it (a process substitution's fd: procsub.ts).
   */
  | { kind: 'reader'; reader: Reader; byPath?: () => number }
  | { kind: 'closed' };

export type FdTable = Map<number, Fd>;

/** Buffered byte input with line reads that never consume past the delimiter. */
export class Reader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  private chunks: AsyncIterator<Buffer> | null;
  private osFd: number | null;

  private constructor(chunks: AsyncIterator<Buffer> | null, osFd: number | null, initial?: Buffer) {
    this.chunks = chunks;
    this.osFd = osFd;
    if (initial) this.buf = initial;
    if (!chunks && osFd === null) this.done = true;
  }

  static fromBuffer(b: Buffer | string): Reader {
    return new Reader(null, null, typeof b === 'string' ? encode(b) : b);
  }

  static fromIterator(it: AsyncIterator<Buffer>): Reader {
    return new Reader(it, null);
  }

  /** An OS fd read byte-wise on demand (as bash does on pipes): never reads ahead. */
  static fromOsFd(fd: number): Reader {
    return new Reader(null, fd);
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    if (this.osFd !== null) {
      const b = Buffer.alloc(1);
      for (;;) {
        try {
          const n = fs.readSync(this.osFd, b, 0, 1, null);
          if (n === 0) {
            this.done = true;
            return false;
          }
          this.buf = Buffer.concat([this.buf, b]);
          return true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
            await new Promise((r) => setTimeout(r, 5));
            continue;
          }
          this.done = true;
          return false;
        }
      }
    }
    const r = await this.chunks!.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    return true;
  }

  /**
   * Read up to and including `delim` (a byte; null = to EOF). Returns null at EOF with nothing
   * read; `found` tells whether the delimiter was seen (bash `read` fails without it).
   */
  async readUntil(delim: number | null): Promise<{ data: Buffer; found: boolean } | null> {
    let from = 0;
    for (;;) {
      if (delim !== null) {
        const i = this.buf.indexOf(delim, from);
        if (i >= 0) {
          const data = this.buf.subarray(0, i);
          this.buf = this.buf.subarray(i + 1);
          return { data, found: true };
        }
      }
      from = this.buf.length;
      if (!(await this.fill())) {
        if (this.buf.length === 0) return null;
        const data = this.buf;
        this.buf = Buffer.alloc(0);
        return { data, found: false };
      }
    }
  }

  /** Read `n` bytes (fewer at EOF). */
  async readN(n: number): Promise<Buffer> {
    while (this.buf.length < n && (await this.fill()));
    const data = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(data.length);
    return data;
  }

  async readAll(): Promise<Buffer> {
    while (await this.fill());
    const data = this.buf;
    this.buf = Buffer.alloc(0);
    return data;
  }

  /**
   * Turn what is left into a real OS fd (an unlinked temp file positioned at the start), so a
   * child process can inherit it and leave unread data for later reads, as with a bash pipe or
   * heredoc. Waits for the writer to finish. The reader then reads byte-wise from that fd.
   */
  async toOsFd(): Promise<number> {
    if (this.osFd !== null && this.buf.length === 0) return this.osFd;
    const rest = await this.readAll();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmdc-fd-'));
    const file = path.join(dir, 'in');
    fs.writeFileSync(file, rest);
    const fd = fs.openSync(file, 'r');
    fs.unlinkSync(file);
    fs.rmdirSync(dir);
    this.osFd = fd;
    this.chunks = null;
    this.done = false;
    return fd;
  }

  /** The OS fd behind this reader, if any. */
  get fd(): number | null {
    return this.osFd;
  }

  /** Fed by a stream (a pipe between stages, a process's stdin), not a buffer or a file. */
  get streaming(): boolean {
    return this.chunks !== null;
  }

  /** The blocking read end children get once this reader became a real pipe (`toPipe`). */
  piped: number | null = null;

  /**
   * Turn a streaming reader into a real pipe that children share, as bash's pipe: what one child
   * does not read stays for the next reader. Returns the blocking read fd for children; this
   * reader then reads the pipe itself (byte-wise, never ahead) and Node copies the stream into
   * the pipe as it comes, at the pipe's pace. `make` gives the pipe's ends (os-pipe.ts).
   */
  toPipe(make: () => { read: number; readNb: number; write: number }): number {
    if (this.piped !== null) return this.piped;
    const p = make();
    const it = this.chunks!;
    const pending = this.buf;
    this.chunks = null;
    this.buf = Buffer.alloc(0);
    this.osFd = p.readNb;
    this.done = false;
    this.piped = p.read;
    const { sock, write } = fdWriter(p.write);
    void (async () => {
      if (pending.length && !(await write(pending))) return;
      for (;;) {
        const r = await it.next();
        if (r.done || !(await write(r.value))) break;
      }
      sock.end();
    })();
    return p.read;
  }

  /** Close the pipe this reader became (its reader is gone: writers get EPIPE). */
  closePipe(): void {
    if (this.piped === null) return;
    for (const fd of [this.piped, this.osFd]) {
      if (fd !== null) try { fs.closeSync(fd); } catch { /* closed */ }
    }
    this.piped = null;
    this.osFd = null;
    this.done = true;
  }

  /** Hand everything that is left to `write` chunk by chunk (for a child process's stdin). */
  async pump(write: (b: Buffer) => Promise<boolean>): Promise<void> {
    if (this.buf.length) {
      const b = this.buf;
      this.buf = Buffer.alloc(0);
      if (!(await write(b))) return;
    }
    while (await this.fill()) {
      const b = this.buf;
      this.buf = Buffer.alloc(0);
      if (!(await write(b))) return;
    }
  }
}

/** A pipe between two pipeline stages: the writer side is a Sink, the reader side a Reader. */
export class Channel implements Sink {
  private queue: Buffer[] = [];
  private closed = false;
  broken = false;
  /** Bytes queued and not read yet. */
  backlog = 0;
  private wake: (() => void) | null = null;
  private drainWaiters: (() => void)[] = [];
  readonly reader: Reader;

  constructor() {
    const self = this;
    this.reader = Reader.fromIterator({
      async next(): Promise<IteratorResult<Buffer>> {
        for (;;) {
          const b = self.queue.shift();
          if (b) {
            self.backlog -= b.length;
            if (self.backlog <= PIPE_BUFFER / 2) self.release();
            return { value: b, done: false };
          }
          if (self.closed || self.broken) return { value: undefined, done: true };
          await new Promise<void>((r) => { self.wake = r; });
        }
      },
    });
  }

  write(b: Buffer): void {
    if (this.broken || b.length === 0) return;
    this.queue.push(b);
    this.backlog += b.length;
    this.kick();
  }

  /** Resolves when the reader has taken most of what is queued (or is gone). */
  drained(): Promise<void> {
    if (this.backlog <= PIPE_BUFFER / 2 || this.broken) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }

  close(): void {
    this.closed = true;
    this.kick();
  }

  /** The reading stage ended: drop what is queued and tell writers to stop. */
  break(): void {
    this.broken = true;
    this.queue = [];
    this.backlog = 0;
    this.reader.closePipe();
    this.release();
    this.kick();
  }

  private release(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of w) f();
  }

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

/** A sink that collects everything (command substitution). */
export class Capture implements Sink {
  chunks: Buffer[] = [];
  write(b: Buffer): void {
    this.chunks.push(b);
  }
  text(): string {
    return decode(Buffer.concat(this.chunks));
  }
}

/** Write synchronously to an OS fd, retrying on EAGAIN (non-blocking pipes); throws on errors (EPIPE included). */
export function writeOs(fd: number, b: Buffer): void {
  let off = 0;
  while (off < b.length) {
    try {
      off += fs.writeSync(fd, b, off, b.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      throw e;
    }
  }
}

/** What a write did: done, the fd is not writable, or the reading end of the pipe is gone. */
export type WriteResult = 'ok' | 'badf' | 'pipe';

/** Write to an fd table entry. */
export function writeFdResult(fd: Fd | undefined, data: string | Buffer): WriteResult {
  const b = typeof data === 'string' ? encode(data) : data;
  if (!fd) return 'badf';
  switch (fd.kind) {
    case 'os':
      try {
        writeOs(fd.fd, b);
        return 'ok';
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'EPIPE' ? 'pipe' : 'badf';
      }
    case 'sink':
      if (fd.sink.broken) return 'pipe';
      fd.sink.write(b);
      return 'ok';
    default:
      return 'badf';
  }
}

/** Write to an fd table entry; returns false when the fd is not writable (a broken pipe included). */
export function writeFd(fd: Fd | undefined, data: string | Buffer): boolean {
  return writeFdResult(fd, data) === 'ok';
}

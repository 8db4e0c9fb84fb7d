/**
 * Real OS pipes. Node's `'pipe'` stdio is a socketpair: a child cannot reopen it by path
 * (`> /dev/stderr`, `cat /dev/fd/63` fail with ENXIO) and one pipe cannot be handed to two fds
 * (`cmd 2>&1 | …` must keep stdout and stderr in write order). A FIFO made in a private
 * directory gives a real pipe; each open of it is its own file description, so a child's end stays
 * blocking while Node's end is non-blocking. FIFOs are made in batches (one `mkfifo` call per 16)
 * and unlinked once their ends are open.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const BATCH = 16;
const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;
/** Linux's O_PATH (Node does not export it). */
const O_PATH = 0o10000000;

/** Makes pipes for one block (the directory goes when the block ends). */
export class PipeFactory {
  private dir: string | null = null;
  private free: string[] = [];
  private made = 0;

  /** A fresh FIFO path (still on disk: open its ends, then `unlink`). */
  private fifo(): string {
    if (this.free.length === 0) {
      if (this.dir === null || !fs.existsSync(this.dir)) this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmdc-pipe-'));
      const names = Array.from({ length: BATCH }, () => path.join(this.dir!, `p${this.made++}`));
      const r = spawnSync('mkfifo', ['-m', '600', ...names], { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`mkfifo failed (${r.error?.message ?? `status ${r.status}`})`);
      this.free = names;
    }
    return this.free.pop()!;
  }

  /**
   * A pipe whose write end is for children (blocking) and whose read end is Node's
   * (non-blocking, for a net.Socket).
   */
  toNode(): { read: number; write: number } {
    const p = this.fifo();
    try {
      const read = fs.openSync(p, O_RDONLY | O_NONBLOCK);
      const write = fs.openSync(p, O_WRONLY);
      return { read, write };
    } finally {
      fs.rmSync(p, { force: true });
    }
  }

  /**
   * A pipe Node writes into (non-blocking `write`, for a net.Socket) and children read (blocking
   * `read`); `readNb` is a non-blocking read end for Node's own reads.
   */
  fromNode(): { read: number; readNb: number; write: number } {
    const p = this.fifo();
    try {
      const readNb = fs.openSync(p, O_RDONLY | O_NONBLOCK);
      const write = fs.openSync(p, O_WRONLY | O_NONBLOCK);
      const read = fs.openSync(p, O_RDONLY);
      return { read, readNb, write };
    } finally {
      fs.rmSync(p, { force: true });
    }
  }

  /**
   * A FIFO nobody has open yet, as an O_PATH fd (it counts as neither reader nor writer): a child
   * given it opens `/dev/fd/N`, and Node opens its write end (`/proc/self/fd/<fd>`) once that
   * reader is there — the order FIFOs need, since a reader opening after the last writer closed
   * would wait forever, where an anonymous pipe gives end of file.
   */
  unopened(): number {
    const p = this.fifo();
    try {
      return fs.openSync(p, O_PATH);
    } finally {
      fs.rmSync(p, { force: true });
    }
  }

  /** A pipe with both ends blocking (child to child). */
  between(): { read: number; write: number } {
    const p = this.fifo();
    try {
      const anchor = fs.openSync(p, O_RDONLY | O_NONBLOCK);
      const write = fs.openSync(p, O_WRONLY);
      const read = fs.openSync(p, O_RDONLY);
      fs.closeSync(anchor);
      return { read, write };
    } finally {
      fs.rmSync(p, { force: true });
    }
  }

  /** Remove the directory and the FIFOs not used yet. */
  dispose(): void {
    if (this.dir !== null) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.free = [];
  }
}

/**
 * A writer over a pipe's write end `fd` that keeps to the reader's pace: `write` resolves true once
 * the bytes are taken (after `drain` when the pipe is full), false when the reader has gone.
 */
export function fdWriter(fd: number): { sock: net.Socket; write: (b: Buffer) => Promise<boolean> } {
  const sock = new net.Socket({ fd, readable: false, writable: true });
  sock.on('error', () => undefined);
  const write = (b: Buffer) => new Promise<boolean>((resolve) => {
    if (sock.destroyed) return resolve(false);
    if (sock.write(b)) return resolve(true);
    sock.once('drain', () => resolve(true));
    sock.once('close', () => resolve(false));
  });
  return { sock, write };
}

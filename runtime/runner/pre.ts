/**
 * Running `!` commands as Claude Code does (../shared/notes/claude-code.md §5): each one is a
 * Bash tool call — under the claude-code profile through the same wrapper as a block (argument
 * text already pasted into it), under script as `bash -c` with the arguments as data — with a
 * timeout (`BASH_DEFAULT_TIMEOUT_MS`, default 120 s, at most `BASH_MAX_TIMEOUT_MS`, 600 s); its
 * output is stdout and stderr in write order, leading blank lines and trailing whitespace cut,
 * `(Bash completed with no output)` when empty. A non-zero exit or a timeout is a failure that
 * aborts the whole command (`preFailure` gives the client's message).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreStep } from '../command.js';
import { bashToolCommand, type Profile } from '../lang/profile.js';
import { claudeShellPath } from './profile.js';

export interface PreResult {
  /** The output as the client shows it (see formatPreOutput). */
  output: string;
  status: number;
  timedOut: boolean;
  /** claude-code: the directory the call saved (`pwd -P`), null when it saved none. */
  cwd: string | null;
}

export interface PreRunOptions {
  profile: Profile;
  /** The bash to run: the text with arguments pasted (claude-code) or rewritten to variables (script). */
  bash: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** The timeout of a Bash tool call: BASH_DEFAULT_TIMEOUT_MS (default 120 s), capped by BASH_MAX_TIMEOUT_MS (600 s). */
export function preTimeoutMs(env: NodeJS.ProcessEnv): number {
  const num = (v: string | undefined, d: number) => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : d);
  return Math.min(num(env.BASH_DEFAULT_TIMEOUT_MS, 120_000), num(env.BASH_MAX_TIMEOUT_MS, 600_000));
}

/** Leading blank lines and trailing whitespace cut; nothing left → `(Bash completed with no output)`. */
export function formatPreOutput(raw: string): string {
  const out = raw.replace(/^(?:[ \t]*\r?\n)+/, '').replace(/\s+$/, '');
  return out === '' ? '(Bash completed with no output)' : out;
}

/** The `!` command as written in the file: `` !`cmd` `` or the ```` ```! ```` fence. */
export function prePattern(step: Pick<PreStep, 'text' | 'fence'>): string {
  return step.fence ? `\`\`\`!\n${step.text}\n\`\`\`` : `!\`${step.text}\``;
}

/** The client's message when a `!` command fails (the whole command stops with it). */
export function preFailure(pattern: string, r: PreResult, timeoutMs: number): string {
  const why = r.timedOut
    ? `Command timed out after ${Math.round(timeoutMs / 1000)}s`
    : r.output === '(Bash completed with no output)'
      ? `exit code ${r.status}`
      : `exit code ${r.status}: ${r.output}`;
  return `Shell command failed for pattern "${pattern}": ${why}`;
}

/** Run one `!` command; stdout and stderr share one file, so the output keeps the write order. */
export function runPreCommand(o: PreRunOptions): Promise<PreResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cmdc-pre-'));
  const outFile = join(dir, 'out');
  const cwdFile = join(dir, 'cwd');
  const fd = openSync(outFile, 'w');
  const [cmd, argv] =
    o.profile === 'claude-code' ? [claudeShellPath(o.env), ['-c', bashToolCommand(o.bash, { cwdFile })]] : ['bash', ['-c', o.bash]];
  return new Promise((done) => {
    let timedOut = false;
    let finished = false;
    const finish = (status: number) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      closeSync(fd);
      const output = formatPreOutput(readFileSync(outFile, 'utf8'));
      const cwd = existsSync(cwdFile) ? readFileSync(cwdFile, 'utf8').replace(/\n$/, '') : null;
      rmSync(dir, { recursive: true, force: true });
      done({ output, status, timedOut, cwd });
    };
    const child = spawn(cmd, argv, { cwd: o.cwd, env: o.env, stdio: ['ignore', fd, fd], detached: true });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, o.timeoutMs);
    child.on('error', () => finish(127)); // could not start: a failed call
    child.on('close', (code, signal) => finish(timedOut ? 124 : code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
  });
}

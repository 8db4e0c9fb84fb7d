/**
 * Stubbed external commands for block tests: one exec handler (runtime/shell/exec-handler.ts)
 * that records every external command a block runs (argv, cwd, stdin), answers the stubbed ones
 * itself and passes the rest on to the real spawn — or, in strict mode, refuses them (status
 * 127 and a message naming the command; testBlock then fails). Builtins, functions and the
 * state library never reach it: only external programs are replaced.
 */
import { basename } from 'node:path';
import type { ExecHandler } from '../shell/exec-handler.js';

/** What a stub is given. */
export interface StubInput {
  argv: string[];
  cwd: string;
  /** Everything on its stdin, as UTF-8. */
  stdin: string;
  env: Readonly<Record<string, string>>;
}

/** What a stub answers: output and exit status (default 0). */
export interface StubOutput {
  stdout?: string | Uint8Array;
  stderr?: string | Uint8Array;
  status?: number;
}

/**
 * A stub: a string (its stdout, status 0), an answer, or a function of the call returning
 * either (or a bare status, or nothing for status 0 and no output).
 */
export type Stub =
  | string
  | StubOutput
  | ((call: StubInput) => string | number | StubOutput | void | Promise<string | number | StubOutput | void>);

/** One external command the block ran, in order. */
export interface Call {
  argv: string[];
  cwd: string;
  /** Its stdin (UTF-8) when a stub answered; null when the real program ran (it read its stdin itself) or strict mode refused it. */
  stdin: string | null;
  /** How it was answered. */
  by: 'stub' | 'real' | 'refused';
}

export interface StubOptions {
  stubs: Readonly<Record<string, Stub>>;
  /** Refuse external commands that have no stub and are not in `allow`. */
  strict: boolean;
  allow: readonly string[];
  /** Filled in order. */
  calls: Call[];
}

/** The stub for argv[0]: by the name as written, else by its basename (`/usr/bin/git` → git). */
function stubFor(stubs: Readonly<Record<string, Stub>>, name: string): Stub | undefined {
  if (Object.hasOwn(stubs, name)) return stubs[name];
  const base = basename(name);
  return Object.hasOwn(stubs, base) ? stubs[base] : undefined;
}

/** The exec handler of a block test. */
export function stubHandler(o: StubOptions): ExecHandler {
  return async (ctx, next) => {
    const name = ctx.argv[0] ?? '';
    const stub = stubFor(o.stubs, name);
    if (stub === undefined) {
      const allowed = o.allow.includes(name) || o.allow.includes(basename(name));
      if (o.strict && !allowed) {
        o.calls.push({ argv: [...ctx.argv], cwd: ctx.cwd, stdin: null, by: 'refused' });
        ctx.error(`${name}: external command not stubbed (cmdc/testing strict mode: add a stub or allow it)`);
        return 127;
      }
      o.calls.push({ argv: [...ctx.argv], cwd: ctx.cwd, stdin: null, by: 'real' });
      return next();
    }
    const call: Call = { argv: [...ctx.argv], cwd: ctx.cwd, stdin: '', by: 'stub' };
    o.calls.push(call);
    call.stdin = (await ctx.readStdin()).toString('utf8');
    let answer = typeof stub === 'function' ? await stub({ argv: [...ctx.argv], cwd: ctx.cwd, stdin: call.stdin, env: ctx.env }) : stub;
    if (typeof answer === 'string') answer = { stdout: answer };
    else if (typeof answer === 'number') answer = { status: answer };
    else if (answer === undefined) answer = {};
    if (answer.stdout !== undefined) ctx.stdout(Buffer.from(answer.stdout));
    if (answer.stderr !== undefined) ctx.stderr(Buffer.from(answer.stderr));
    return answer.status ?? 0;
  };
}

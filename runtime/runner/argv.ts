/**
 * The command line's exact bytes (issue 12 item 14). Node decodes process.argv as UTF-8 and
 * replaces every invalid byte with U+FFFD, so an argument holding such bytes would reach the
 * blocks changed. Where /proc/self/cmdline exists (Linux) the arguments are read back from it
 * as bytes and decoded losslessly (runtime/lang/bytes.ts: surrogate-escaped, written back as the
 * same bytes by the interpreter, the state file writer and JSON run records); each one is used
 * only when it is exactly what Node decoded, so a rewritten cmdline never changes an argument.
 * Where the bytes cannot be recovered, the caller refuses the argument with its position.
 */
import { readFileSync } from 'node:fs';
import { decode } from '../lang/bytes.js';

export type ExactArgs = { args: string[] } | { error: string };

/** The user's arguments (`args` = argv after node and the script) with their exact bytes. */
export function exactArgs(args: readonly string[], readCmdline: () => Buffer = () => readFileSync('/proc/self/cmdline')): ExactArgs {
  if (!args.some((a) => a.includes('\uFFFD'))) return { args: [...args] };
  let parts: Buffer[] = [];
  try {
    const raw = readCmdline();
    let start = 0;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === 0) {
        parts.push(raw.subarray(start, i));
        start = i + 1;
      }
    }
    if (start < raw.length) parts.push(raw.subarray(start));
  } catch {
    parts = [];
  }
  const tail = parts.slice(Math.max(0, parts.length - args.length));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const b = tail.length === args.length ? tail[i]! : undefined;
    if (b !== undefined && b.toString('utf8') === a) out.push(decode(b));
    else if (a.includes('\uFFFD')) {
      return { error: `argument ${i + 1} (${JSON.stringify(a)}) holds bytes that are not valid UTF-8, and cmdc cannot read them exactly here (no /proc/self/cmdline); pass it as UTF-8, or through a file` };
    } else out.push(a);
  }
  return { args: out };
}

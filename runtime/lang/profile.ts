/**
 * Execution profiles, as text rules shared by the compiler and the runtime: the profile names,
 * how a command file chooses one, and the exact command string Claude Code's Bash tool runs for
 * a block (../shared/notes/claude-code.md §1), which the runner uses for `!` lines and the tests
 * use as the bash oracle of the claude-code profile.
 *
 * - `claude-code` (default for command and skill files): a block runs as the Bash tool runs it —
 *   `eval '<block>'` inside an `&&` list (so `set -e` has no effect), `$0` the shell, no
 *   positional parameters, extglob off, stdin /dev/null, argument text substituted by the client.
 * - `script` (default for files declaring `argument-convention: positional`): a block is a
 *   standalone bash script; the arguments are its positional parameters.
 */
import { singleQuote } from './quote.js';

export type Profile = 'claude-code' | 'script';

export const PROFILES: readonly Profile[] = ['claude-code', 'script'];

/** `claude-code` / `script` (a few spellings); null for anything else. */
export function parseProfile(text: string): Profile | null {
  const s = text.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (/^(claude-code|claude|claudecode|bash-tool)$/.test(s)) return 'claude-code';
  if (/^(script|bash|bash-script|positional)$/.test(s)) return 'script';
  return null;
}

/**
 * The profile a command file asks for: frontmatter `profile:` (alias `execution-profile:`), else
 * `script` when it declares `argument-convention: positional` (a bash script whose `$1` is the
 * positional parameter), else `fallback` (a compile option), else `claude-code`.
 */
export function profileOf(frontmatter: Record<string, unknown>, fallback?: Profile): { profile: Profile; explicit: boolean } {
  for (const key of ['profile', 'execution-profile']) {
    const v = frontmatter[key];
    const p = typeof v === 'string' ? parseProfile(v) : null;
    if (p) return { profile: p, explicit: true };
  }
  const conv = frontmatter['argument-convention'];
  if (typeof conv === 'string' && /^(positional|script|bash)$/i.test(conv.trim())) return { profile: 'script', explicit: true };
  if (fallback) return { profile: fallback, explicit: true };
  return { profile: 'claude-code', explicit: false };
}

export interface BashToolCommandOptions {
  /** Where the trailing `pwd -P` writes the final directory (written only when the block exits 0). */
  cwdFile: string;
  /** Leave `< /dev/null` out (default: `!hasInputRedirect(block)`, as the client decides). */
  stdinNull?: boolean;
}

/**
 * The `-c` string of a Bash tool call for `block` (notes §1), without a shell snapshot:
 *
 *   \builtin shopt -u extglob 2>/dev/null || true && { \builtin unalias -- 'which'; … } … &&
 *   eval '<block>' < /dev/null && pwd -P >| <cwdFile>
 */
export function bashToolCommand(block: string, o: BashToolCommandOptions): string {
  const stdinNull = o.stdinNull ?? !hasInputRedirect(block);
  const unalias = (n: string) => `{ \\builtin unalias -- '${n}'; \\builtin unset -f -- '${n}'; } >/dev/null 2>&1 || true`;
  return [
    `\\builtin shopt -u extglob 2>/dev/null || true`,
    unalias('which'),
    unalias('unsetenv'),
    `eval ${singleQuote(block)}${stdinNull ? ' < /dev/null' : ''}`,
    `pwd -P >| ${singleQuote(o.cwdFile)}`,
  ].join(' && ');
}

/**
 * Whether the client leaves stdin alone for this block: it has a heredoc (`<<`, `<<-`, `<<<`)
 * or an input redirect `<` (not `<(`, `<&`, `<>`). Read from the text, as the client does; a `<`
 * inside quotes counts too (the client does not parse quotes for this either).
 */
export function hasInputRedirect(block: string): boolean {
  return /<</.test(block) || /(^|[^<])<(?![<(&>])/.test(block.replace(/\[\[[^\]]*\]\]|\(\([^)]*\)\)/g, ''));
}

/**
 * The line number bash reports for line `n` (1-based) of a block run through `eval '<block>'`
 * in the wrapper: the eval word ends on the block's last line, and bash counts the eval'd lines
 * from there, so line n reads as n + (lines - 1). Returns the shift (lines - 1).
 */
export function evalLineShift(block: string): number {
  let n = 0;
  for (const c of block) if (c === '\n') n++;
  return n;
}

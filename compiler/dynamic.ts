/**
 * Compiling bash text met at run time — a `source`d file, `eval` text, a trap string — into the
 * runtime's CompiledCode (runtime/shell/code.ts): the same parse → translate pipeline as a block,
 * with the text's own line numbers. The runtime imports this module lazily (runtime/code/
 * compiler-link.ts), only on a cache miss; `compileCode` never throws on bad input.
 *
 * Text that does not parse runs as bash runs it: bash reads and runs a file, eval text or trap
 * string one command line at a time, so everything before the line that fails runs. The longest
 * prefix of whole lines that parses is compiled natively; the rest is checked with `bash -n`:
 * when bash also rejects it, the runtime prints bash's own message after the prefix ran
 * (`source` and `eval` then return 2; runtime/shell/code.ts `syntaxError`); when only our parser
 * rejects it, it runs as a bash island.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeKind, CompiledCode } from '../runtime/index.js';
import type { File } from './ast.js';
import { createContext } from './context.js';
import { parseBash } from './parse.js';
import { islandBlock, translateBlock, type TranslateResult } from './translate/index.js';

/** Bounded search for the parseable prefix of a file that does not parse. */
const MAX_PREFIX_TRIES = 64;

/** runtime/shell/code.ts CODE_FORMAT (a type-checked copy: the compiler imports runtime types only). */
const FORMAT: CompiledCode['format'] = 1;

/** Compile bash text (lines numbered from 1) for the runtime. Never throws on bad input. */
export function compileCode(text: string, kind: CodeKind): CompiledCode {
  return compileParsed(text, kind).code;
}

/**
 * {@link compileCode}, also returning the text's syntax tree (null when it does not parse):
 * the compiler follows the `source` commands of a library it compiles with a command
 * (compiler/libraries.ts).
 */
export function compileParsed(text: string, kind: CodeKind): { code: CompiledCode; ast: File | null } {
  const file = kind === 'source' ? 'sourced.sh' : kind;
  const parsed = parseBash(text, { file });
  if (parsed.ast) return { code: done(translateBlock(parsed.ast, createContext({ file, source: text, functionSources: true }))), ast: parsed.ast };
  const internal = parsed.diagnostics.find((d) => d.id === 'parser-internal-error');
  // the parser failing is our bug, not the text's: never hide it behind an island
  if (internal) throw new Error(`bash parser failed: ${internal.message}`);
  return { code: withSyntaxError(text, file, parsed.diagnostics[0]?.line ?? 1), ast: null };
}

function done(t: TranslateResult, syntaxError?: string[]): CompiledCode {
  return {
    format: FORMAT,
    js: t.body,
    imports: t.imports,
    native: t.stats.native,
    islands: t.stats.islands,
    ...(syntaxError ? { syntaxError } : {}),
  };
}

/**
 * Text whose line `errLine` does not parse: the longest prefix of whole lines before it that
 * parses runs natively; the rest is bash's (see the file comment).
 */
function withSyntaxError(text: string, file: string, errLine: number): CompiledCode {
  const lines = text.split('\n');
  let k = Math.min(errLine - 1, lines.length);
  let prefix: TranslateResult | null = null;
  const ctx = createContext({ file, source: text, functionSources: true });
  for (let tries = 0; k > 0 && tries < MAX_PREFIX_TRIES; tries++) {
    const p = parseBash(lines.slice(0, k).join('\n'), { file });
    if (p.ast) {
      prefix = translateBlock(p.ast, ctx);
      break;
    }
    k = Math.min(k - 1, (p.diagnostics[0]?.line ?? k) - 1);
  }
  if (!prefix) k = 0;
  const rest = lines.slice(k).join('\n');
  const bashSays = bashSyntaxError('\n'.repeat(k) + rest);
  const parts: string[] = [];
  let native = 0;
  let islands = 0;
  const imports = new Set<string>();
  if (prefix) {
    parts.push(prefix.body);
    native += prefix.stats.native;
    islands += prefix.stats.islands;
    prefix.imports.forEach((n) => imports.add(n));
  }
  if (!bashSays) {
    // only our parser rejects it: bash runs it
    const isl = islandBlock(rest, k + 1, ctx, 'the text does not parse');
    parts.push(isl.body);
    islands += isl.stats.islands;
  }
  return {
    format: FORMAT,
    js: parts.join('\n'),
    imports: [...imports].sort(),
    native,
    islands,
    ...(bashSays ? { syntaxError: bashSays } : {}),
  };
}

/**
 * What `bash -n` says about `text` read as a file: its message lines without the `<file>: `
 * prefix, or null when bash accepts it (or bash cannot be run).
 */
function bashSyntaxError(text: string): string[] | null {
  const dir = mkdtempSync(join(tmpdir(), 'cmdc-syntax-'));
  const f = join(dir, 'f.sh');
  try {
    writeFileSync(f, text);
    const r = spawnSync('bash', ['-n', f], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
    if (r.error || r.status === 0) return null;
    const out = r.stderr.split('\n').filter((l) => l !== '');
    const msgs = out.filter((l) => l.startsWith(`${f}: `)).map((l) => l.slice(f.length + 2));
    return msgs.length ? msgs : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

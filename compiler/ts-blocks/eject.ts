/**
 * `cmdc eject`: rewrite one bash block of a command .md as a ```` ```ts cmdc ```` block, in
 * place. The TypeScript is what the compiler emits for that block in the typed tier (typed
 * state calls, `$` commands, TS conditions) with the exact tier's `sh.*` statements wherever the
 * typed tier does not apply — valid in a ts block, whose scope has `sh`, `$`, `v`, `ts`, `wf` and
 * the runtime's word helpers. Everything outside the block's fence (and the fence's own marker
 * and container indentation) stays byte-identical; the opening fence's info becomes `ts cmdc`.
 */
import { compile } from '../index.js';
import { parseCommandMarkdown, type BashBlock, type TsBlock } from '../markdown.js';
import { TS_STEP_INFO } from './fence.js';

export interface EjectOptions {
  /** The project root (the runtime and the project's libraries are found from it). */
  root: string;
}

export interface Ejected {
  /** The whole file after the rewrite. */
  text: string;
  /** The TypeScript now in the block. */
  code: string;
  /** .md lines of the fence that was rewritten (opening to closing, before the rewrite). */
  fenceLine: number;
  endLine: number;
  /** Which block (1-based among the file's blocks) and its heading. */
  ordinal: number;
  heading: string | null;
}

/** The file's blocks (bash and ts) in order, as `--block '#N'` counts them. */
export function blocksOf(text: string, file: string): (BashBlock | TsBlock)[] {
  return parseCommandMarkdown(text, file).steps.filter((s): s is BashBlock | TsBlock => s.kind === 'bash' || s.kind === 'ts');
}

/** Rewrite block `ordinal` (1-based among the file's blocks) of `text` as a ts block; an error message when it cannot. */
export function ejectBlock(text: string, file: string, ordinal: number, opts: EjectOptions): Ejected | { error: string } {
  const blocks = blocksOf(text, file);
  const b = blocks[ordinal - 1];
  if (!b) return { error: `no block #${ordinal}: ${file} has ${blocks.length} block${blocks.length === 1 ? '' : 's'}` };
  if (b.kind === 'ts') return { error: `block #${ordinal} of ${file} (line ${b.fenceLine}) is already a ts block` };
  if (!b.closed) return { error: `block #${ordinal} of ${file} (line ${b.fenceLine}) has no closing fence` };
  const r = compile([file], { root: opts.root, readFile: () => text, emit: 'typed' });
  const res = r.results[0];
  if (!res?.code) {
    const why = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`);
    return { error: `${file} does not compile:\n${why.join('\n')}` };
  }
  const code = functionBody(res.code, `\`${file}:${b.line}-${b.endLine}\``);
  if (code === null) return { error: `internal error: the compiled function of block #${ordinal} was not found` };

  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(eol);
  const open = lines[b.fenceLine - 1]!;
  const prefix = open.slice(0, b.indent);
  const marker = /^(`{3,}|~{3,})/.exec(open.slice(b.indent))![1]!;
  const fence = `${prefix}${marker}${TS_STEP_INFO}`;
  const body = code === '' ? [] : code.split('\n').map((l) => (l === '' ? prefix.trimEnd() : prefix + l));
  const out = [...lines.slice(0, b.fenceLine - 1), fence, ...body, ...lines.slice(b.endLine - 1)];
  return { text: out.join(eol), code, fenceLine: b.fenceLine, endLine: b.endLine, ordinal, heading: b.heading };
}

/**
 * The body of the block function whose doc comment names `where` (`file.md:L-M`), dedented; the
 * typed scope line is dropped (a ts block has `$`, `v`, `ts`, `wf` in scope already).
 */
function functionBody(module: string, where: string): string | null {
  const lines = module.split('\n');
  const doc = lines.findIndex((l) => l.includes(where));
  if (doc < 0) return null;
  const start = lines.findIndex((l, i) => i > doc && /^export async function \w+\(sh: Shell\): Promise<void> \{$/.test(l));
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && l === '}');
  return lines
    .slice(start + 1, end)
    .map((l) => (l.startsWith('  ') ? l.slice(2) : l))
    .filter((l, i) => !(i === 0 && /^const \{[^}]*\} = typed<State>\(sh(, [^)]*)?\);$/.test(l)))
    .join('\n');
}

/** A unified diff of one rewritten region (what `cmdc eject --dry-run` prints). */
export function regionDiff(file: string, before: string, after: string, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  if (head === a.length && head === b.length) return '';
  const from = Math.max(0, head - context);
  const aEnd = a.length - tail;
  const bEnd = b.length - tail;
  const to = Math.min(tail, context);
  const ctxBefore = a.slice(from, head).map((l) => ` ${l}`);
  const ctxAfter = a.slice(aEnd, aEnd + to).map((l) => ` ${l}`);
  const removed = a.slice(head, aEnd).map((l) => `-${l}`);
  const added = b.slice(head, bEnd).map((l) => `+${l}`);
  const aCount = ctxBefore.length + removed.length + ctxAfter.length;
  const bCount = ctxBefore.length + added.length + ctxAfter.length;
  return [`--- a/${file}`, `+++ b/${file}`, `@@ -${from + 1},${aCount} +${from + 1},${bCount} @@`, ...ctxBefore, ...removed, ...added, ...ctxAfter, ''].join('\n');
}

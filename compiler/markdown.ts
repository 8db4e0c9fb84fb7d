/**
 * Command markdown: splits a command `.md` file into its YAML frontmatter and its ordered steps,
 * bash blocks (the fences Claude Code would run) and agent steps (the prose between them, given
 * to an agent), with exact 1-based .md line numbers and per-line column offsets so that
 * compiler/parse.ts can report bash positions in the .md file.
 *
 * Fences follow CommonMark (micromark via mdast-util-from-markdown): ``` and ~~~, longer
 * fences, fences indented in lists and blockquotes, info strings with attributes. A fence is a
 * bash block when the first word of its info string is bash, sh or shell (any case); every
 * other fence (unlabelled, other languages, and fences nested inside a ````markdown fence,
 * which are text) stays part of the prose, and so does a bash fence that is a usage example
 * (compiler/examples.ts; listed in `examples`). A fence whose info string is `ts cmdc` or
 * `typescript cmdc` (compiler/ts-blocks/fence.ts) is a **ts block**: a step written in
 * TypeScript, numbered with the bash blocks; a plain ```ts fence stays prose. Later stages (arguments, placeholders, `!` lines)
 * read the same steps: agent steps keep their verbatim text and the fences they contain.
 *
 * `!` pre-commands (Claude Code runs them before the prompt is sent and puts their output in
 * the prompt): prose lines with `` !`cmd` `` and ```` ```! ```` fences. They are listed in
 * `preCommands`, in document order, each with the agent step whose text contains it; they stay
 * in that step's text (the output replaces them when the prompt is rendered). `stepsInOrder`
 * merges them with the steps. Command names: `commandNameFor` (skills layout included).
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { exampleReason, type ExampleReason } from './examples.js';
import { isTsStepInfo } from './ts-blocks/fence.js';
import { parseDocument } from 'yaml';
import {
  frontmatterNotMapping,
  frontmatterUnclosed,
  frontmatterYamlError,
  unclosedFence,
  type Diagnostic,
} from './diagnostics.js';

/** A fenced code block as written in the .md file. */
export interface Fence {
  /** First word of the info string as written (e.g. "bash", "BASH", "json"); null when unlabelled. */
  lang: string | null;
  /** The whole info string, trimmed (e.g. "bash {cmd=true}"). */
  info: string;
  /** The code, container indentation removed, lines joined with "\n", no final newline. */
  code: string;
  /** 1-based .md line of the first code line (fenceLine + 1, even when the code is empty). */
  line: number;
  /** 1-based .md line of the opening fence. */
  fenceLine: number;
  /** 1-based .md line of the closing fence (last line of the container when unclosed). */
  endLine: number;
  /** Columns before the opening fence (0 at the left margin; 3 in `1. ` list items). */
  indent: number;
  /** Per code line (index 0 = `line`): columns to add to a column in `code` to get the .md column. */
  indents: number[];
  /** Whether a closing fence was found. */
  closed: boolean;
}

/** A bash block: one step Claude Code runs with its Bash tool. */
export interface BashBlock extends Fence {
  kind: 'bash';
  /** 0-based position among the file's bash blocks. */
  index: number;
  /** Text of the nearest heading before the fence (e.g. "Block 1a: Setup"), null if none. */
  heading: string | null;
  headingLine: number | null;
  lang: string;
}

/** A ```` ```ts cmdc ```` block: a step written in TypeScript (compiler/ts-blocks/). */
export interface TsBlock extends Fence {
  kind: 'ts';
  /** 0-based position among the file's blocks, bash and ts (the N of `--block '#N+1'`). */
  ordinal: number;
  heading: string | null;
  headingLine: number | null;
  lang: string;
}

/** Prose between bash blocks (an instruction for the agent), verbatim. */
export interface AgentStep {
  kind: 'agent';
  /** The source lines, verbatim, without leading/trailing blank lines. */
  text: string;
  /** 1-based .md lines of the first and last line of `text`. */
  line: number;
  endLine: number;
  /** Only headings, thematic breaks and usage-example fences: documentation, not an instruction. */
  onlyHeadings: boolean;
  /** Non-bash fences inside the prose (their text is also in `text`). */
  fences: Fence[];
}

export type Step = BashBlock | TsBlock | AgentStep;

/**
 * A bash fence that shows how to invoke the command (compiler/examples.ts): not a step; its text
 * stays in the prose around it.
 */
export interface ExampleBlock extends Fence {
  heading: string | null;
  reason: ExampleReason;
}

/**
 * A `!` pre-command: `` !`cmd` `` (fence false) or a ```` ```! ```` fence (fence true). Claude
 * Code matches the inline form as text — after the start of a line or a blank, spanning lines,
 * in prose and inside any fence, bash blocks included — and runs all of them at invocation, in
 * parallel, before the model sees anything; each one's output replaces its text.
 */
export interface PreCommand {
  kind: 'pre';
  /** The bash to run (the text between the backticks, or the fence's code). */
  command: string;
  /** 1-based .md position of the `!` (inline) or of the first code line (fence). */
  line: number;
  col: number;
  /** 1-based .md end (exclusive) of the whole `` !`cmd` `` text, or the closing fence line. */
  endLine: number;
  endCol: number;
  fence: boolean;
  /** Index in `steps` of the step whose text contains it (an agent step, or a bash block for an inline one in its code). */
  step: number;
  /** Char range of the whole `` !`cmd` `` (or the whole fence, markers included) in that step's text (a bash block's code). */
  textStart: number;
  textEnd: number;
  /** Fence only: per code line, columns to add to get the .md column (like Fence.indents). */
  indents: number[];
}

export interface CommandMarkdown {
  /** Parsed YAML frontmatter; all keys kept; {} when absent or unusable. */
  frontmatter: Record<string, unknown>;
  /** Lines of the frontmatter including its --- delimiters; null when absent. */
  frontmatterRange: { line: number; endLine: number } | null;
  steps: Step[];
  /** Usage-example fences (not steps), in document order. */
  examples: ExampleBlock[];
  /** `!` pre-commands in document order (see PreCommand). */
  preCommands: PreCommand[];
  diagnostics: Diagnostic[];
}

const BASH_LANGS = new Set(['bash', 'sh', 'shell']);

/** Whether a fence info string labels a bash block (first word bash/sh/shell, any case). */
export function isBashInfo(info: string): boolean {
  const first = /^[^\s{]+/.exec(info.trim())?.[0] ?? '';
  return BASH_LANGS.has(first.toLowerCase());
}

/** Split a command .md file into frontmatter and steps. Never throws. */
export function parseCommandMarkdown(text: string, file: string): CommandMarkdown {
  const diagnostics: Diagnostic[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  const fm = readFrontmatter(lines, file, diagnostics);

  // Blank the frontmatter out (same lines, same lengths) so markdown positions stay exact.
  let body = text;
  if (fm.range) {
    const blank = lines.map((l, i) => (i < fm.range!.endLine ? ' '.repeat(l.length) : l));
    body = blank.join('\n');
  }

  let tree: MdNode;
  try {
    tree = fromMarkdown(body) as MdNode;
  } catch {
    tree = { type: 'root', children: [] };
  }

  // One document-order walk: headings (for block titles) and fenced code.
  const fences: { fence: Fence; heading: { text: string; line: number } | null }[] = [];
  let heading: { text: string; line: number } | null = null;
  const visit = (node: MdNode): void => {
    if (node.type === 'heading' && node.position) {
      heading = { text: plainText(node).trim(), line: node.position.start.line };
      return;
    }
    if (node.type === 'code' && node.position) {
      const f = readFence(node, lines, file, diagnostics);
      if (f) fences.push({ fence: f, heading });
      return;
    }
    for (const c of node.children ?? []) visit(c);
  };
  visit(tree);

  const steps: Step[] = [];
  const examples: ExampleBlock[] = [];
  let proseStart = fm.range ? fm.range.endLine + 1 : 1;
  let pending: Fence[] = [];
  let index = 0;
  let ordinal = 0;
  const flushProse = (endLine: number) => {
    const step = agentStep(lines, proseStart, endLine, pending, examples);
    if (step) steps.push(step);
    pending = [];
  };
  for (const { fence, heading: h } of fences) {
    if (fence.lang !== null && isTsStepInfo(fence.info)) {
      flushProse(fence.fenceLine - 1);
      steps.push({ kind: 'ts', ordinal: ordinal++, heading: h?.text ?? null, headingLine: h?.line ?? null, ...fence, lang: fence.lang });
      proseStart = fence.endLine + 1;
      continue;
    }
    if (fence.lang === null || !isBashInfo(fence.info)) {
      pending.push(fence);
      continue;
    }
    const reason = exampleReason(fence.code, h?.text ?? null);
    if (reason) {
      examples.push({ ...fence, heading: h?.text ?? null, reason });
      pending.push(fence);
      continue;
    }
    flushProse(fence.fenceLine - 1);
    ordinal++;
    steps.push({ kind: 'bash', index: index++, heading: h?.text ?? null, headingLine: h?.line ?? null, ...fence, lang: fence.lang });
    proseStart = fence.endLine + 1;
  }
  flushProse(lines.length);

  return { frontmatter: fm.data, frontmatterRange: fm.range, steps, examples, preCommands: findPreCommands(steps), diagnostics };
}

/** Steps and pre-commands merged in document order (a pre-command right before its agent step). */
export function stepsInOrder(md: Pick<CommandMarkdown, 'steps' | 'preCommands'>): (Step | PreCommand)[] {
  const out: (Step | PreCommand)[] = [];
  md.steps.forEach((s, i) => {
    for (const p of md.preCommands) if (p.step === i) out.push(p);
    out.push(s);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// `!` pre-commands

/** Whether a fence is a ```` ```! ```` pre-command fence (info string starting with `!`). */
export function isPreCommandInfo(info: string): boolean {
  return info.trim().startsWith('!');
}

/** `` !`cmd` `` at the start of the text or after whitespace (a newline included); it may span lines. */
const INLINE_PRE = /(^|\s)!`([^`]+)`/g;

function findPreCommands(steps: Step[]): PreCommand[] {
  const out: PreCommand[] = [];
  steps.forEach((step, index) => {
    // a ts block is a step only cmdc runs: Claude Code never sees its text (notes §5 is about the prompt)
    if (step.kind === 'ts') return;
    if (step.kind === 'bash') {
      out.push(...inlinePres(step.code, index, step.line, step.indents, []));
      return;
    }
    const lines = step.text.split('\n');
    const starts: number[] = [];
    let at = 0;
    for (const l of lines) {
      starts.push(at);
      at += l.length + 1;
    }
    const found: PreCommand[] = [];
    // The inline form is matched everywhere but inside a ```! fence.
    const bangFences: [number, number][] = [];
    for (const f of step.fences) {
      if (!isPreCommandInfo(f.info)) continue;
      const row = f.fenceLine - step.line;
      const endRow = Math.min(f.endLine - step.line, lines.length - 1);
      found.push({
        kind: 'pre',
        command: f.code,
        line: f.line,
        col: (f.indents[0] ?? f.indent) + 1,
        endLine: f.endLine,
        endCol: (lines[endRow]?.length ?? 0) + 1,
        fence: true,
        step: index,
        textStart: (starts[row] ?? 0) + f.indent,
        textEnd: (starts[endRow] ?? 0) + (lines[endRow]?.length ?? 0),
        indents: f.indents,
      });
      bangFences.push([(starts[row] ?? 0) + f.indent, (starts[endRow] ?? 0) + (lines[endRow]?.length ?? 0)]);
    }
    found.push(...inlinePres(step.text, index, step.line, lines.map(() => 0), bangFences));
    found.sort((a, b) => a.textStart - b.textStart);
    out.push(...found);
  });
  return out;
}

/** The inline `` !`cmd` `` of a text (a step's text or a block's code) outside `skip` ranges. */
function inlinePres(text: string, step: number, firstLine: number, indents: readonly number[], skip: readonly [number, number][]): PreCommand[] {
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const pos = (off: number) => {
    let row = 0;
    while (row + 1 < starts.length && starts[row + 1]! <= off) row++;
    return { line: firstLine + row, col: off - starts[row]! + (indents[row] ?? 0) + 1 };
  };
  const out: PreCommand[] = [];
  for (const m of text.matchAll(INLINE_PRE)) {
    const start = m.index + m[1]!.length;
    const end = m.index + m[0].length;
    if (skip.some(([a, b]) => start >= a && start < b)) continue;
    const s = pos(start);
    const e = pos(end);
    out.push({
      kind: 'pre',
      command: m[2]!,
      line: s.line,
      col: s.col,
      endLine: e.line,
      endCol: e.col,
      fence: false,
      step,
      textStart: start,
      textEnd: end,
      indents: [],
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Command names

/** How a command file is laid out. */
export interface CommandFileInfo {
  /** The slash-command name: `/name`. */
  name: string;
  /** `.claude/commands/<ns>/<name>.md` → "ns" (nested dirs joined with ":"); null otherwise. */
  namespace: string | null;
  /** skill: `.claude/skills/<name>/SKILL.md`; command: under a `commands/` dir; file: anything else. */
  layout: 'skill' | 'command' | 'file';
}

/**
 * What command a .md path defines (paths with / or \\), or null for a file inside a skill
 * directory that is not its SKILL.md (reference docs, templates). A skill's `name:`
 * frontmatter key, when given, overrides its directory name.
 */
export function commandInfoFor(path: string, frontmatter: Record<string, unknown> = {}): CommandFileInfo | null {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  const file = parts[parts.length - 1] ?? '';
  const skills = parts.lastIndexOf('skills');
  if (skills !== -1 && skills < parts.length - 1) {
    if (!/^skill\.md$/i.test(file) || skills !== parts.length - 3) return null;
    const fmName = typeof frontmatter.name === 'string' && frontmatter.name.trim() ? frontmatter.name.trim() : null;
    return { name: fmName ?? parts[parts.length - 2]!, namespace: null, layout: 'skill' };
  }
  const name = file.replace(/\.md$/i, '');
  const commands = parts.lastIndexOf('commands');
  if (commands !== -1 && commands < parts.length - 1) {
    const ns = parts.slice(commands + 1, -1);
    return { name, namespace: ns.length ? ns.join(':') : null, layout: 'command' };
  }
  return { name, namespace: null, layout: 'file' };
}

/** The slash-command name a .md path defines (`.claude/skills/x/SKILL.md` → "x"); null when none. */
export function commandNameFor(path: string, frontmatter: Record<string, unknown> = {}): string | null {
  return commandInfoFor(path, frontmatter)?.name ?? null;
}

// ---------------------------------------------------------------------------------------------
// Frontmatter

interface Frontmatter {
  data: Record<string, unknown>;
  range: { line: number; endLine: number } | null;
}

function readFrontmatter(lines: string[], file: string, diagnostics: Diagnostic[]): Frontmatter {
  if (!/^---[ \t]*$/.test(lines[0] ?? '')) return { data: {}, range: null };
  let close = -1;
  for (let i = 1; i < lines.length; i++) {
    if (/^(---|\.\.\.)[ \t]*$/.test(lines[i]!)) {
      close = i;
      break;
    }
  }
  if (close === -1) {
    diagnostics.push(frontmatterUnclosed({ file, line: 1, col: 1, endLine: 1, endCol: 4 }));
    return { data: {}, range: null };
  }
  const range = { line: 1, endLine: close + 1 };
  const yamlLines = lines.slice(1, close);
  const doc = parseDocument(yamlLines.join('\n'), { prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0] ?? { line: 1, col: 1 };
    const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    diagnostics.push(frontmatterYamlError({ file, line: at.line + 1, col: at.col }, message));
    return { data: lenientFrontmatter(yamlLines), range };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    diagnostics.push(frontmatterYamlError({ file, line: 2, col: 1 }, e instanceof Error ? e.message : String(e)));
    return { data: lenientFrontmatter(yamlLines), range };
  }
  if (value === null || value === undefined) return { data: {}, range };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : `the ${typeof value} ${JSON.stringify(value)}`;
    diagnostics.push(frontmatterNotMapping({ file, line: 2, col: 1 }, found));
    return { data: {}, range };
  }
  return { data: value as Record<string, unknown>, range };
}

/**
 * Top-level `key: value` lines read as plain strings (surrounding quotes removed): how a file
 * whose frontmatter is not strict YAML (e.g. `argument-hint: [pr] [priority]`) still reads.
 */
function lenientFrontmatter(yamlLines: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of yamlLines) {
    const m = /^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$/.exec(line);
    if (!m) continue;
    let v = (m[2] ?? '').trim();
    if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) v = v.slice(1, -1);
    out[m[1]!] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fences

interface MdNode {
  type: string;
  value?: string;
  lang?: string | null;
  meta?: string | null;
  children?: MdNode[];
  position?: { start: { line: number; column: number }; end: { line: number; column: number } };
}

function plainText(node: MdNode): string {
  if (typeof node.value === 'string' && node.type !== 'html') return node.value;
  return (node.children ?? []).map(plainText).join('');
}

/** A fenced code node read back from the source lines; null for indented (unfenced) code. */
function readFence(node: MdNode, lines: string[], file: string, diagnostics: Diagnostic[]): Fence | null {
  const start = node.position!.start;
  const end = node.position!.end;
  const opening = (lines[start.line - 1] ?? '').slice(start.column - 1);
  const m = /^(`{3,}|~{3,})(.*)$/.exec(opening);
  if (!m) return null;
  const marker = m[1]!;
  const info = m[2]!.trim();
  const lang = /^[^\s{]+/.exec(info)?.[0] ?? null;

  const closingLine = end.line > start.line ? (lines[end.line - 1] ?? '').slice(0, end.column - 1) : '';
  const close = /(`{3,}|~{3,})[ \t]*$/.exec(closingLine.replace(/^[ \t>]*/, ''));
  const closed =
    end.line > start.line && !!close && close[1]![0] === marker[0] && close[1]!.length >= marker.length && /^[ \t>]*(`{3,}|~{3,})[ \t]*$/.test(closingLine);
  if (!closed) {
    diagnostics.push(unclosedFence({ file, line: start.line, col: start.column, endLine: start.line, endCol: start.column + marker.length }, marker + (lang ?? '')));
  }

  const code = (node.value ?? '').replace(/\r\n?/g, '\n');
  const codeLines = code === '' && (closed ? end.line - start.line - 1 : end.line - start.line) <= 0 ? [] : code.split('\n');
  const indent = start.column - 1;
  const indents = codeLines.map((v, i) => lineIndent(lines[start.line + i] ?? '', v, indent));
  return {
    lang,
    info,
    code,
    line: start.line + 1,
    fenceLine: start.line,
    endLine: end.line,
    indent,
    indents: indents.length ? indents : [indent],
    closed,
  };
}

/** Columns between a code line as given (container indentation removed) and its source line. */
function lineIndent(source: string, code: string, fallback: number): number {
  if (source.endsWith(code)) return source.length - code.length;
  // Tabs in the indentation are expanded by CommonMark: align on the first non-blank text.
  const content = code.trimStart();
  if (content && source.endsWith(content)) return source.length - content.length - (code.length - content.length);
  return fallback;
}

// ---------------------------------------------------------------------------------------------
// Agent steps

function agentStep(lines: string[], from: number, to: number, fences: Fence[], examples: readonly Fence[] = []): AgentStep | null {
  let a = from;
  let b = to;
  while (a <= b && isBlank(lines[a - 1])) a++;
  while (b >= a && isBlank(lines[b - 1])) b--;
  if (a > b) return null;
  const slice = lines.slice(a - 1, b);
  const inExample = (line: number) => examples.some((e) => line >= e.fenceLine && line <= e.endLine);
  const onlyHeadings = slice.every(
    (l, i) => isBlank(l) || /^ {0,3}#{1,6}(\s|$)/.test(l) || /^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$/.test(l) || inExample(a + i),
  );
  return { kind: 'agent', text: slice.join('\n'), line: a, endLine: b, onlyHeadings, fences };
}

function isBlank(line: string | undefined): boolean {
  return line === undefined || /^[ \t]*$/.test(line);
}

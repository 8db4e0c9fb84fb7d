/**
 * Model-filled placeholders in bash blocks: `YOUR_…_HERE` tokens, `<branch-name>` tokens (which
 * often make a block unparseable) and `{{name}}` templates. Each occurrence is found in the
 * block text (no parse needed), its quoting context read by a small bash quote scanner, the
 * prose instruction that mentions it located, and a binding chosen: the command's arguments
 * (the instruction speaks of the user's description/input/arguments, or the `argument-hint`
 * names it) or a `--set NAME=value` option; with no instruction it is unbound and diagnosed.
 * `rewritePlaceholders` replaces each occurrence by a reserved variable reference and
 * re-parses, positions kept in the .md. `detectTemplateBlock` reports blocks that are prose or
 * templates for the model rather than bash. See compiler/arguments.ts for the mapping table.
 */
import type * as A from './ast.js';
import { ARGUMENTS_VAR, ARGV_VAR, SET_VAR_PREFIX } from './arguments.js';
import { blockIsTemplate, proseInBlock, unboundPlaceholder, type Diagnostic } from './diagnostics.js';
import { BlockOffsets, parseEdited, type Edit } from './edits.js';
import type { BashBlock, CommandMarkdown } from './markdown.js';

export type PlaceholderStyle = 'your-here' | 'angle' | 'mustache';

/** Quoting context of a position in bash text, read without parsing. */
export type TextContext = 'unquoted' | 'double' | 'single' | 'heredoc' | 'heredoc-quoted' | 'comment';

export interface Placeholder {
  /** Normalised name, e.g. BRANCH_NAME (the `--set` key). */
  name: string;
  /** As written, e.g. "<branch-name>". */
  token: string;
  style: PlaceholderStyle;
  /** Index of the bash block (BashBlock.index). */
  block: number;
  /** Char offsets in the block's code. */
  start: number;
  end: number;
  /** 1-based .md position and end (exclusive). */
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  quoting: Exclude<TextContext, 'comment'>;
  /** The sentence of prose (or block comment) that says what to put there; null when none. */
  instruction: string | null;
  instructionLine: number | null;
  /** How the compiled command gets its value; absent when unbound (then only `--set` gives one). */
  bound?: 'arguments' | 'set';
  /** Bound to the i-th argument (from the argument-hint); absent for the whole argument string. */
  argIndex?: number;
  /** The runtime variable the occurrence becomes, e.g. "CMDC_SET_BRANCH_NAME" or "CMDC_ARGV[1]". */
  variable: string;
}

export interface PlaceholderAnalysis {
  placeholders: Placeholder[];
  diagnostics: Diagnostic[];
}

/** `<branch-name>` → BRANCH_NAME, `YOUR_WORKFLOW_DESCRIPTION_HERE` → WORKFLOW_DESCRIPTION. */
export function placeholderName(token: string): string {
  let t = token.replace(/^\{\{\s*|\s*\}\}$/g, '').replace(/^<|>$/g, '');
  if (/^YOUR_/.test(t) || /_HERE$/.test(t)) t = t.replace(/^YOUR_/, '').replace(/_HERE$/, '');
  const name = t
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return name === '' || name === 'HERE' || name === 'YOUR' ? 'VALUE' : /^\d/.test(name) ? `_${name}` : name;
}

const TOKEN =
  /\{\{\s*[A-Za-z_][\w.-]*\s*\}\}|<[A-Za-z][\w-]*(?:[ .][A-Za-z0-9][\w-]*){0,5}>|\b(?:YOUR_[A-Z0-9_]*[A-Z0-9]|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_HERE)\b/g;

/** Instructions that tie a placeholder to what the user typed after the command. */
const ARGUMENT_RULE =
  /\$ARGUMENTS|\barguments?\b|\b(?:from|by|of)\s+the\s+user\b|\bthe\s+user\s+(?:provided|gave|typed|entered|specified|supplied|passed|asked\s+for|wants)\b|\buser[-\s](?:provided|supplied|given|specified)\b|\buser'?s?\s+(?:own\s+|original\s+|full\s+)?(?:description|input|request|query|prompt|text|message|task|feature|topic|question)|\b(?:description|input|text|request)\s+(?:provided|given|passed|supplied|entered)|\b(?:provided|given|passed|supplied|typed)\s+by\s+the\s+user|\bwhat the user\s+(?:typed|provided|asked|wrote|entered|gave)|\bcommand\s+input\b/i;

/** A sentence that asks the model to put a value in place of a token. */
const FILL_RULE = /\b(?:replac|substitut|fill|insert|put|enter|typ|writ|swap|chang|set|provid|pass|give|supply|specif|use)\w*\b|\bwith\s+(?:the|your|a|an)\b|\bis\s+(?:the|your|a|an)\b|=|:\s*$/i;

/** Find and bind every placeholder of a command file's bash blocks. */
export function findPlaceholders(md: Pick<CommandMarkdown, 'steps' | 'frontmatter'>, file: string): PlaceholderAnalysis {
  const placeholders: Placeholder[] = [];
  const diagnostics: Diagnostic[] = [];
  const prose = proseLines(md);
  const hint = hintWords(md.frontmatter['argument-hint']);

  for (const step of md.steps) {
    if (step.kind !== 'bash') continue;
    const offsets = new BlockOffsets(step);
    const ctx = scanContexts(step.code);
    const comments: ProseLine[] = [];
    let lineStart = 0;
    step.code.split('\n').forEach((text, i) => {
      const hash = text.indexOf('#');
      if (hash !== -1 && ctx[lineStart + hash] === 'comment') comments.push({ text: text.slice(hash + 1), line: step.line + i });
      lineStart += text.length + 1;
    });
    for (const m of step.code.matchAll(TOKEN)) {
      const token = m[0];
      const start = m.index;
      const end = start + token.length;
      const quoting = ctx[start] ?? 'unquoted';
      if (quoting === 'comment') continue;
      const before = step.code.slice(Math.max(0, start - 2), start);
      const style: PlaceholderStyle = token.startsWith('{{') ? 'mustache' : token.startsWith('<') ? 'angle' : 'your-here';
      if (style === 'your-here' && /\$\{?$/.test(before)) continue; // a variable named YOUR_X
      if (style === 'angle' && (before.endsWith('<') || /^<(?:EOF|EOT|END)>$/i.test(token))) continue;
      const name = placeholderName(token);
      const found = instructionFor(token, step.line, prose, comments);
      const hinted = hint.findIndex((h) => sameWords(h, name));
      // `<x>` in quotes or heredoc text is usually literal text (usage lines, HTML): only a
      // placeholder when the prose tells the model to put something there (a sentence that
      // merely shows the token, "Return REPORT_CREATED: <path> when done.", does not).
      if (style === 'angle' && quoting !== 'unquoted' && !(found && FILL_RULE.test(found.text))) continue;
      const s = offsets.pos(start);
      const e = offsets.pos(end);
      const p: Placeholder = {
        name,
        token,
        style,
        block: step.index,
        start,
        end,
        line: s.line,
        col: s.col,
        endLine: e.line,
        endCol: e.col,
        quoting,
        instruction: found?.text ?? null,
        instructionLine: found?.line ?? null,
        variable: `${SET_VAR_PREFIX}${name}`,
      };
      if (hinted !== -1) {
        p.bound = 'arguments';
        if (hint.length > 1) p.argIndex = hinted;
      } else if (found && ARGUMENT_RULE.test(found.text)) {
        p.bound = 'arguments';
      } else if (found) {
        p.bound = 'set';
      }
      if (p.bound === 'arguments') p.variable = p.argIndex === undefined ? ARGUMENTS_VAR : `${ARGV_VAR}[${p.argIndex}]`;
      if (!p.bound) diagnostics.push(unboundPlaceholder({ file, line: s.line, col: s.col, endLine: e.line, endCol: e.col }, token, name));
      placeholders.push(p);
    }
  }
  return { placeholders, diagnostics };
}

/** The edits that replace a block's placeholder occurrences by variable references. */
export function placeholderEdits(block: Pick<BashBlock, 'code' | 'index'>, placeholders: readonly Placeholder[]): Edit[] {
  const mine = placeholders.filter((p) => p.block === block.index).sort((a, b) => a.start - b.start);
  const edits: Edit[] = [];
  const heredocs = new Map<Heredoc, Placeholder[]>();
  const docs = scanHeredocs(block.code);
  for (const p of mine) {
    const ref = p.argIndex !== undefined ? `\${${ARGV_VAR}[${p.argIndex}]-}` : `\${${p.variable}}`;
    switch (p.quoting) {
      case 'unquoted':
        edits.push({ start: p.start, end: p.end, text: `"${ref}"` });
        break;
      case 'double':
      case 'heredoc':
        edits.push({ start: p.start, end: p.end, text: ref });
        break;
      case 'single':
        edits.push({ start: p.start, end: p.end, text: `'"${ref}"'` });
        break;
      case 'heredoc-quoted': {
        const doc = docs.find((d) => d.bodyStart <= p.start && p.end <= d.bodyEnd);
        if (doc) heredocs.set(doc, [...(heredocs.get(doc) ?? []), p]);
        break;
      }
    }
  }
  for (const [doc, list] of heredocs) {
    if (!/^[A-Za-z0-9_.+-]+$/.test(doc.delim)) continue;
    edits.push({ start: doc.delimStart, end: doc.delimEnd, text: doc.delim });
    let body = '';
    let at = doc.bodyStart;
    for (const p of list) {
      const ref = p.argIndex !== undefined ? `\${${ARGV_VAR}[${p.argIndex}]-}` : `\${${p.variable}}`;
      body += block.code.slice(at, p.start).replace(/[\\$`]/g, '\\$&') + ref;
      at = p.end;
    }
    body += block.code.slice(at, doc.bodyEnd).replace(/[\\$`]/g, '\\$&');
    edits.push({ start: doc.bodyStart, end: doc.bodyEnd, text: body });
  }
  return edits;
}

export interface PlaceholderRewrite {
  /** The block text with placeholders replaced. */
  code: string;
  /** Its AST (positions in the original .md), absent when it still does not parse. */
  ast?: A.File;
  /** The edits (in the original block text), to pass on to rewriteArgumentRefs. */
  edits: Edit[];
  diagnostics: Diagnostic[];
}

/**
 * Replace a block's placeholders by variable references and parse the result (a block that did
 * not parse because of `<branch-name>` parses now). With no placeholders it is a plain parse.
 */
export function rewritePlaceholders(block: BashBlock, placeholders: readonly Placeholder[], file: string): PlaceholderRewrite {
  const edits = placeholderEdits(block, placeholders);
  const parsed = parseEdited(block, edits, file);
  const out: PlaceholderRewrite = { code: parsed.code, edits, diagnostics: parsed.diagnostics };
  if (parsed.ast) out.ast = parsed.ast;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Blocks that are prose or templates

/** A line that reads as an English sentence or a markdown list item, not as bash. */
const PROSE_LINE = /^(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*)?[A-Z][a-z]+(?:\*\*)?(?:[ ,]+(?:[A-Za-z][\w'’-]*|`[^`]*`)[,;:]?){3,}[ ]*[.:!?]?$/;
const TEMPLATE_MARK = /\{\{\s*[A-Za-z_][\w.-]*\s*\}\}|^\s*(?:\.\.\.|…)\s*$|\[[A-Z][A-Z _-]{2,}\]|<[a-z][\w-]*(?: [\w-]+)+>/gm;
const BLANK = /\[[A-Z][A-Z0-9_-]*(?: [A-Z0-9_-]+)+\]/g;
const BULLET = /^\s*(?:[-*+]|\d+[.)])\s+\S/;

/**
 * Whether a bash block is really prose or a template for the model to fill in: a located
 * `block-is-template` diagnostic naming the block, or `prose-in-block` warnings for single prose
 * lines in a block that is otherwise bash. `parsed` is the parse of the block after
 * placeholder rewriting (its ast absent when it does not parse).
 */
export function detectTemplateBlock(block: BashBlock, file: string, parsed: { ast?: A.File }): Diagnostic[] {
  const lines = block.code.split('\n');
  const offsets = new BlockOffsets(block);
  const ctx = scanContexts(block.code);
  let at = 0;
  const code: { text: string; start: number; prose: boolean; bullet: boolean }[] = [];
  for (const text of lines) {
    const start = at;
    at += text.length + 1;
    const trimmed = text.trim();
    const first = start + (text.length - text.trimStart().length);
    if (!trimmed || trimmed.startsWith('#') || ctx[first] !== 'unquoted') continue;
    code.push({ text: trimmed, start: first, prose: PROSE_LINE.test(trimmed) && !/[$=|&;<>(){}"]/.test(trimmed), bullet: BULLET.test(trimmed) });
  }
  if (code.length === 0) return [];
  const label = `bash block ${block.index + 1}${block.heading ? ` ("${block.heading}")` : ''}`;
  const locate = (start: number, len: number) => {
    const s = offsets.pos(start);
    const e = offsets.pos(start + len);
    return { file, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
  };
  const proseLines = code.filter((l) => l.prose || l.bullet);
  // A `[NOT STARTED]` in a quoted string is data (isDataBlank), also in a block that does not
  // parse for some other reason: that block runs as an island and bash reports its syntax error.
  const mark = [...block.code.matchAll(TEMPLATE_MARK)].find((m) => !(m[0].startsWith('[') && isDataBlank(block.code, ctx, m)));
  // `[SEVERITY LEVEL]`-style blanks are a template even in a block that parses (heredoc text).
  const blank = [...block.code.matchAll(BLANK)].find((m) => ctx[m.index] !== 'comment' && !isDataBlank(block.code, ctx, m));
  if (blank) {
    return [blockIsTemplate(locate(blank.index, blank[0].length), 'template', label, `"${blank[0]}" is a blank for the model to fill`)];
  }
  const mostlyProse = proseLines.length * 2 > code.length;
  if (!parsed.ast || mostlyProse) {
    if (mark && (!parsed.ast || !mostlyProse)) {
      return [blockIsTemplate(locate(mark.index, mark[0].length), 'template', label, `"${mark[0].trim()}" is a blank for the model to fill`)];
    }
    const first = proseLines[0];
    if (first) return [blockIsTemplate(locate(first.start, first.text.length), 'prose', label, `"${clip(first.text)}" is an instruction, not a command`)];
    return [];
  }
  return proseLines.filter((l) => l.prose).map((l) => proseInBlock(locate(l.start, l.text.length), `"${clip(l.text)}"`));
}

/** Words of status markers that plans and reports carry as text: `[NOT STARTED]`, `[IN PROGRESS]`. */
const STATUS_WORDS = new Set(
  'NOT STARTED IN PROGRESS COMPLETE COMPLETED DONE BLOCKED SKIPPED PARTIAL PENDING FAILED FAIL PASS PASSED DEFERRED PLANNED RESEARCHED RESEARCHING IMPLEMENTING IMPLEMENTED ABANDONED REVISED TODO WIP OK ERROR WARN WARNING INFO DEBUG FIX RESOLVED OPEN CLOSED NEEDS REVIEW REVIEWED SUPERSEDED READY'.split(' '),
);

/**
 * Whether a `[UPPER CASE]` text in a block is data rather than a blank for the model:
 * inside a quoted string (`echo "adding [NOT STARTED] markers"`) it is a value the block handles;
 * in heredoc text it is data when it is a status marker (`### Phase 1 [NOT STARTED]`) or when the
 * block also uses the same text outside the heredoc (a grep/sed pattern, a string); a
 * `Severity: [SEVERITY LEVEL]` line in a heredoc stays a blank.
 */
function isDataBlank(code: string, ctx: readonly TextContext[], m: RegExpMatchArray): boolean {
  const where = ctx[m.index!];
  if (where === 'single' || where === 'double') return true;
  if (where !== 'heredoc' && where !== 'heredoc-quoted') return false;
  const words = m[0].slice(1, -1).split(/[ _-]+/).filter(Boolean);
  if (words.every((w) => STATUS_WORDS.has(w))) return true;
  // the same text elsewhere, also as a pattern (`grep '\[NOT STARTED\]'`)
  const inner = m[0].slice(1, -1).replace(/[-]/g, '\\-');
  for (const other of code.matchAll(new RegExp(`\\\\?\\[${inner}\\\\?\\]`, 'g'))) {
    const c = ctx[other.index!];
    if (c === 'single' || c === 'double') return true;
  }
  return false;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

// ---------------------------------------------------------------------------------------------
// Prose instructions

interface ProseLine {
  text: string;
  line: number;
}

function proseLines(md: Pick<CommandMarkdown, 'steps'>): ProseLine[] {
  const out: ProseLine[] = [];
  for (const s of md.steps) {
    if (s.kind !== 'agent') continue;
    s.text.split('\n').forEach((text, i) => out.push({ text, line: s.line + i }));
  }
  return out;
}

/** The mention nearest before the block (else the first after it, else a comment in the block). */
function instructionFor(token: string, blockLine: number, prose: ProseLine[], comments: ProseLine[]): ProseLine | null {
  const hits = prose.filter((l) => l.text.includes(token));
  const before = hits.filter((l) => l.line < blockLine);
  const pick = before[before.length - 1] ?? hits[0] ?? comments.find((l) => l.text.includes(token));
  if (!pick) return null;
  return { text: sentence(pick.text, token), line: pick.line };
}

/** The sentence of a line that contains the token, markdown decoration removed. */
function sentence(line: string, token: string): string {
  const parts = line.split(/(?<=[.!?])\s+(?=[A-Z`*])/);
  const s = parts.find((p) => p.includes(token)) ?? line;
  return s
    .replace(/\*\*|__/g, '')
    .replace(/^\s*(?:#+|[-*+]|\d+[.)]|>)\s*/, '')
    .trim();
}

/** Words that say nothing about what a value is. */
const FILLER = new Set(['WITH', 'AND', 'OR', 'THE', 'A', 'AN', 'OF', 'TO', 'FOR', 'IN', 'OPTIONAL', 'YOUR', 'HERE', 'VALUE']);

/**
 * Whether an argument-hint item and a placeholder name speak of the same thing: equal, or the
 * words of one (filler words aside) all among the other's (`<revision-description-with-plan-path>`
 * and YOUR_REVISION_DESCRIPTION_HERE).
 */
function sameWords(hintItem: string, name: string): boolean {
  const h = placeholderName(`<${hintItem}>`);
  if (hintItem === name || h === name) return true;
  const words = (x: string) => x.split('_').filter((w) => w !== '' && !FILLER.has(w));
  const a = words(h);
  const b = words(name);
  if (!a.length || !b.length) return false;
  const within = (x: string[], y: string[]) => x.every((w) => y.includes(w));
  return within(b, a) || within(a, b);
}

function hintWords(hint: unknown): string[] {
  if (typeof hint !== 'string' && !Array.isArray(hint)) return [];
  const text = Array.isArray(hint) ? hint.map(String).join(' ') : hint;
  return [...text.matchAll(/<([^<>]+)>|\[([^[\]]+)\]|(\S+)/g)]
    .map((m) => (m[1] ?? m[2] ?? m[3] ?? '').trim())
    .filter((w) => w !== '' && !w.startsWith('-') && !w.startsWith('|'));
}

// ---------------------------------------------------------------------------------------------
// A small bash quote scanner (works on text that does not parse)

interface Heredoc {
  /** The delimiter word as written (quotes included), and its char range. */
  delimStart: number;
  delimEnd: number;
  /** The delimiter unquoted. */
  delim: string;
  quoted: boolean;
  dash: boolean;
  bodyStart: number;
  /** End of the body (start of the delimiter line). */
  bodyEnd: number;
}

function scanHeredocs(text: string): Heredoc[] {
  const out: Heredoc[] = [];
  scan(text, out);
  return out;
}

/** The quoting context of every char of a bash text. */
export function scanContexts(text: string): TextContext[] {
  return scan(text, []);
}

function scan(text: string, heredocs: Heredoc[]): TextContext[] {
  const ctx: TextContext[] = new Array(text.length).fill('unquoted');
  // Stack of open constructs: '"' double quotes, '`' backquotes, ')' a $( or ( group.
  const stack: string[] = [];
  const pending: Omit<Heredoc, 'bodyStart' | 'bodyEnd'>[] = [];
  const inDouble = () => stack[stack.length - 1] === '"';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (inDouble()) {
      ctx[i] = 'double';
      if (c === '\\') {
        if (i + 1 < text.length) ctx[i + 1] = 'double';
        i += 2;
        continue;
      }
      if (c === '"') stack.pop();
      else if (c === '$' && text[i + 1] === '(') {
        stack.push(')');
        ctx[i + 1] = 'double';
        i++;
      } else if (c === '`') stack.push('`');
      i++;
      continue;
    }
    // unquoted (top level, inside $( ), or inside backquotes)
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const stop = close === -1 ? text.length - 1 : close;
      for (let k = i; k <= stop; k++) ctx[k] = 'single';
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      ctx[i] = 'double';
      stack.push('"');
      i++;
      continue;
    }
    if (c === '`') {
      if (stack[stack.length - 1] === '`') stack.pop();
      else stack.push('`');
      i++;
      continue;
    }
    if (c === '(') {
      stack.push(')');
      i++;
      continue;
    }
    if (c === ')' && stack[stack.length - 1] === ')') {
      stack.pop();
      i++;
      continue;
    }
    if (c === '#' && (i === 0 || /[\s;&|()]/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      const stop = nl === -1 ? text.length : nl;
      for (let k = i; k < stop; k++) ctx[k] = 'comment';
      i = stop;
      continue;
    }
    if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      const m = /^<<(-?)[ \t]*((?:'[^'\n]*'|"[^"\n]*"|\\?[A-Za-z0-9_.+-])+)/.exec(text.slice(i));
      if (m) {
        const word = m[2]!;
        const delimStart = i + m[0].length - word.length;
        pending.push({
          delimStart,
          delimEnd: i + m[0].length,
          delim: word.replace(/['"\\]/g, ''),
          quoted: /['"\\]/.test(word),
          dash: m[1] === '-',
        });
        i += m[0].length;
        continue;
      }
      i += 2;
      continue;
    }
    if (c === '\n' && pending.length) {
      // Heredoc bodies start on the next line, one after the other.
      let at = i + 1;
      for (const h of pending) {
        const bodyStart = at;
        let bodyEnd = text.length;
        let next = text.length;
        while (at < text.length) {
          const nl = text.indexOf('\n', at);
          const lineEnd = nl === -1 ? text.length : nl;
          const line = text.slice(at, lineEnd);
          if ((h.dash ? line.replace(/^\t+/, '') : line) === h.delim) {
            bodyEnd = at;
            next = nl === -1 ? text.length : nl + 1;
            break;
          }
          at = nl === -1 ? text.length : nl + 1;
        }
        for (let k = bodyStart; k < bodyEnd; k++) ctx[k] = h.quoted ? 'heredoc-quoted' : 'heredoc';
        heredocs.push({ ...h, bodyStart, bodyEnd });
        at = next;
      }
      pending.length = 0;
      // Expansions inside unquoted heredoc bodies are not tracked further (the body is text).
      i = Math.max(at, i + 1);
      continue;
    }
    i++;
  }
  return ctx;
}

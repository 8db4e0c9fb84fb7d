/**
 * Emit: builds the text of `generated/<name>.ts` with ts-morph from the translated blocks of one
 * command file. The module has a fixed header, one import from the runtime, an exported `State`
 * interface (the keys the command persists), one exported async function per bash block (named
 * after its heading, doc comment with the heading and `file.md:L-M`) and an exported `command`
 * object (name, source, frontmatter, steps in order) that `runtime/runner/run.ts` runs.
 *
 * Output is deterministic: it depends only on the input (no time, no paths other than the ones
 * given, sorted imports and state keys).
 */
import { createHash } from 'node:crypto';
import { CodeBlockWriter } from 'ts-morph';
import { escapeText, unescapeLineComment } from './escape.js';
import { helpersUsed, layoutUserCode, splitImports } from './ts-blocks/code.js';
import type { AgentStep, BashStep, CommandModule, ExampleInfo, PlaceholderInfo, PreStep } from '../runtime/command.js';
import { STATE_KIND_TYPES, type StateKind } from '../runtime/lang/state-types.js';
import { sourceMap, sourceMapComment, type LineOrigin } from './ir/source-map.js';

/**
 * One bash block, already translated to TypeScript statements that use `sh`. The fields it shares
 * with the runtime's `BashStep` (runtime/command.ts) are the runtime's; emit adds the body and the
 * island flag, and takes the heading as found (null when none; the module gets '').
 */
export interface EmitBashStep extends Pick<BashStep, 'kind' | 'line' | 'endLine' | 'placeholders'> {
  heading: string | null;
  /** TS statements (the function body). */
  body: string;
  /** The .md line of each line of `body` (0: none, the block's first line). */
  lines?: number[];
  /** True when the whole block is a bash island. */
  island: boolean;
}

/** A ```` ```ts cmdc ```` block: the user's code, emitted as written (compiler/ts-blocks/). */
export interface EmitTsStep extends Pick<BashStep, 'line' | 'endLine'> {
  kind: 'ts';
  heading: string | null;
  /** The code as written (container indentation removed). */
  code: string;
}

/** Agent steps and `!` pre-commands are emitted exactly as the runtime reads them. */
export type EmitStep = EmitBashStep | EmitTsStep | AgentStep | PreStep;

/**
 * Where the code of a ts block landed in the module: its first line (1-based) and the columns
 * added to each of its lines; the .md line of its first line is the step's `line`.
 */
export interface TsCodeMap {
  /** Index of the ts block among the module's ts blocks. */
  block: number;
  /** .md line of the first code line. */
  mdLine: number;
  /** Index of that line among the block's code lines (after hoisted imports: their count). */
  row: number;
  /** Module line (1-based, header included) of the first code line. */
  genLine: number;
  /** Per code line: columns the module added in front of it. */
  added: number[];
}

export interface EmitInput {
  /** Command name (file name without .md). */
  name: string;
  /** The .md path as shown in the header and in source positions, e.g. `commands/implement.md`. */
  source: string;
  frontmatter: Record<string, unknown>;
  steps: EmitStep[];
  /** Names the bodies use from the runtime (values). */
  imports: string[];
  /** Module specifier of the runtime's public surface, e.g. `../runtime/index.js`. */
  runtimeSpecifier: string;
  /** Keys the command persists to its state file. */
  stateKeys: string[];
  /** Keys persisted as bash arrays (append_workflow_state_array, COMPLETED_STATES). */
  arrayStateKeys?: string[];
  /**
   * The kind of each key (state-flow analysis): its type in `State` (runtime/lang/state-types.ts
   * STATE_KIND_TYPES: integer → number, array → string[], json → Json) and, when not a string,
   * an entry of the module's `stateKinds` (how the runtime reads and writes the typed value).
   */
  stateKinds?: Record<string, StateKind>;
  /** True when some persisted keys are computed at run time (adds an index signature). */
  dynamicStateKeys: boolean;
  /** SHA-256 (hex) of the .md source; recorded in the second header line for `cmdc check`. */
  sourceHash: string;
  /**
   * The .md file relative to the module's directory and the module's own file name: with them
   * the module ends with an inline source map (compiler/ir/source-map.ts).
   */
  mapSources?: [md: string, self: string];
  /** Model-filled placeholders (one per variable), when any. */
  placeholders?: PlaceholderInfo[];
  /** Usage-example blocks (not steps), when any. */
  examples?: ExampleInfo[];
  /** How `$N` is numbered and the named arguments, when not the default (zero-based, none). */
  arguments?: CommandModule['arguments'];
  /** The execution profile blocks run under by default. */
  profile: NonNullable<CommandModule['profile']>;
  /** The file is a skill. */
  skill?: boolean;
  /** Libraries compiled with the command (compiler/libraries.ts); their word imports are in `imports`. */
  libraries?: EmitLibrary[];
}

/** A library compiled with the command: its file, content hash and compiled code. */
export interface EmitLibrary {
  file: string;
  sha256: string;
  code: { js: string; native: number; islands: number; syntaxError?: string[] };
}

export const HEADER_PREFIX = '// Code generated by cmdc from ';
const HASH_LINE_PREFIX = '// cmdc: source-sha256=';

/** Type-only names every generated module imports. */
const TYPE_IMPORTS = ['CommandModule', 'Shell'];

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await async arguments eval undefined ' +
    'command State sh'
  ).split(' '),
);

/**
 * A camelCase identifier from a heading: "Block 1a: Setup" -> "block1aSetup". At most six words;
 * falls back to `block<n>`; never a reserved word.
 */
export function identifierFromHeading(heading: string | null, index: number): string {
  const words = (heading ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .slice(0, 6)
    .map((w) => w.toLowerCase());
  let id = words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
  if (id === '') id = `block${index + 1}`;
  if (/^[0-9]/.test(id)) id = `block${id[0]!.toUpperCase()}${id.slice(1)}`;
  if (RESERVED.has(id)) id = `${id}Block`;
  return id;
}

/** Unique identifiers for the bash steps, in order (`name`, `name2`, `name3`...). */
export function blockNames(headings: (string | null)[], taken: Iterable<string> = []): string[] {
  const used = new Set<string>(taken);
  return headings.map((h, i) => {
    const base = identifierFromHeading(h, i);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}${n}`;
    used.add(name);
    return name;
  });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hex digest length recorded in headers (128 bits: plenty to tell versions apart). */
const HASH_LEN = 32;

/**
 * The header of a generated module: the DO-NOT-EDIT line, then a line recording the hash of
 * the .md source and of the rest of the module (so `cmdc check` can tell a stale file from a
 * hand-edited one).
 */
export function headerOf(source: string, sourceHash: string, body: string): string {
  return (
    `${HEADER_PREFIX}${escapeText(source, 'line-comment')}. DO NOT EDIT.\n` +
    `${HASH_LINE_PREFIX}${sourceHash.slice(0, HASH_LEN)} output-sha256=${sha256(body).slice(0, HASH_LEN)}\n`
  );
}

export interface GeneratedHeader {
  source: string;
  sourceHash: string;
  outputHash: string;
  /** Everything after the header (what outputHash covers). */
  body: string;
}

/** What `cmdc check` reads back from a generated file; null when the header is missing. */
export function readHeader(code: string): GeneratedHeader | null {
  const m = /^\/\/ Code generated by cmdc from (.+)\. DO NOT EDIT\.\n\/\/ cmdc: source-sha256=([0-9a-f]+) output-sha256=([0-9a-f]+)\n/.exec(code);
  if (!m) return null;
  return { source: unescapeLineComment(m[1]!), sourceHash: m[2]!, outputHash: m[3]!, body: code.slice(m[0].length) };
}

/** True when `hash` (as recorded in a header) is the hash of `text`. */
export function hashMatches(hash: string, text: string): boolean {
  return hash.length === HASH_LEN && sha256(text).startsWith(hash);
}

/** A reusable emitter. */
export interface Emitter {
  emit(input: EmitInput): string;
}

/**
 * An emitter. The module is written with ts-morph's code writer (CodeBlockWriter: indentation,
 * blocks, JSDoc) rather than by manipulating a ts-morph AST: the structure is fixed and the
 * translated bodies come formatted, and building and re-formatting an AST cost ~50 ms a file,
 * which `cmdc watch` (target: a recompile in under 300 ms) cannot afford.
 */
export function createEmitter(): Emitter {
  return { emit: emitModule };
}

/** Build the module text for one command; `maps` (when given) receives where each ts block's code landed. */
export function emitModule(input: EmitInput, maps?: TsCodeMap[]): string {
  const w = new CodeBlockWriter({ indentNumberOfSpaces: 2, newLine: '\n', useSingleQuote: true });
  const bash = input.steps.filter((s): s is EmitBashStep | EmitTsStep => s.kind === 'bash' || s.kind === 'ts');
  const tsCode: { marker: string; text: string; added: number[]; mdLine: number; row: number; block: number }[] = [];
  // a ts block's leading imports are the module's (they cannot be in a function)
  const tsImports = bash.flatMap((b, i) => {
    if (b.kind !== 'ts') return [];
    const { imports } = splitImports(b.code);
    return imports ? [{ block: bash.slice(0, i).filter((x) => x.kind === 'ts').length, imports, mdLine: b.line }] : [];
  });
  const libs = input.libraries ?? [];
  const libNames = libs.map((_, i) => `library${i + 1}`);
  const names = blockNames(
    bash.map((b) => b.heading),
    [...input.imports, ...(bash.some((b) => b.kind === 'ts') ? ['exit', 'tsBlock', 'tsScope', ...bash.flatMap((b) => (b.kind === 'ts' ? helpersUsed(b.code) : []))] : []), ...libNames],
  );

  const kinds: Record<string, StateKind> = { ...(input.stateKinds ?? {}) };
  for (const k of input.arrayStateKeys ?? []) kinds[k] = 'array';
  const keys = [...new Set([...input.stateKeys, ...Object.keys(kinds)])].sort();
  const kindOf = (k: string): StateKind => kinds[k] ?? 'string';
  const typed = keys.filter((k) => kindOf(k) !== 'string');
  const types = keys.some((k) => kindOf(k) === 'json') ? [...TYPE_IMPORTS, 'Json'].sort() : TYPE_IMPORTS;
  const values = [...new Set(input.imports)].filter((n) => !types.includes(n)).sort();
  if (bash.some((b) => b.kind === 'ts')) {
    const helpers = bash.flatMap((b) => (b.kind === 'ts' ? helpersUsed(b.code) : []));
    values.push(...[...new Set(['exit', 'tsBlock', 'tsScope', ...helpers])].filter((n) => !values.includes(n)));
  }
  values.sort();
  const specifiers = [...types.map((n) => `type ${n}`), ...values];
  const oneLine = `import { ${specifiers.join(', ')} } from ${lit(input.runtimeSpecifier)};`;
  if (oneLine.length <= 120) w.writeLine(oneLine);
  else {
    w.write('import {').newLine();
    w.indent(() => specifiers.forEach((s) => w.writeLine(`${s},`)));
    w.writeLine(`} from ${lit(input.runtimeSpecifier)};`);
  }
  for (const t of tsImports) {
    const marker = `__cmdc_ts_imports_${t.block}__`;
    tsCode.push({ marker, text: t.imports, added: t.imports.split('\n').map(() => 0), mdLine: t.mdLine, row: 0, block: t.block });
    w.writeLine(marker);
  }
  w.blankLine();

  doc(
    w,
    keys.length || input.dynamicStateKeys
      ? `The values /${input.name} persists in its state file (append_workflow_state and friends).`
      : `/${input.name} persists no values of its own.`,
  );
  w.write('export interface State').block(() => {
    if (input.dynamicStateKeys) {
      doc(w, 'Keys computed at run time.');
      const types = [...new Set(['string', ...keys.map((k) => STATE_KIND_TYPES[kindOf(k)])])];
      w.writeLine(`[key: string]: ${types.join(' | ')} | undefined;`);
    }
    for (const k of keys) w.writeLine(`${k}?: ${STATE_KIND_TYPES[kindOf(k)]};`);
  });
  w.blankLine();

  bash.forEach((b, i) => {
    if (b.kind === 'ts') {
      doc(w, `${b.heading ?? `Block ${i + 1}`} (TypeScript)\n\n\`${input.source}:${b.line}-${b.endLine}\``);
      w.write(`export async function ${names[i]!}(sh: Shell): Promise<void>`).block(() => {
        w.writeLine('const { $, v, ts, wf } = await tsScope(sh, command);');
        w.writeLine(`// ${escapeText(`${input.source}:${b.line}`, 'line-comment')}: \`\`\`ts cmdc, as written`);
        const block = bash.slice(0, i).filter((x) => x.kind === 'ts').length;
        const marker = `__cmdc_ts_block_${block}__`;
        const split = splitImports(b.code);
        const laid = layoutUserCode(split.body.replace(/\s+$/, ''));
        tsCode.push({ marker, ...laid, mdLine: b.line + split.rows, row: split.rows, block });
        w.writeLine(marker);
      });
      w.blankLine();
      return;
    }
    doc(
      w,
      `${b.heading ?? `Block ${i + 1}`}\n\n\`${input.source}:${b.line}-${b.endLine}\`` +
        (b.island ? ' (bash island: runs in real bash)' : ''),
    );
    w.write(`export async function ${names[i]!}(sh: Shell): Promise<void>`).block(() => {
      const body = b.body.replace(/\s+$/, '');
      if (body.trim() !== '') for (const line of body.split('\n')) line === '' ? w.newLine() : w.writeLine(line);
    });
    w.blankLine();
  });

  libs.forEach((l, i) => {
    doc(
      w,
      `\`${l.file}\` (sha256 ${l.sha256.slice(0, 16)}…), compiled with the command: runs when a block sources a\n` +
        'file with exactly this content (otherwise the file is compiled when it is sourced).',
    );
    w.write(`async function ${libNames[i]!}(sh: Shell): Promise<void>`).block(() => {
      const body = l.code.js.replace(/\s+$/, '');
      if (body.trim() !== '') for (const line of body.split('\n')) line === '' ? w.newLine() : w.writeLine(line);
    });
    w.blankLine();
  });

  doc(w, `/${input.name}: metadata and steps, in source order, for \`run()\` in runtime/runner/run.ts.`);
  w.write('export const command: CommandModule<State> = ').inlineBlock(() => {
    w.writeLine(`name: ${lit(input.name)},`);
    w.writeLine(`source: ${lit(input.source)},`);
    w.write('frontmatter: ');
    writeLiteral(w, input.frontmatter);
    w.write(',').newLine();
    w.writeLine(`profile: ${lit(input.profile)},`);
    if (typed.length) w.writeLine(`stateKinds: { ${typed.map((k) => `${k}: ${lit(kindOf(k))}`).join(', ')} },`);
    if (input.skill) w.writeLine('skill: true,');
    if (input.arguments) {
      w.write('arguments: ');
      writeLiteral(w, input.arguments);
      w.write(',').newLine();
    }
    if (input.placeholders?.length) {
      w.write('placeholders: ');
      writeLiteral(w, input.placeholders);
      w.write(',').newLine();
    }
    if (input.examples?.length) {
      w.write('examples: ');
      writeLiteral(w, input.examples);
      w.write(',').newLine();
    }
    if (libs.length) {
      w.write('libraries: [').newLine();
      w.indent(() =>
        libs.forEach((l, i) => {
          const err = l.code.syntaxError ? `, syntaxError: [${l.code.syntaxError.map(lit).join(', ')}]` : '';
          w.writeLine(
            `{ file: ${lit(l.file)}, sha256: ${lit(l.sha256)}, native: ${l.code.native}, islands: ${l.code.islands}${err}, run: ${libNames[i]!} },`,
          );
        }),
      );
      w.writeLine('],');
    }
    w.write('steps: [').newLine();
    let bashIndex = 0;
    w.indent(() => {
      for (const s of input.steps) {
        if (s.kind === 'ts') {
          const name = names[bashIndex++]!;
          w.writeLine(
            `{ kind: 'bash', lang: 'ts', name: ${lit(name)}, heading: ${lit(s.heading ?? '')}, line: ${s.line}, endLine: ${s.endLine}, ` +
              `run: tsBlock(${name}, { source: ${lit(input.source)}, line: ${s.line}, endLine: ${s.endLine} }) },`,
          );
        } else if (s.kind === 'bash') {
          const name = names[bashIndex++]!;
          const needs = s.placeholders?.length ? `, placeholders: [${s.placeholders.map(lit).join(', ')}]` : '';
          w.writeLine(
            `{ kind: 'bash', name: ${lit(name)}, heading: ${lit(s.heading ?? '')}, ` +
              `line: ${s.line}, endLine: ${s.endLine}${needs}, run: ${name} },`,
          );
        } else if (s.kind === 'pre') {
          w.writeLine(
            `{ kind: 'pre', line: ${s.line}, endLine: ${s.endLine}, agent: ${s.agent === null ? 'null' : s.agent}, ` +
              `start: ${s.start}, end: ${s.end}, variable: ${lit(s.variable)}, ${s.inBlock ? 'inBlock: true, ' : ''}${s.fence ? 'fence: true, ' : ''}` +
              `text: ${lit(s.text)}, command: ${lit(s.command)} },`,
          );
        } else {
          w.writeLine(`{ kind: 'agent', line: ${s.line}, endLine: ${s.endLine}, text: ${lit(s.text)} },`);
        }
      }
    });
    w.writeLine('],');
  });
  w.write(';').newLine();

  let body = '\n' + w.toString().replace(/\n*$/, '\n');
  const tsLines: { genLine: number; mdLine: number; count: number }[] = [];
  for (const c of tsCode) {
    // the code replaces its marker line whole: its own indentation is in `text`
    const pad = body.includes(`\n${c.marker}\n`) ? '' : '  ';
    const at = body.indexOf(`\n${pad}${c.marker}\n`);
    const genLine = body.slice(0, at + 1).split('\n').length + 2;
    body = body.slice(0, at + 1) + c.text + body.slice(at + 1 + pad.length + c.marker.length);
    maps?.push({ block: c.block, mdLine: c.mdLine, row: c.row, genLine, added: c.added });
    tsLines.push({ genLine, mdLine: c.mdLine, count: c.added.length });
  }
  if (input.mapSources) body += `${sourceMapComment(moduleMap(input, body, bash.map((b, i) => ({ name: names[i]!, step: b })), tsLines))}\n`;
  return headerOf(input.source, input.sourceHash, body) + body;
}

/**
 * The module's source map: each line of a bash block's function maps to the .md line its code
 * came from, a ts block's code lines to theirs, every other line to itself.
 */
function moduleMap(
  input: EmitInput,
  body: string,
  blocks: { name: string; step: EmitBashStep | EmitTsStep }[],
  tsLines: { genLine: number; mdLine: number; count: number }[],
): string {
  const header = headerOf(input.source, input.sourceHash, '').split('\n').length - 1;
  const bodyLines = body.split('\n');
  // body line k is module line header + k + 1
  const origins: LineOrigin[] = bodyLines.map((_, k) => ({ source: 1, line: header + k + 1 }));
  const head: LineOrigin[] = Array.from({ length: header }, (_, i) => ({ source: 1, line: i + 1 }));
  for (const { name, step } of blocks) {
    const k = bodyLines.indexOf(`export async function ${name}(sh: Shell): Promise<void> {`);
    if (k < 0) continue;
    origins[k] = { source: 0, line: step.line };
    if (step.kind !== 'bash') continue;
    const n = step.body.replace(/\s+$/, '').split('\n').length;
    for (let j = 0; j < n && k + 1 + j < origins.length; j++) origins[k + 1 + j] = { source: 0, line: step.lines?.[j] || step.line };
  }
  for (const t of tsLines) {
    for (let j = 0; j < t.count; j++) {
      const k = t.genLine - header - 1 + j;
      if (k >= 0 && k < origins.length) origins[k] = { source: 0, line: t.mdLine + j };
    }
  }
  return sourceMap(input.mapSources![1], input.mapSources!, [...head, ...origins]);
}

/** A JSDoc comment; `*\/` in the text is defused (escapeText). */
function doc(w: CodeBlockWriter, text: string): void {
  const lines = escapeText(text, 'block-comment').split('\n');
  if (lines.length === 1) {
    w.writeLine(`/** ${lines[0]} */`);
    return;
  }
  w.writeLine('/**');
  for (const l of lines) w.writeLine(l ? ` * ${l}` : ' *');
  w.writeLine(' */');
}

/** Write a JSON-like value as a TS literal; object keys keep their order. */
function writeLiteral(w: CodeBlockWriter, v: unknown): void {
  if (Array.isArray(v)) {
    const simple = v.every((x) => x === null || typeof x !== 'object');
    if (simple) {
      w.write(`[${v.map((x) => scalarLiteral(x)).join(', ')}]`);
      return;
    }
    w.write('[').newLine();
    w.indent(() => {
      for (const x of v) {
        writeLiteral(w, x);
        w.write(',').newLine();
      }
    });
    w.write(']');
    return;
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const entries = Object.entries(v as Record<string, unknown>);
    if (!entries.length) {
      w.write('{}');
      return;
    }
    w.write('{').newLine();
    w.indent(() => {
      for (const [k, x] of entries) {
        w.write(`${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : lit(k)}: `);
        writeLiteral(w, x);
        w.write(',').newLine();
      }
    });
    w.write('}');
    return;
  }
  w.write(scalarLiteral(v));
}

function scalarLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return lit(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return lit(v.toISOString());
  return lit(String(v));
}

/** A TS string literal (single quotes, JSON escapes): compiler/escape.ts. */
function lit(s: string): string {
  return escapeText(s, 'single-quoted');
}

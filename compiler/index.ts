/**
 * The compiler pipeline: `compile(files, opts)` takes command .md files through
 * markdown → parse (per bash block) → translate (or a bash island when a block does not parse)
 * → emit, and returns one result per file plus every diagnostic. It never throws on bad input:
 * an unexpected failure on one file becomes an `internal-error` diagnostic for that file.
 *
 * Writing is separate (`writeResults`): outputs are written atomically (temp + fsync + rename,
 * via write-file-atomic), and nothing is written when the compile has errors, so a failed
 * compile leaves the previous output intact.
 */
import { readFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep, posix } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { compareDiagnostics, type Diagnostic } from './diagnostics.js';
import { createEmitter, sha256, type Emitter, type EmitStep } from './emit.js';
import { parseCommandMarkdown } from './markdown.js';
import { parseBashBlock } from './parse.js';
import { createContext } from './context.js';
import { islandBlock, translateBlock } from './translate/index.js';

export interface CompileOptions {
  /** Output directory (absolute or relative to `root`). Default `generated`. */
  outDir?: string;
  /** A block that does not parse is an error (and nothing is written) instead of an island. */
  strict?: boolean;
  /** Project root: paths in headers and diagnostics are relative to it. Default cwd. */
  root?: string;
  /** Reuse an emitter (one ts-morph project) across compiles, e.g. in watch mode. */
  emitter?: Emitter;
  /** The runtime's public surface the modules import (default `<root>/runtime/index.ts`). */
  runtimeEntry?: string;
  /** Read a file (tests may inject); default fs.readFileSync utf8. */
  readFile?: (path: string) => string;
}

export interface FileStats {
  blocks: number;
  native: number;
  islands: number;
  diagnostics: number;
}

export interface FileResult {
  /** The .md path relative to root (posix separators). */
  file: string;
  /** Absolute path of the generated .ts. */
  outFile: string;
  /** The generated module, or null when the file could not be compiled at all. */
  code: string | null;
  /** The .md text (for code frames). */
  source: string;
  stats: FileStats;
  diagnostics: Diagnostic[];
}

export interface CompileResult {
  results: FileResult[];
  /** All diagnostics, sorted by file, line, col, id. */
  diagnostics: Diagnostic[];
  /** True when any diagnostic is an error (then `writeResults` writes nothing). */
  failed: boolean;
}

/** The runtime's public surface, relative to the project root. */
const RUNTIME_ENTRY = 'runtime/index.ts';

/** Compile command .md files. Never throws on bad input. */
export function compile(files: readonly string[], opts: CompileOptions = {}): CompileResult {
  const root = resolve(opts.root ?? process.cwd());
  const outDir = resolve(root, opts.outDir ?? 'generated');
  const emitter = opts.emitter ?? createEmitter();
  const read = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const results: FileResult[] = [];
  const seen = new Map<string, string>();

  for (const input of files) {
    const abs = resolve(root, input);
    const file = toPosix(relative(root, abs));
    const name = basename(abs).replace(/\.md$/i, '');
    const outFile = join(outDir, `${name}.ts`);
    const result: FileResult = {
      file,
      outFile,
      code: null,
      source: '',
      stats: { blocks: 0, native: 0, islands: 0, diagnostics: 0 },
      diagnostics: [],
    };
    results.push(result);

    const other = seen.get(outFile);
    if (other !== undefined) {
      result.diagnostics.push(
        diag('duplicate-output', 'error', file, 1, 1, `${file} and ${other} both compile to ${toPosix(relative(root, outFile))}`),
      );
      continue;
    }
    seen.set(outFile, file);

    try {
      result.source = read(abs);
    } catch (e) {
      result.diagnostics.push(diag('read-error', 'error', file, 1, 1, `cannot read ${file}: ${(e as Error).message}`));
      continue;
    }
    try {
      compileOne(result, name, {
        strict: opts.strict ?? false,
        emitter,
        runtimeSpecifier: runtimeSpecifier(outDir, resolve(root, opts.runtimeEntry ?? RUNTIME_ENTRY)),
      });
    } catch (e) {
      const err = e as Error;
      result.code = null;
      result.diagnostics.push(
        diag('internal-error', 'error', file, 1, 1, `the compiler failed on this file: ${err.message}`, err.stack?.split('\n')[1]?.trim()),
      );
    }
    result.diagnostics.sort(compareDiagnostics);
    result.stats.diagnostics = result.diagnostics.length;
  }

  const diagnostics = results.flatMap((r) => r.diagnostics).sort(compareDiagnostics);
  return { results, diagnostics, failed: diagnostics.some((d) => d.severity === 'error') };
}

function compileOne(
  result: FileResult,
  name: string,
  opts: { strict: boolean; emitter: Emitter; runtimeSpecifier: string },
): void {
  const { file, source } = result;
  const md = parseCommandMarkdown(source, file);
  result.diagnostics.push(...md.diagnostics);
  const ctx = createContext({ file, source, strict: opts.strict });
  const imports = new Set<string>();
  const steps: EmitStep[] = [];
  const stateKeys = new Set<string>();
  const arrayKeys = new Set<string>();
  let dynamic = false;

  for (const step of md.steps) {
    if (step.kind === 'agent') {
      // Section titles are not instructions, and prose before the first block is the command's
      // description (Claude reads it with the rest), not a step to pause on.
      if (step.onlyHeadings || result.stats.blocks === 0) continue;
      // The heading of the next block ends the prose: it is a title, not part of the request.
      const lines = step.text.split('\n');
      while (lines.length > 1 && /^(\s{0,3}#{1,6}(\s|$)|\s*$)/.test(lines[lines.length - 1]!)) lines.pop();
      const text = lines.join('\n');
      steps.push({ kind: 'agent', line: step.line, endLine: step.line + lines.length - 1, text });
      continue;
    }
    result.stats.blocks++;
    const parsed = parseBashBlock(step, file);
    let out: { body: string; imports: string[]; stats: { native: number; islands: number } };
    let island = false;
    if (parsed.ast) {
      out = translateBlock(parsed.ast, ctx);
    } else {
      const reason = parsed.diagnostics[0]?.message ?? 'the block does not parse';
      // Without --strict a block that does not parse still compiles (to an island): a warning.
      result.diagnostics.push(
        ...parsed.diagnostics.map((d) => (opts.strict || d.severity !== 'error' ? d : { ...d, severity: 'warning' as const })),
      );
      out = islandBlock(step.code, step.line, ctx, reason);
      island = true;
    }
    for (const n of out.imports) imports.add(n);
    if (out.stats.islands > 0 && out.stats.native === 0) island = true;
    result.stats.native += out.stats.native;
    result.stats.islands += out.stats.islands;
    const keys = persistedKeys(step.code);
    keys.scalars.forEach((k) => stateKeys.add(k));
    keys.arrays.forEach((k) => arrayKeys.add(k));
    dynamic ||= keys.dynamic;
    steps.push({
      kind: 'bash',
      heading: step.heading ?? null,
      line: step.line,
      endLine: step.endLine,
      body: out.body,
      island,
    });
  }
  result.diagnostics.push(...ctx.diagnostics);

  result.code = opts.emitter.emit({
    name,
    source: file,
    frontmatter: md.frontmatter ?? {},
    steps,
    imports: [...imports],
    runtimeSpecifier: opts.runtimeSpecifier,
    stateKeys: [...stateKeys],
    arrayStateKeys: [...arrayKeys],
    dynamicStateKeys: dynamic,
    sourceHash: sha256(source),
  });
}

/**
 * The keys a block persists, read from its text: `append_workflow_state KEY …`,
 * `append_workflow_state_array KEY …`, plus what init_workflow_state and sm_init write. A key
 * given as an expansion (`"$KEY"`) makes the set dynamic.
 */
export function persistedKeys(code: string): { scalars: string[]; arrays: string[]; dynamic: boolean } {
  const scalars = new Set<string>();
  const arrays = new Set<string>();
  let dynamic = false;
  const re = /(?:^|[\s;&|({!])(append_workflow_state(?:_array)?)[ \t]+(?:"([^"]*)"|'([^']*)'|([^\s;&|)]+))/gm;
  for (const m of code.matchAll(re)) {
    const key = m[2] ?? m[3] ?? m[4] ?? '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      dynamic = true;
      continue;
    }
    (m[1] === 'append_workflow_state_array' ? arrays : scalars).add(key);
  }
  if (/(?:^|[\s;&|({!$])init_workflow_state\b/m.test(code)) scalars.add('WORKFLOW_ID');
  if (/(?:^|[\s;&|({!])sm_init\b/m.test(code)) {
    for (const k of ['CURRENT_STATE', 'WORKFLOW_TYPE', 'TERMINAL_STATE']) scalars.add(k);
    arrays.add('COMPLETED_STATES');
  }
  for (const k of arrays) scalars.delete(k);
  return { scalars: [...scalars], arrays: [...arrays], dynamic };
}

/** `../runtime/index.js` as seen from outDir (posix, with ./ when needed). */
export function runtimeSpecifier(outDir: string, runtimeEntryTs: string): string {
  let rel = toPosix(relative(outDir, runtimeEntryTs)).replace(/\.ts$/, '.js');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

function toPosix(p: string): string {
  return p.split(sep).join(posix.sep);
}

function diag(
  id: string,
  severity: Diagnostic['severity'],
  file: string,
  line: number,
  col: number,
  message: string,
  hint?: string,
): Diagnostic {
  const d: Diagnostic = { id, severity, file, line, col, message };
  if (hint) d.hint = hint;
  return d;
}

export interface WriteReport {
  written: string[];
  unchanged: string[];
}

/**
 * Write the results' modules atomically. Writes nothing when `result.failed` (a failed compile
 * leaves the previous outputs intact); files whose bytes did not change are not rewritten.
 */
export async function writeResults(result: CompileResult): Promise<WriteReport> {
  const report: WriteReport = { written: [], unchanged: [] };
  if (result.failed) return report;
  for (const r of result.results) {
    if (r.code === null) continue;
    let current: string | null = null;
    try {
      current = readFileSync(r.outFile, 'utf8');
    } catch {
      current = null;
    }
    if (current === r.code) {
      report.unchanged.push(r.outFile);
      continue;
    }
    mkdirSync(dirname(r.outFile), { recursive: true });
    await writeFileAtomic(r.outFile, r.code, { fsync: true });
    report.written.push(r.outFile);
  }
  return report;
}

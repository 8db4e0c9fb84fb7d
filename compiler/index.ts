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
import {
  compareDiagnostics,
  duplicateOutput,
  internalError,
  invalidUtf8,
  notACommand,
  readError,
  usageExampleBlock,
  type Diagnostic,
  type Location,
} from './diagnostics.js';
import { firstInvalidByte } from './source-bytes.js';
import { createEmitter, emitModule, sha256, type Emitter, type EmitInput, type EmitStep, type TsCodeMap } from './emit.js';
import { appendedKeys } from './ts-blocks/code.js';
import { looksLikeTsStep } from './ts-blocks/fence.js';
import { typecheckTsBlocks, type TsModule, type TypecheckCache } from './ts-blocks/typecheck.js';
import { tsFenceNotAStep } from './diagnostics.js';
import type { ExampleInfo, PlaceholderInfo, PreStep } from '../runtime/command.js';
import { commandInfoFor, parseCommandMarkdown, stepsInOrder, type BashBlock, type CommandFileInfo, type CommandMarkdown, type PreCommand } from './markdown.js';
import { parseBash } from './parse.js';
import { argumentOptionsFrom, rewriteArgumentRefs, scanSubstitutions, type ArgumentConvention, type ArgumentUse } from './arguments.js';
import { detectTemplateBlock, findPlaceholders, rewritePlaceholders, scanContexts, type Placeholder } from './placeholders.js';
import { createContext } from './context.js';
import { profileDiagnostics } from './profile-diagnostics.js';
import { singleQuote } from '../runtime/lang/quote.js';
import { profileOf, type Profile } from '../runtime/lang/profile.js';
import { islandBlock, translateBlock } from './translate/index.js';
import { exactTiers, translateBlockTyped } from './typed/index.js';
import { lintSource } from './lint/index.js';
import { readCommandSource } from './analysis/blocks.js';
import { analyseStateFlow } from './analysis/state-flow.js';
import { createLibraryCache, type LibraryCache } from './analysis/library.js';

export { createLibraryCache, type LibraryCache } from './analysis/library.js';
export { createTypecheckCache, type TypecheckCache } from './ts-blocks/typecheck.js';
import type { StateKind } from '../runtime/lang/state-types.js';
import { resolveLibraries, type LibraryCode } from './libraries.js';
import type { File } from './ast.js';

export interface CompileOptions {
  /** Output directory (absolute or relative to `root`). Default `generated`. */
  outDir?: string;
  /**
   * A block that does not parse is an error (and nothing is written) instead of an island, and
   * the concurrency lint (compiler/lint/) runs: its errors fail the compile too.
   */
  strict?: boolean;
  /** Project root: paths in headers and diagnostics are relative to it. Default cwd. */
  root?: string;
  /** Reuse an emitter (one ts-morph project) across compiles, e.g. in watch mode. */
  emitter?: Emitter;
  /**
   * Parsed libraries for the state-flow analysis, shared by the files of one compile (default: a
   * new cache per call); watch mode keeps one while the libraries do not change (parsing the
   * state libraries is most of a file's compile time).
   */
  libraryCache?: LibraryCache;
  /** Parsed TypeScript files for the ts blocks' type-check, kept across compiles (watch mode). */
  typecheckCache?: TypecheckCache;
  /** The runtime's public surface the modules import (default `<root>/runtime/index.ts`). */
  runtimeEntry?: string;
  /** Read a file (tests may inject); default: its bytes, refused unless valid UTF-8 (compiler/source-bytes.ts). */
  readFile?: (path: string) => string;
  /** How `$N` is numbered when the frontmatter does not say (`argument-convention:`). Default zero-based. */
  argumentConvention?: ArgumentConvention;
  /** The execution profile when the frontmatter does not choose one (runtime/lang/profile.ts). Default claude-code. */
  profile?: Profile;
  /**
   * Which tier blocks are emitted in: `exact` (the interpreter's `sh.*` form everywhere) or
   * `typed` (compiler/typed: the typed form where proved equal, exact elsewhere). Default typed
   * ({@link DEFAULT_EMIT}: the differential table passes under both tiers).
   */
  emit?: EmitTier;
}

/** The emitted tier (`cmdc compile --emit`). */
export type EmitTier = 'exact' | 'typed';

/** The tier `compile` (and so `cmdc compile`, `check`, `watch`) emits when not told. */
export const DEFAULT_EMIT: EmitTier = 'typed';

export interface FileStats {
  blocks: number;
  native: number;
  islands: number;
  diagnostics: number;
  /** Model-filled placeholders (occurrences) bound to the arguments or to a prose instruction (`--set`). */
  placeholdersBound: number;
  /** Placeholders no rule binds: only `--set NAME=value` gives them a value. */
  placeholdersUnbound: number;
  /** `$ARGUMENTS` / `$N` / named / `${CLAUDE_SESSION_ID}` uses in blocks and `!` lines (comments excluded). */
  argumentUses: number;
  /** `!` pre-commands (inline `` !`cmd` `` and ```` ```! ```` fences). */
  preCommands: number;
  /** Simple statements emitted in the typed tier / the exact tier (compiler/typed). */
  typed: number;
  exact: number;
  /** Typed statements by form (`$ command`, `echo`, `wf.append`, …). */
  typedForms: Record<string, number>;
  /** Statements left exact by the typed tier, by reason (compiler/typed/fallback.ts). */
  fallbacks: Record<string, number>;
  /** Libraries compiled with the command (compiler/libraries.ts), and their statements. */
  libraries: number;
  libraryNative: number;
  libraryIslands: number;
  /** `source` commands whose file is known only at run time (compiled on first use, then cached). */
  dynamicSources: number;
  /** `discover_latest_state_file` call sites the runner answers with this owner's instance. */
  discoveryCalls: number;
  /**
   * Blocks native through and through: no island in the block nor in any library it sources
   * (transitively), and every file it sources known at compile time (compiler/libraries.ts).
   */
  nativeBlocks: number;
}

export interface FileResult {
  /** The .md path relative to root (posix separators). */
  file: string;
  /** Absolute path of the generated .ts. */
  outFile: string;
  /** The generated module, or null when the file could not be compiled at all (or is not a command). */
  code: string | null;
  /** The .md text (for code frames). */
  source: string;
  stats: FileStats;
  diagnostics: Diagnostic[];
  /** The libraries compiled with the command (path relative to root, content hash, counts). */
  libraries: { file: string; sha256: string; native: number; islands: number }[];
  /** Where the runner answers `discover_latest_state_file` with this owner's instance (`file:line`). */
  discoverySites: string[];
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

function emptyStats(): FileStats {
  return {
    blocks: 0, native: 0, islands: 0, diagnostics: 0, placeholdersBound: 0, placeholdersUnbound: 0, argumentUses: 0, preCommands: 0,
    typed: 0, exact: 0, typedForms: {}, fallbacks: {},
    libraries: 0, libraryNative: 0, libraryIslands: 0, dynamicSources: 0, discoveryCalls: 0, nativeBlocks: 0,
  };
}

/**
 * Compile command .md files. Never throws on bad input.
 *
 * Output names follow Claude Code's command names (`commandNameFor`): `.claude/commands/x.md`
 * and `.claude/skills/x/SKILL.md` both give `x.ts` (module name `x`); when two inputs give the
 * same name and one has a namespace (`.claude/commands/git/x.md`), it becomes `git-x.ts` (module
 * name `git:x`). A .md file inside a skill directory that is not its SKILL.md is not a command:
 * an info diagnostic, no output.
 */
export function compile(files: readonly string[], opts: CompileOptions = {}): CompileResult {
  const root = resolve(opts.root ?? process.cwd());
  const outDir = resolve(root, opts.outDir ?? 'generated');
  const emitter = opts.emitter ?? createEmitter();
  const libraryCache = opts.libraryCache ?? createLibraryCache();
  // libraries several commands source are compiled once per call
  const libraryCode: LibraryCode = new Map();
  const read = opts.readFile;
  const results: FileResult[] = [];
  const seen = new Map<string, string>();

  // First pass: read, split the markdown, and name every input (names depend on each other).
  interface Input {
    result: FileResult;
    md: CommandMarkdown | null;
    info: CommandFileInfo | null;
  }
  const inputs: Input[] = [];
  for (const input of files) {
    const abs = resolve(root, input);
    const file = toPosix(relative(root, abs));
    const result: FileResult = { file, outFile: '', code: null, source: '', stats: emptyStats(), diagnostics: [], libraries: [], discoverySites: [] };
    results.push(result);
    const entry: Input = { result, md: null, info: null };
    inputs.push(entry);
    try {
      if (read) result.source = read(abs);
      else {
        const bytes = readFileSync(abs);
        result.source = bytes.toString('utf8');
        const bad = firstInvalidByte(bytes);
        if (bad) {
          result.diagnostics.push(invalidUtf8({ file, line: bad.line, col: bad.col }, bad.byte));
          continue;
        }
      }
    } catch (e) {
      result.diagnostics.push(readError(fileStart(file), file, (e as Error).message));
      continue;
    }
    try {
      entry.md = parseCommandMarkdown(result.source, file);
      entry.info = commandInfoFor(file, entry.md.frontmatter);
    } catch (e) {
      result.diagnostics.push(internalError(fileStart(file), (e as Error).message));
      entry.md = null;
    }
  }
  const plain = new Map<string, number>();
  for (const e of inputs) if (e.info) plain.set(e.info.name, (plain.get(e.info.name) ?? 0) + 1);

  const tsModules: TsModule[] = [];
  for (const { result, md, info } of inputs) {
    const file = result.file;
    const fallback = basename(file).replace(/\.md$/i, '');
    let name = info?.name ?? fallback;
    if (info?.namespace && (plain.get(info.name) ?? 0) > 1) name = `${info.namespace}:${info.name}`;
    result.outFile = join(outDir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.ts`);
    if (!md) continue;
    if (!info) {
      result.diagnostics.push(
        notACommand(fileStart(file), file),
      );
      result.stats.diagnostics = result.diagnostics.length;
      continue;
    }
    const other = seen.get(result.outFile);
    if (other !== undefined) {
      result.diagnostics.push(
        duplicateOutput(fileStart(file), file, other, toPosix(relative(root, result.outFile))),
      );
      result.stats.diagnostics = result.diagnostics.length;
      continue;
    }
    seen.set(result.outFile, file);
    try {
      compileOne(result, md, name, {
        strict: opts.strict ?? false,
        emitter,
        runtimeSpecifier: runtimeSpecifier(outDir, resolve(root, opts.runtimeEntry ?? RUNTIME_ENTRY)),
        path: resolve(root, file),
        libraryCache,
        tsModules,
        libraryCode,
        root,
        ...(opts.argumentConvention ? { argumentConvention: opts.argumentConvention } : {}),
        ...(opts.profile ? { profile: opts.profile } : {}),
        emit: opts.emit ?? DEFAULT_EMIT,
      });
    } catch (e) {
      const err = e as Error;
      result.code = null;
      result.diagnostics.push(
        internalError(fileStart(file), err.message, err.stack?.split('\n')[1]?.trim()),
      );
    }
    result.diagnostics.sort(compareDiagnostics);
    result.stats.diagnostics = result.diagnostics.length;
  }
  // ts blocks are type-checked with their module; errors point into the .md
  if (tsModules.length) {
    for (const d of typecheckTsBlocks(tsModules, opts.typecheckCache)) results.find((r) => r.file === d.file)?.diagnostics.push(d);
    for (const r of results) r.diagnostics.sort(compareDiagnostics);
  }
  for (const r of results) r.stats.diagnostics = r.diagnostics.length;

  const diagnostics = results.flatMap((r) => r.diagnostics).sort(compareDiagnostics);
  return { results, diagnostics, failed: diagnostics.some((d) => d.severity === 'error') };
}

interface CompileOneOptions {
  /** The .md file on disk (the state-flow analysis resolves the project's libraries from it). */
  path: string;
  libraryCache: LibraryCache;
  /** Compiled libraries by content hash, shared by the files of one compile. */
  libraryCode: LibraryCode;
  strict: boolean;
  emitter: Emitter;
  runtimeSpecifier: string;
  /** The project directory (libraries' `${CLAUDE_PROJECT_DIR}`). */
  root: string;
  argumentConvention?: ArgumentConvention;
  profile?: Profile;
  emit: EmitTier;
  /** Modules with ts blocks, for the type check after all files are compiled. */
  tsModules: TsModule[];
}

/**
 * One command file. Per bash block: placeholders rewritten (`rewritePlaceholders`), template
 * detection, argument references rewritten on top (`rewriteArgumentRefs`, both edit sets merged
 * into one re-parse), then the rewritten AST is translated; a block that still does not parse
 * (or is prose/a template) becomes a bash island. `!` pre-commands get the same argument
 * rewrite and become `pre` steps.
 */
function compileOne(result: FileResult, md: CommandMarkdown, name: string, opts: CompileOneOptions): void {
  const { file, source } = result;
  result.diagnostics.push(...md.diagnostics);
  const ctx = createContext({ file, source, strict: opts.strict });
  const imports = new Set<string>();
  const steps: EmitStep[] = [];
  const stateKeys = new Set<string>();
  const arrayKeys = new Set<string>();
  /** Keys only ts blocks append, with the kind their values' syntax gives. */
  const tsKeys: Record<string, StateKind> = {};
  const tsBlocks: { indents: number[]; line: number; endLine: number }[] = [];
  const asts: { ast: File | null; islands: boolean }[] = [];
  let dynamic = false;
  const { profile } = profileOf(md.frontmatter ?? {}, opts.profile ?? (opts.argumentConvention === 'positional' ? 'script' : undefined));
  // a script's `$N` is its positional parameter unless the file says otherwise
  const argOpts = argumentOptionsFrom(
    md.frontmatter ?? {},
    opts.argumentConvention ? { convention: opts.argumentConvention } : profile === 'script' ? { convention: 'positional' } : {},
  );
  const skill = commandInfoFor(file, md.frontmatter ?? {})?.layout === 'skill';
  const analysisOpts = { convention: argOpts.convention, names: argOpts.names, explicitConvention: argOpts.explicit, skill };
  const ph = findPlaceholders(md, file);
  result.diagnostics.push(...ph.diagnostics);
  for (const p of ph.placeholders) {
    if (p.bound) result.stats.placeholdersBound++;
    else result.stats.placeholdersUnbound++;
  }
  result.stats.preCommands = md.preCommands.length;
  // The argument references of the whole text (blocks, prose, `!` lines): Claude Code appends
  // "ARGUMENTS: …" to the prompt when none of them is filled.
  const body = md.frontmatterRange ? source.split('\n').slice(md.frontmatterRange.endLine).join('\n') : source;
  const refs = [...new Set(scanSubstitutions(body, analysisOpts).flatMap((r): ('*' | number)[] =>
    r.kind === 'arguments' || r.kind === 'named' ? ['*'] : r.kind === 'index' || r.kind === 'positional' ? [r.index!] : []))]
    .sort((x, y) => (x === '*' ? -1 : y === '*' ? 1 : x - y));
  const countUses = (uses: readonly ArgumentUse[]) => {
    result.stats.argumentUses += uses.filter((u) => u.quoting !== 'comment').length;
  };

  // Pre-commands waiting for the emitted index of the agent step that contains them.
  let pendingPre: { emit: PreStep; mdStep: number; textEnd: number }[] = [];
  for (const step of stepsInOrder(md)) {
    if (step.kind === 'pre') {
      const rows = step.command.split('\n').length;
      const block = { code: step.command, line: step.line, indents: step.fence ? step.indents : [step.col + 1, ...Array<number>(rows - 1).fill(0)] };
      let command = step.command;
      const parsed = parseBash(step.command, { file, lineOffset: block.line - 1, colOffset: block.indents });
      if (parsed.ast) {
        const a = rewriteArgumentRefs(parsed.ast, { file, block, ...analysisOpts });
        result.diagnostics.push(...a.diagnostics);
        countUses(a.uses);
        command = a.code;
      } else {
        result.diagnostics.push(...parsed.diagnostics.map((d) => (d.severity === 'error' ? { ...d, severity: 'warning' as const } : d)));
      }
      // `agent` is set when the agent step that contains it is emitted (below).
      const inBlock = md.steps[step.step]?.kind === 'bash';
      const emit: PreStep = {
        kind: 'pre', text: step.command, command, variable: preVariable(md.preCommands.indexOf(step)), line: step.line, endLine: step.endLine,
        agent: null, start: step.textStart, end: step.textEnd, ...(inBlock ? { inBlock: true } : {}), ...(step.fence ? { fence: true } : {}),
      };
      pendingPre.push({ emit, mdStep: step.step, textEnd: step.textEnd });
      steps.push(emit);
      continue;
    }
    if (step.kind === 'ts') {
      // a step written in TypeScript: emitted as written, type-checked with the module
      result.stats.blocks++;
      Object.assign(tsKeys, appendedKeys(step.code));
      tsBlocks.push({ indents: step.indents, line: step.line, endLine: step.endLine });
      steps.push({ kind: 'ts', heading: step.heading ?? null, line: step.line, endLine: step.endLine, code: step.code });
      continue;
    }
    if (step.kind === 'agent') {
      for (const f of step.fences) if (looksLikeTsStep(f.info, f.code)) result.diagnostics.push(tsFenceNotAStep({ file, line: f.fenceLine, col: f.indent + 1 }));
      const mine = pendingPre.filter((p) => p.mdStep === md.steps.indexOf(step));
      pendingPre = pendingPre.filter((p) => !mine.includes(p));
      // Section titles are not instructions, and prose before the first block is the command's
      // description (Claude reads it with the rest), not a step to pause on.
      if (step.onlyHeadings || result.stats.blocks === 0) continue;
      // The heading of the next block ends the prose: it is a title, not part of the request.
      const lines = step.text.split('\n');
      while (lines.length > 1 && /^(\s{0,3}#{1,6}(\s|$)|\s*$)/.test(lines[lines.length - 1]!)) lines.pop();
      const text = lines.join('\n');
      for (const p of mine) if (p.textEnd <= text.length) p.emit.agent = steps.length;
      steps.push({ kind: 'agent', line: step.line, endLine: step.line + lines.length - 1, text });
      continue;
    }
    result.stats.blocks++;
    // `!` commands written in the block: their output reaches it as data (CMDC_PRE_<n>), in the
    // quoting the text has there, as placeholders are replaced
    const blockPres = md.preCommands
      .filter((p) => md.steps[p.step] === step && scanContexts(step.code)[p.textStart] !== 'comment')
      .map((p) => preReference(step, p, md.preCommands.indexOf(p)));
    const rewritten = rewritePlaceholders(step, [...ph.placeholders, ...blockPres], file);
    const template = detectTemplateBlock(step, file, rewritten);
    const fatal = template.find((d) => d.id === 'block-is-template');
    result.diagnostics.push(
      ...template.map((d) => (d.severity === 'error' && !opts.strict ? { ...d, severity: 'warning' as const } : d)),
    );
    let ast = rewritten.ast;
    let code = rewritten.code;
    if (ast && !fatal) {
      const a = rewriteArgumentRefs(ast, { file, block: step, edits: rewritten.edits, ...analysisOpts });
      result.diagnostics.push(...a.diagnostics);
      countUses(a.uses);
      ast = a.file;
      code = a.code;
    }
    let out: { body: string; lines?: number[]; imports: string[]; stats: { native: number; islands: number } };
    let island = false;
    if (fatal) {
      const message = `${file}:${fatal.line}:${fatal.col}: error[${fatal.id}]: ${fatal.message}`;
      out = islandBlock(`printf '%s\\n' ${singleQuote(message)} >&2\nexit 2`, step.line, ctx, 'block-is-template');
      island = true;
    } else if (ast) {
      const tr = opts.emit === 'typed' ? translateBlockTyped(ast, ctx) : { ...translateBlock(ast, ctx), tiers: exactTiers(ast) };
      out = tr;
      result.stats.typed += tr.tiers.typed;
      result.stats.exact += tr.tiers.exact;
      for (const [f, n] of Object.entries(tr.tiers.forms)) result.stats.typedForms[f] = (result.stats.typedForms[f] ?? 0) + n;
      for (const [f, n] of Object.entries(tr.tiers.fallbacks)) result.stats.fallbacks[f] = (result.stats.fallbacks[f] ?? 0) + n;
      if (profile === 'claude-code') result.diagnostics.push(...profileDiagnostics(ast, file));
    } else {
      const reason = rewritten.diagnostics[0]?.message ?? 'the block does not parse';
      // Without --strict a block that does not parse still compiles (to an island): a warning.
      result.diagnostics.push(
        ...rewritten.diagnostics.map((d) => (opts.strict || d.severity !== 'error' ? d : { ...d, severity: 'warning' as const })),
      );
      out = islandBlock(code, step.line, ctx, reason);
      island = true;
    }
    for (const n of out.imports) imports.add(n);
    asts.push({ ast: island ? null : (ast ?? null), islands: island || out.stats.islands > 0 });
    if (out.stats.islands > 0 && out.stats.native === 0) island = true;
    result.stats.native += out.stats.native;
    result.stats.islands += out.stats.islands;
    const keys = persistedKeys(step.code);
    keys.scalars.forEach((k) => stateKeys.add(k));
    keys.arrays.forEach((k) => arrayKeys.add(k));
    dynamic ||= keys.dynamic;
    const needs = [...new Set(ph.placeholders.filter((p) => p.block === step.index).map((p) => p.variable))];
    steps.push({
      kind: 'bash',
      heading: step.heading ?? null,
      line: step.line,
      endLine: step.endLine,
      body: out.body,
      ...('lines' in out ? { lines: out.lines } : {}),
      island,
      ...(needs.length ? { placeholders: needs } : {}),
    });
  }
  result.diagnostics.push(...ctx.diagnostics);
  // --strict also holds the command to the concurrency lint (its errors fail the compile).
  if (opts.strict) result.diagnostics.push(...lintSource(file, source, { path: opts.path, cache: opts.libraryCache }).diagnostics);

  const libs = resolveLibraries(asts, opts.root, file, opts.libraryCode);
  for (const l of libs.libraries) {
    for (const n of l.code.imports) imports.add(n);
    result.libraries.push({ file: l.file, sha256: l.sha256, native: l.code.native, islands: l.code.islands });
    result.stats.libraryNative += l.code.native;
    result.stats.libraryIslands += l.code.islands;
  }
  result.stats.libraries = libs.libraries.length;
  result.stats.dynamicSources = libs.dynamicSources;
  result.stats.discoveryCalls = libs.discoveryCalls;
  result.stats.nativeBlocks = libs.nativeBlocks.filter(Boolean).length;
  result.discoverySites = libs.discoverySites;

  const placeholders: PlaceholderInfo[] = [];
  for (const p of ph.placeholders) {
    if (placeholders.some((x) => x.variable === p.variable)) continue;
    placeholders.push({
      name: p.name,
      token: p.token,
      variable: p.variable,
      bound: p.bound ?? null,
      line: p.line,
      col: p.col,
      instruction: p.instruction,
      instructionLine: p.instructionLine,
    });
  }

  // Usage examples: documentation the model reads, listed by --help, never run.
  const examples: ExampleInfo[] = md.examples.map((e) => {
    result.diagnostics.push(usageExampleBlock({ file, line: e.fenceLine, col: e.indent + 1 }, e.reason));
    return { line: e.line, endLine: Math.max(e.line, e.closed ? e.endLine - 1 : e.endLine), heading: e.heading ?? '', code: e.code };
  });

  const input: EmitInput = {
    name,
    source: file,
    frontmatter: md.frontmatter ?? {},
    steps,
    imports: [...imports],
    runtimeSpecifier: opts.runtimeSpecifier,
    ...stateShape(file, source, opts.path, opts.libraryCache, { scalars: stateKeys, arrays: arrayKeys, dynamic }, tsKeys),
    sourceHash: sha256(source),
    mapSources: [toPosix(relative(dirname(result.outFile), opts.path)), basename(result.outFile)],
    profile,
    ...(libs.libraries.length ? { libraries: libs.libraries } : {}),
    ...(placeholders.length ? { placeholders } : {}),
    ...(examples.length ? { examples } : {}),
    ...(skill ? { skill: true } : {}),
    ...(argOpts.convention !== 'zero-based' || argOpts.names.length || refs.length
      ? { arguments: { convention: argOpts.convention, names: argOpts.names, ...(refs.length ? { refs } : {}) } }
      : {}),
  };
  if (!tsBlocks.length) {
    result.code = opts.emitter.emit(input);
    return;
  }
  const maps: TsCodeMap[] = [];
  result.code = emitModule(input, maps);
  opts.tsModules.push({
    file, outFile: result.outFile, code: result.code, maps,
    indents: tsBlocks.map((b) => b.indents), ranges: tsBlocks.map((b) => ({ line: b.line, endLine: b.endLine })),
  });
}

/** The variable that holds the output of the n-th (0-based) `!` command of a file. */
function preVariable(n: number): string {
  return `CMDC_PRE_${n + 1}`;
}

/** A `!` command inside a bash block, as a pseudo-placeholder: its text is replaced by its output variable. */
function preReference(block: BashBlock, p: PreCommand, n: number): Placeholder {
  const ctx = scanContexts(block.code)[p.textStart] ?? 'unquoted';
  return {
    name: preVariable(n), token: block.code.slice(p.textStart, p.textEnd), style: 'your-here', block: block.index,
    start: p.textStart, end: p.textEnd, line: p.line, col: p.col, endLine: p.endLine, endCol: p.endCol,
    quoting: ctx === 'comment' ? 'unquoted' : ctx, instruction: null, instructionLine: null, variable: preVariable(n),
  };
}

/**
 * The command's State: the keys its blocks persist and their kinds, from the state-flow analysis
 * (compiler/analysis/state-flow.ts: the state library's contract and the project's own persist
 * functions, integer when every persisted value is one, arrays, JSON for `_JSON` keys), on top of
 * the keys read from the blocks' text (`persistedKeys`: the library functions' own keys such as
 * sm_init's). A file the analysis cannot handle keeps the text-read keys, all strings.
 */
function stateShape(
  file: string,
  source: string,
  path: string,
  cache: LibraryCache,
  text: { scalars: ReadonlySet<string>; arrays: ReadonlySet<string>; dynamic: boolean },
  tsKeys: Readonly<Record<string, StateKind>> = {},
): Pick<EmitInput, 'stateKeys' | 'stateKinds' | 'dynamicStateKeys'> {
  // keys only ts blocks write (the bash analyses' kinds win where both write a key)
  const kinds: Record<string, StateKind> = { ...tsKeys };
  for (const k of text.scalars) kinds[k] = 'string';
  let dynamic = text.dynamic;
  try {
    const flow = analyseStateFlow(readCommandSource(file, source), { path, cache });
    for (const k of Object.values(flow.keys)) if (k.storage === 'variable') kinds[k.key] = k.kind;
    dynamic ||= flow.dynamic;
  } catch {
    // the analysis is an improvement over the text: without it the State is the text's keys
  }
  for (const k of text.arrays) kinds[k] = 'array';
  return { stateKeys: Object.keys(kinds), stateKinds: kinds, dynamicStateKeys: dynamic };
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

/** Diagnostics about a whole file point at its first line. */
function fileStart(file: string): Location {
  return { file, line: 1, col: 1 };
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

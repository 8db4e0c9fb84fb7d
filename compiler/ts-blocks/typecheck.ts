/**
 * Type-checks a generated module that holds ts blocks, in memory (the module as it would be
 * written, the runtime and the project's packages from disk), and reports each tsc error in a
 * ts block's code at its .md position (`file.md:line:col`, through the TsCodeMap the emitter
 * fills). An error elsewhere in the module (not the user's code) is reported at the block it
 * belongs to, or the file's first line. Only modules with ts blocks pay for this (~1-2 s: one
 * TypeScript program per compile, shared by its files). Watch mode passes a
 * {@link TypecheckCache}: the files read from disk (TypeScript's libs, node's types, the runtime)
 * are parsed once and reused while their mtime and size stay, and the previous program is
 * handed to TypeScript as `oldProgram`.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type ts from 'typescript';
import { tsTypeError, type Diagnostic } from '../diagnostics.js';
import type { TsCodeMap } from '../emit.js';

export interface TsModule {
  /** The .md file (diagnostics name it). */
  file: string;
  /** Absolute path the module would be written to. */
  outFile: string;
  code: string;
  maps: readonly TsCodeMap[];
  /** .md columns to add per code line of each ts block (Fence.indents), by block. */
  indents: readonly (readonly number[])[];
  /** .md lines of each ts block (first code line, closing fence), by block. */
  ranges: readonly { line: number; endLine: number }[];
}

/** Parsed disk files and the last program, kept across compiles by their caller (watch mode). */
export interface TypecheckCache {
  readonly files: Map<string, { stamp: string; sf: ts.SourceFile }>;
  program?: ts.Program;
}

export function createTypecheckCache(): TypecheckCache {
  return { files: new Map() };
}

function stampOf(f: string): string | null {
  try {
    const st = statSync(f);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return null;
  }
}

/** The TypeScript compiler (the `typescript` package: its lib files are on disk), loaded on first use. */
function typescript(): typeof ts {
  return createRequire(import.meta.url)('typescript') as typeof ts;
}

/** The project's tsconfig as compiled modules need it (an ES module whatever the output directory's package.json says: `.mts`). */
const options = (t: typeof ts): ts.CompilerOptions => ({
  target: t.ScriptTarget.ES2022,
  module: t.ModuleKind.NodeNext,
  moduleResolution: t.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
});

/** tsc's errors in the modules, as .md diagnostics. */
export function typecheckTsBlocks(modules: readonly TsModule[], cache?: TypecheckCache): Diagnostic[] {
  if (!modules.length) return [];
  const ts = typescript();
  const OPTIONS = options(ts);
  const byPath = new Map(modules.map((m) => [m.outFile.replace(/\.ts$/, '.mts'), m]));
  const host = ts.createCompilerHost(OPTIONS, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => byPath.get(f)?.code ?? readFile(f);
  host.fileExists = (f) => byPath.has(f) || fileExists(f);
  host.getSourceFile = (f, lang, onError, create) => {
    const m = byPath.get(f);
    if (m) return ts.createSourceFile(f, m.code, lang, true, ts.ScriptKind.TS);
    if (!cache) return getSourceFile(f, lang, onError, create);
    const stamp = stampOf(f);
    const hit = cache.files.get(f);
    if (stamp !== null && hit?.stamp === stamp) return hit.sf;
    const sf = getSourceFile(f, lang, onError, create);
    if (sf && stamp !== null) cache.files.set(f, { stamp, sf });
    return sf;
  };
  const program = ts.createProgram({
    rootNames: [...byPath.keys()],
    options: { ...OPTIONS, ...typeRoots() },
    host,
    ...(cache?.program ? { oldProgram: cache.program } : {}),
  });
  if (cache) cache.program = program;
  const out: Diagnostic[] = [];
  for (const m of modules) {
    const sf = program.getSourceFile(m.outFile.replace(/\.ts$/, '.mts'));
    if (!sf) continue;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      if (d.category !== ts.DiagnosticCategory.Error) continue;
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]!;
      const at = d.start === undefined ? null : sf.getLineAndCharacterOfPosition(d.start);
      const end = d.start === undefined ? null : sf.getLineAndCharacterOfPosition(d.start + (d.length ?? 0));
      out.push(tsTypeError(locate(m, at, end), d.code, message));
    }
  }
  return out;
}

/** The .md location of a module position (0-based line/character), else the enclosing block's start, else line 1. */
function locate(m: TsModule, at: ts.LineAndCharacter | null, end: ts.LineAndCharacter | null): { file: string; line: number; col: number; endLine?: number; endCol?: number } {
  if (!at) return { file: m.file, line: 1, col: 1 };
  const toMd = (p: ts.LineAndCharacter) => {
    for (const map of m.maps) {
      const row = p.line + 1 - map.genLine;
      if (row < 0 || row >= map.added.length) continue;
      const indents = m.indents[map.block] ?? [];
      const col = Math.max(0, p.character - map.added[row]!) + (indents[map.row + row] ?? indents[0] ?? 0) + 1;
      return { line: map.mdLine + row, col };
    }
    return null;
  };
  const a = toMd(at);
  if (!a) {
    // generated code around a block (its scope line): the block's first line
    const map = [...m.maps].reverse().find((x) => at.line + 1 >= x.genLine - 3);
    const r = map ? m.ranges[map.block] : undefined;
    return r ? { file: m.file, line: r.line, col: 1 } : { file: m.file, line: 1, col: 1 };
  }
  const b = end ? toMd(end) : null;
  return b && (b.line > a.line || (b.line === a.line && b.col > a.col)) ? { file: m.file, ...a, endLine: b.line, endCol: b.col } : { file: m.file, ...a };
}


/** cmdc's own @types (node's types), wherever the project being compiled lives. */
function typeRoots(): { typeRoots?: string[] } {
  try {
    return { typeRoots: [dirname(dirname(createRequire(import.meta.url).resolve('@types/node/package.json')))] };
  } catch {
    return {};
  }
}

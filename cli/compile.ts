/**
 * `cmdc compile [paths...] [--out dir] [--strict] [--stats] [--json]`: compile command .md files
 * (files or directories of them, default `commands/`) into TypeScript modules (default
 * `generated/`). Diagnostics go to stderr as `file.md:line:col: severity[id]: message` with a
 * code frame (colors only on a TTY); exit status 1 when there is any error, and then nothing is
 * written. Also home of the path helpers that `check` and `watch` share.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_EMIT, compile, writeResults, type CompileResult } from '../compiler/index.js';
import { formatDiagnostics } from '../compiler/diagnostics.js';
import { commandInfoFor } from '../compiler/markdown.js';
import type { ArgumentConvention } from '../compiler/arguments.js';
import { parseProfile } from '../runtime/lang/profile.js';

export interface CompileCliOptions {
  out?: string;
  strict?: boolean;
  stats?: boolean;
  json?: boolean;
  argumentConvention?: ArgumentConvention;
  profile?: string;
  emit?: string;
}

/** The paths a command works on: the ones given, else `commands/`. */
export function inputPaths(paths: readonly string[]): readonly string[] {
  return paths.length ? paths : ['commands'];
}

/**
 * `.md` files named by `paths` (files, or directories: their *.md, recursively, so that
 * `.claude/commands/<ns>/x.md` and `.claude/skills/<name>/SKILL.md` are found; files in a skill
 * directory other than SKILL.md are not commands and are left out), sorted.
 */
export function resolveInputs(paths: readonly string[], root: string): { files: string[]; missing: string[] } {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of inputPaths(paths)) {
    const abs = resolve(root, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) {
      walk(abs, files);
    } else {
      files.add(abs);
    }
  }
  return { files: [...files].sort(), missing };
}

function walk(dir: string, files: Set<string>): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (name !== 'node_modules' && name !== '.git') walk(p, files);
    } else if (st.isFile() && name.toLowerCase().endsWith('.md') && commandInfoFor(p) !== null) files.add(p);
  }
}

/** Print diagnostics (with code frames) to stderr. */
export function printDiagnostics(result: CompileResult): void {
  if (!result.diagnostics.length) return;
  const sources = new Map(result.results.map((r) => [r.file, r.source]));
  const color = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
  process.stderr.write(formatDiagnostics(result.diagnostics, (f) => sources.get(f), { color }) + '\n');
}

/**
 * The `--stats` table: one line per file: bash blocks, statements translated natively, bash
 * islands, diagnostics, model-filled placeholders bound (to the arguments or a prose
 * instruction) / unbound, argument uses (`$ARGUMENTS`, `$N`… outside comments), `!` lines,
 * simple statements emitted in the typed tier / the exact tier (and the typed share); then what
 * blocks source (compiler/libraries.ts): blocks native through and through (no island in them
 * nor in anything they source, every sourced path known at compile time), libraries compiled
 * with the command (their statements native/islands), `source` commands of a run-time path
 * (compiled on first use, cached by content hash), and the `discover_latest_state_file` calls
 * the runner answers with this owner's instance. Under the table: the typed statements by form,
 * and where those discovery calls are.
 */
export function formatStats(result: CompileResult): string {
  const rows = result.results.map((r) => [
    r.file,
    r.stats.blocks,
    r.stats.native,
    r.stats.islands,
    r.stats.diagnostics,
    `${r.stats.placeholdersBound}/${r.stats.placeholdersUnbound}`,
    r.stats.argumentUses,
    r.stats.preCommands,
    r.stats.typed,
    r.stats.exact,
    share(r.stats.typed, r.stats.exact),
    r.stats.nativeBlocks,
    r.stats.libraries,
    `${r.stats.libraryNative}/${r.stats.libraryIslands}`,
    r.stats.dynamicSources,
    r.stats.discoveryCalls,
  ]);
  const head = [
    'file', 'blocks', 'native', 'islands', 'diagnostics', 'placeholders(bound/unbound)', 'argument-uses', '!-lines', 'typed', 'exact', 'typed%',
    'native-blocks', 'libraries', 'library(native/islands)', 'run-time-sources', 'discovery',
  ];
  const sum = (i: number) => rows.reduce((s, r) => s + Number(r[i]), 0);
  const pair = (f: (r: CompileResult['results'][number]) => [number, number]) =>
    result.results.reduce((s, r) => [s[0] + f(r)[0], s[1] + f(r)[1]], [0, 0]).join('/');
  const total = [
    'total', sum(1), sum(2), sum(3), sum(4), pair((r) => [r.stats.placeholdersBound, r.stats.placeholdersUnbound]), sum(6), sum(7),
    sum(8), sum(9), share(sum(8), sum(9)),
    sum(11), sum(12), pair((r) => [r.stats.libraryNative, r.stats.libraryIslands]), sum(14), sum(15),
  ];
  const all = [head, ...rows, total].map((r) => r.map(String));
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const forms: Record<string, number> = {};
  for (const r of result.results) for (const [f, n] of Object.entries(r.stats.typedForms)) forms[f] = (forms[f] ?? 0) + n;
  const formLine = Object.keys(forms).length
    ? `\ntyped forms: ${Object.entries(forms).sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, n]) => `${f} ${n}`).join(', ')}`
    : '';
  const why: Record<string, number> = {};
  for (const r of result.results) for (const [f, n] of Object.entries(r.stats.fallbacks)) why[f] = (why[f] ?? 0) + n;
  const whyLine = Object.keys(why).length
    ? `\nexact (why no typed form): ${Object.entries(why).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([f, n]) => `${f} ${n}`).join(', ')}`
    : '';
  const sites = [...new Set(result.results.flatMap((r) => r.discoverySites.map((s) => `  ${r.file}: ${s}`)))];
  const siteLines = sites.length ? `\ndiscover_latest_state_file answered with this owner's instance (runtime/runner/discovery.ts) at:\n${sites.join('\n')}` : '';
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n') + formLine + whyLine + siteLines;
}

/** `typed / (typed + exact)` as a percentage. */
function share(typed: number, exact: number): string {
  return typed + exact === 0 ? '-' : `${Math.round((100 * typed) / (typed + exact))}%`;
}

export async function runCompile(paths: string[], opts: CompileCliOptions): Promise<number> {
  const root = process.cwd();
  const t0 = performance.now();
  const { files, missing } = resolveInputs(paths, root);
  for (const m of missing) process.stderr.write(`cmdc compile: no such file or directory: ${m}\n`);
  if (missing.length) return 1;
  const profile = opts.profile === undefined ? undefined : parseProfile(opts.profile);
  if (profile === null) {
    process.stderr.write(`cmdc compile: --profile: unknown profile '${opts.profile}' (use claude-code or script)\n`);
    return 2;
  }
  if (opts.emit !== undefined && opts.emit !== 'exact' && opts.emit !== 'typed') {
    process.stderr.write(`cmdc compile: --emit: unknown tier '${opts.emit}' (use exact or typed)\n`);
    return 2;
  }
  const result = compile(files, {
    ...(opts.emit ? { emit: opts.emit } : {}),
    outDir: opts.out ?? 'generated',
    strict: opts.strict ?? false,
    root,
    ...(opts.argumentConvention ? { argumentConvention: opts.argumentConvention } : {}),
    ...(profile ? { profile } : {}),
  });
  const written = await writeResults(result);
  const ms = Math.round(performance.now() - t0);
  if (opts.json) {
    process.stdout.write(
      JSON.stringify(
        {
          ok: !result.failed,
          results: result.results.map((r) => ({
            file: r.file,
            outFile: relative(root, r.outFile),
            written: written.written.includes(r.outFile),
            stats: r.stats,
          })),
          diagnostics: result.diagnostics,
          ms,
        },
        null,
        2,
      ) + '\n',
    );
    return result.failed ? 1 : 0;
  }
  printDiagnostics(result);
  if (opts.stats) process.stdout.write(formatStats(result) + '\n');
  if (result.failed) {
    process.stderr.write(`cmdc compile: failed; nothing written (${files.length} files, ${ms} ms)\n`);
    return 1;
  }
  process.stderr.write(
    `cmdc compile: ${files.length} files, ${written.written.length} written, ${written.unchanged.length} unchanged (${ms} ms)\n`,
  );
  return 0;
}

export function register(program: Command): void {
  program
    .command('compile')
    .description('Compile command .md files (or directories of them) into TypeScript modules')
    .argument('[paths...]', '.md files or directories (default: commands/)')
    .option('-o, --out <dir>', 'output directory', 'generated')
    .option('--strict', 'a block that does not parse is an error instead of a bash island; lint errors (cmdc lint) fail the compile')
    .option('--stats', 'print per file: blocks, native, islands, diagnostics, placeholders bound/unbound, argument uses, ! lines, statements per tier, native blocks, libraries, run-time sources, discovery calls')
    .option('--json', 'print a JSON report on stdout instead of text')
    .option('--emit <tier>', `exact (the interpreter's sh.* form everywhere) or typed (typed state calls, $ templates, TS conditions where proved equal to bash; exact elsewhere); default ${DEFAULT_EMIT}`)
    .option(
      '--profile <p>',
      'how blocks run when the frontmatter does not say: claude-code (default: as Claude Code\'s Bash tool) or script (standalone bash scripts)',
    )
    .option(
      '--argument-convention <c>',
      'how $N is read when the frontmatter does not say: zero-based (default, Claude Code), positional (a bash script: implies --profile script)',
    )
    .addHelpText('after', '\nExamples:\n  cmdc compile\n  cmdc compile ~/.claude/commands --out /tmp/out --stats')
    .action(async (paths: string[], opts: CompileCliOptions) => {
      process.exitCode = await runCompile(paths, opts);
    });
}

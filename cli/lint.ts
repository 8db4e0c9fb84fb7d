/**
 * `cmdc lint [paths...] [--json] [--fix] [--rule id...]`: the concurrency lint over command .md
 * files (or directories of them, default `commands/`). Per file: `ok`, or its problems with code
 * frames; then the migration guide's summary line, worded exactly as the guide's when clean:
 * ` Concurrent execution safety: No shared state ID files detected (N files checked)`.
 * Exit 1 when there is an error. `--fix` applies only the certain rewrites (`date +%s` →
 * `date +%s%N`), each file written atomically, then reports what is left.
 */
import { readFileSync } from 'node:fs';
import { relative, sep, posix } from 'node:path';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { countDiagnostics, formatDiagnostic, invalidUtf8, type Diagnostic } from '../compiler/diagnostics.js';
import { firstInvalidByte } from '../compiler/source-bytes.js';
import { createLibraryCache } from '../compiler/analysis/library.js';
import { applyFixes, lintSource, RULES, type LintResult } from '../compiler/lint/index.js';
import { resolveInputs } from './compile.js';

export interface LintCliOptions {
  json?: boolean;
  fix?: boolean;
  rule?: string[];
}

export interface LintRun {
  results: (LintResult & { fixed: number })[];
  missing: string[];
}

/** The guide's line, for a clean run. */
export function cleanSummary(files: number): string {
  return ` Concurrent execution safety: No shared state ID files detected (${files} files checked)`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The summary line of a run with problems. */
export function problemSummary(diags: readonly Diagnostic[], filesWith: number, files: number): string {
  const { errors, warnings } = countDiagnostics(diags);
  return ` Concurrent execution safety: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(filesWith, 'file')} (${files} files checked)`;
}

/** Lint the files named by `paths` (fixing them first with `fix`). */
export async function lintPaths(paths: readonly string[], opts: LintCliOptions, root = process.cwd()): Promise<LintRun> {
  const { files, missing } = resolveInputs(paths, root);
  const rules = opts.rule?.length ? opts.rule : undefined;
  const results: LintRun['results'] = [];
  const cache = createLibraryCache();
  for (const abs of files) {
    const file = relative(root, abs).split(sep).join(posix.sep);
    let source: string;
    try {
      const bytes = readFileSync(abs);
      source = bytes.toString('utf8');
      // not UTF-8: refused at the first bad byte, and never rewritten by --fix (it would write U+FFFD)
      const bad = firstInvalidByte(bytes);
      if (bad) {
        const d = invalidUtf8({ file, line: bad.line, col: bad.col }, bad.byte);
        results.push({ file, source, findings: [{ diagnostic: d }], diagnostics: [d], fixed: 0 });
        continue;
      }
    } catch (e) {
      const d: Diagnostic = { id: 'read-error', severity: 'error', message: `cannot read ${file}: ${(e as Error).message}`, file, line: 1, col: 1 };
      results.push({ file, source: '', findings: [{ diagnostic: d }], diagnostics: [d], fixed: 0 });
      continue;
    }
    let result = lintSource(file, source, { ...(rules ? { rules } : {}), path: abs, cache });
    let fixed = 0;
    if (opts.fix) {
      const { text, applied } = applyFixes(source, result.findings);
      if (applied > 0 && text !== source) {
        await writeFileAtomic(abs, text, { fsync: true });
        fixed = applied;
        result = lintSource(file, text, { ...(rules ? { rules } : {}), path: abs, cache });
      }
    }
    results.push({ ...result, fixed });
  }
  return { results, missing };
}

export async function runLint(paths: string[], opts: LintCliOptions): Promise<number> {
  const unknown = (opts.rule ?? []).filter((r) => !RULES.some((x) => x.id === r));
  if (unknown.length) {
    process.stderr.write(`cmdc lint: unknown rule ${unknown.join(', ')}; rules: ${RULES.map((r) => r.id).join(', ')}\n`);
    return 2;
  }
  const run = await lintPaths(paths, opts);
  for (const m of run.missing) process.stderr.write(`cmdc lint: no such file or directory: ${m}\n`);
  if (run.missing.length) return 2;
  const all = run.results.flatMap((r) => r.diagnostics);
  const failed = all.some((d) => d.severity === 'error');
  if (opts.json) {
    const { errors, warnings } = countDiagnostics(all);
    process.stdout.write(
      JSON.stringify(
        {
          ok: !failed,
          files: run.results.map((r) => ({ file: r.file, fixed: r.fixed, diagnostics: r.diagnostics })),
          summary: { files: run.results.length, errors, warnings, fixed: run.results.reduce((s, r) => s + r.fixed, 0) },
        },
        null,
        2,
      ) + '\n',
    );
    return failed ? 1 : 0;
  }
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const out: string[] = [];
  for (const r of run.results) {
    const fixed = r.fixed ? ` (fixed ${plural(r.fixed, 'problem')})` : '';
    if (!r.diagnostics.length) {
      out.push(`${r.file}: ok${fixed}`);
      continue;
    }
    const { errors, warnings } = countDiagnostics(r.diagnostics);
    out.push(`${r.file}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${fixed}`);
    for (const d of r.diagnostics) out.push(formatDiagnostic(d, r.source, { color }).replace(/^/gm, '  '), '');
  }
  const filesWith = run.results.filter((r) => r.diagnostics.length).length;
  out.push(all.length ? problemSummary(all, filesWith, run.results.length) : cleanSummary(run.results.length));
  process.stdout.write(out.join('\n') + '\n');
  return failed ? 1 : 0;
}

export function register(program: Command): void {
  program
    .command('lint')
    .description('Check command .md files for concurrency hazards (shared state-id files, mtime discovery, ...)')
    .argument('[paths...]', '.md files or directories (default: commands/)')
    .option('--json', 'print a JSON report on stdout')
    .option('--fix', 'apply the fixes that are certain (date +%s -> date +%s%N), writing files atomically')
    .option('--rule <id...>', `only these rules (${RULES.map((r) => r.id).join(', ')})`)
    .addHelpText(
      'after',
      `\nRules:\n${RULES.map((r) => `  ${r.id.padEnd(24)} ${r.summary}`).join('\n')}\n\nExamples:\n  cmdc lint commands/*.md\n  cmdc lint ~/.claude/commands --json`,
    )
    .action(async (paths: string[], opts: LintCliOptions) => {
      process.exitCode = await runLint(paths, opts);
    });
}

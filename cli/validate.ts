/**
 * `cmdc validate [--concurrency | --all] [paths...]`: the standards check of a command set
 * (default `commands/`), like the seed's `validate-all-standards.sh`. `--concurrency` runs the
 * concurrency lint rules; `--all` (the default) adds the state-flow checks (variables that do not
 * survive to the next block, persisted values nobody reads, unchecked restores) and the
 * compiler's own diagnostics. Problems print with code frames, then one line per check (PASS,
 * WARN, FAIL with counts), then the guide's concurrency summary line. Exit 1 when a check fails
 * (has an error).
 */
import { readFileSync } from 'node:fs';
import { relative, sep, posix } from 'node:path';
import type { Command } from 'commander';
import { compareDiagnostics, countDiagnostics, formatDiagnostic, type Diagnostic } from '../compiler/diagnostics.js';
import { lintSource, RULES } from '../compiler/lint/index.js';
import { readCommandSource } from '../compiler/analysis/blocks.js';
import { analyseStateFlow } from '../compiler/analysis/state-flow.js';
import { createLibraryCache } from '../compiler/analysis/library.js';
import { compile } from '../compiler/index.js';
import { resolveInputs } from './compile.js';
import { cleanSummary, problemSummary } from './lint.js';

export interface ValidateOptions {
  concurrency?: boolean;
  all?: boolean;
  json?: boolean;
}

export interface CheckResult {
  /** The check's id: a rule id, a state-flow diagnostic id, or "compile". */
  id: string;
  group: 'concurrency' | 'state-flow' | 'compile';
  summary: string;
  diagnostics: Diagnostic[];
  status: 'pass' | 'warn' | 'fail';
}

export interface ValidateReport {
  files: string[];
  checks: CheckResult[];
  ok: boolean;
}

const STATE_FLOW_CHECKS: { id: string; summary: string }[] = [
  { id: 'state-var-not-persisted', summary: 'variables read in a block that neither sets them nor restores them from an earlier block' },
  { id: 'state-var-never-read', summary: 'persisted values no later block or prompt reads' },
  { id: 'restore-unchecked', summary: 'state restores whose failure goes unnoticed' },
];

function status(diags: readonly Diagnostic[]): CheckResult['status'] {
  const { errors, warnings } = countDiagnostics(diags);
  return errors ? 'fail' : warnings ? 'warn' : 'pass';
}

/** Run the checks over the command files named by `paths`. */
export function validate(paths: readonly string[], opts: ValidateOptions, root = process.cwd()): ValidateReport & { sources: Map<string, string>; missing: string[] } {
  const { files: abs, missing } = resolveInputs(paths, root);
  const files = abs.map((f) => relative(root, f).split(sep).join(posix.sep));
  const sources = new Map<string, string>();
  for (const [i, f] of files.entries()) {
    try {
      sources.set(f, readFileSync(abs[i]!, 'utf8'));
    } catch {
      sources.set(f, '');
    }
  }
  const all = !opts.concurrency || Boolean(opts.all);
  const checks: CheckResult[] = RULES.map((r) => ({ id: r.id, group: 'concurrency', summary: r.summary, diagnostics: [], status: 'pass' }));
  if (all) {
    for (const c of STATE_FLOW_CHECKS) checks.push({ ...c, group: 'state-flow', diagnostics: [], status: 'pass' });
  }
  const byId = new Map(checks.map((c) => [c.id, c]));
  const cache = createLibraryCache();
  for (const [i, file] of files.entries()) {
    const source = sources.get(file)!;
    for (const d of lintSource(file, source, { path: abs[i]!, cache }).diagnostics) {
      let check = byId.get(d.id);
      if (!check) {
        // Not a rule's finding (the lint failed on the file): its own failing check.
        check = { id: d.id, group: 'concurrency', summary: d.message, diagnostics: [], status: 'pass' };
        checks.push(check);
        byId.set(d.id, check);
      }
      check.diagnostics.push(d);
    }
    if (all) {
      const flow = analyseStateFlow(readCommandSource(file, source), { path: abs[i]!, cache });
      for (const d of flow.diagnostics) byId.get(d.id)?.diagnostics.push(d);
    }
  }
  if (all) {
    const result = compile(abs, { root });
    const diags = result.diagnostics.filter((d) => d.severity !== 'info');
    checks.push({ id: 'compile', group: 'compile', summary: 'compile errors and warnings (cmdc compile)', diagnostics: diags, status: 'pass' });
  }
  for (const c of checks) {
    c.diagnostics.sort(compareDiagnostics);
    c.status = status(c.diagnostics);
  }
  return { files, checks, ok: !checks.some((c) => c.status === 'fail'), sources, missing };
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

/** `  PASS  mtime-discovery          …` */
export function formatCheckLine(c: CheckResult, width: number): string {
  const { errors, warnings } = countDiagnostics(c.diagnostics);
  const files = new Set(c.diagnostics.map((d) => d.file)).size;
  const detail =
    c.status === 'pass'
      ? `none: ${c.summary}`
      : `${[errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ')} in ${plural(files, 'file')}`;
  return `  ${c.status.toUpperCase().padEnd(4)}  ${c.id.padEnd(width)}  ${detail}`;
}

export async function runValidate(paths: string[], opts: ValidateOptions): Promise<number> {
  const report = validate(paths, opts);
  for (const m of report.missing) process.stderr.write(`cmdc validate: no such file or directory: ${m}\n`);
  if (report.missing.length) return 2;
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ ok: report.ok, files: report.files, checks: report.checks.map(({ id, group, status, diagnostics }) => ({ id, group, status, diagnostics })) }, null, 2) + '\n',
    );
    return report.ok ? 0 : 1;
  }
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const out: string[] = [];
  const diags = report.checks.flatMap((c) => c.diagnostics).sort(compareDiagnostics);
  for (const d of diags) out.push(formatDiagnostic(d, report.sources.get(d.file), { color }), '');
  const where = paths.length ? paths.join(' ') : 'commands/';
  out.push(`Validating ${plural(report.files.length, 'command file')} in ${where}`);
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const group of ['concurrency', 'state-flow', 'compile'] as const) {
    const checks = report.checks.filter((c) => c.group === group);
    if (!checks.length) continue;
    out.push('', `${group === 'concurrency' ? 'Concurrent execution safety' : group === 'state-flow' ? 'State flow between blocks' : 'Compilation'}:`);
    for (const c of checks) out.push(formatCheckLine(c, width));
  }
  const concurrency = report.checks.filter((c) => c.group === 'concurrency').flatMap((c) => c.diagnostics);
  const filesWith = new Set(concurrency.map((d) => d.file)).size;
  const n = (s: CheckResult['status']) => report.checks.filter((c) => c.status === s).length;
  out.push('', concurrency.length ? problemSummary(concurrency, filesWith, report.files.length) : cleanSummary(report.files.length));
  out.push(`Validation: ${plural(n('pass'), 'check')} passed, ${n('warn')} with warnings, ${n('fail')} failed`);
  process.stdout.write(out.join('\n') + '\n');
  return report.ok ? 0 : 1;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('Check a command set against the standards: concurrency lint, state flow between blocks, compilation')
    .argument('[paths...]', 'a command directory or .md files (default: commands/)')
    .option('--concurrency', 'only the concurrent execution safety checks (the lint rules)')
    .option('--all', 'every check: concurrency, state flow, compilation (the default)')
    .option('--json', 'print a JSON report on stdout')
    .addHelpText('after', '\nExamples:\n  cmdc validate --concurrency .claude/commands\n  cmdc validate --all')
    .action(async (paths: string[], opts: ValidateOptions) => {
      process.exitCode = await runValidate(paths, opts);
    });
}

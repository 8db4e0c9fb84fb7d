/**
 * cmdc's concurrency lint: the rules (one file each in this directory) run over command .md
 * files on the parsed AST. `lintSource` lints one file's text; `applyFixes` applies the certain
 * fixes of a result to its text. The CLI (cli/lint.ts), `cmdc validate` and `cmdc compile
 * --strict` use these.
 */
import { compareDiagnostics, internalError, type Diagnostic } from '../diagnostics.js';
import { createLintContext, type LibraryOptions, type LintFinding, type LintRule, type TextEdit } from './rule.js';
import { rule as sharedStateIdFile } from './shared-state-id-file.js';
import { rule as mtimeDiscovery } from './mtime-discovery.js';
import { rule as secondPrecisionId } from './second-precision-id.js';
import { rule as trapDeletesState } from './trap-deletes-state.js';
import { rule as foreignStateCleanup } from './foreign-state-cleanup.js';
import { rule as unquotedPathInRmMv } from './unquoted-path-in-rm-mv.js';
import { rule as stateWriteBypass } from './state-write-bypass.js';

export type { LintFinding, LintRule, TextEdit } from './rule.js';

/** Every rule, in the order their findings are listed. */
export const RULES: readonly LintRule[] = [
  sharedStateIdFile,
  mtimeDiscovery,
  secondPrecisionId,
  trapDeletesState,
  foreignStateCleanup,
  unquotedPathInRmMv,
  stateWriteBypass,
];

export interface LintOptions extends LibraryOptions {
  /** Only these rule ids (default: all). */
  rules?: readonly string[];
}

export interface LintResult {
  file: string;
  source: string;
  findings: LintFinding[];
  /** The findings' diagnostics, sorted. */
  diagnostics: Diagnostic[];
}

/** Lint one command file's text. Never throws: a crashing rule becomes an internal-error diagnostic. */
export function lintSource(file: string, source: string, opts: LintOptions = {}): LintResult {
  const findings: LintFinding[] = [];
  let ctx;
  try {
    ctx = createLintContext(file, source, opts);
  } catch (e) {
    const d = internalError({ file, line: 1, col: 1 }, (e as Error).message, (e as Error).stack?.split('\n')[1]?.trim());
    return { file, source, findings: [{ diagnostic: d }], diagnostics: [d] };
  }
  for (const rule of RULES) {
    if (opts.rules && !opts.rules.includes(rule.id)) continue;
    try {
      findings.push(...rule.check(ctx));
    } catch (e) {
      const err = e as Error;
      findings.push({ diagnostic: internalError({ file, line: 1, col: 1 }, `lint rule ${rule.id}: ${err.message}`, err.stack?.split('\n')[1]?.trim()) });
    }
  }
  findings.sort((a, b) => compareDiagnostics(a.diagnostic, b.diagnostic));
  return { file, source, findings, diagnostics: findings.map((f) => f.diagnostic) };
}

/** Apply the fixes of `findings` to `source` (non-overlapping edits; later overlapping ones are skipped). */
export function applyFixes(source: string, findings: readonly LintFinding[]): { text: string; applied: number } {
  const edits: TextEdit[] = findings.flatMap((f) => f.fix ?? []).sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  let applied = 0;
  for (const e of edits) {
    if (e.start < at) continue;
    out += source.slice(at, e.start) + e.text;
    at = e.end;
    applied++;
  }
  return { text: out + source.slice(at), applied };
}

/**
 * `cmdc errors`: query the error log (errors.jsonl plus its rotated files) by type, age,
 * command and workflow; one line per entry for people, `--json` for scripts; `--prune N` removes
 * rotated files but the newest N. Bad filter values exit with status 2 and a message naming the accepted values.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import {
  ERROR_TYPES,
  errorLogDir,
  isErrorType,
  parseSince,
  pruneRotatedErrorLogs,
  queryErrors,
  SinceParseError,
  type ErrorEntry,
  type ErrorQuery,
} from '../runtime/store/error-log.js';

interface ErrorsOptions {
  type?: string;
  since?: string;
  command?: string;
  workflow?: string;
  limit?: string;
  json?: boolean;
  logDir?: string;
  prune?: string;
}

type Colors = ReturnType<typeof pc.createColors>;

/** One human-readable line; control characters in fields are shown escaped. */
export function formatEntryLine(e: ErrorEntry, c: Colors): string {
  const flat = (s: string) => s.replace(/[\x00-\x1f\x7f]/g, (ch) => JSON.stringify(ch).slice(1, -1));
  const parts = [
    c.dim(e.timestamp),
    c.red(e.error_type.padEnd(16)),
    c.cyan(flat(e.command) || '-'),
    flat(e.workflow_id) || '-',
    e.source ? c.dim(flat(e.source)) : '',
    flat(e.message),
  ];
  return parts.filter((p) => p !== '').join('  ');
}

export function register(program: Command): void {
  program
    .command('errors')
    .description('Query the error log (errors.jsonl and its rotated files), oldest first')
    .option('-t, --type <type>', `only this error type: ${ERROR_TYPES.join(', ')}`)
    .option('-s, --since <when>', 'only entries newer than a duration (30m, 12h, 7d, 2w) or an ISO date')
    .option('-c, --command <name>', 'only entries of this command ("implement" matches "/implement")')
    .option('-w, --workflow <id>', 'only entries of this workflow id')
    .option('-n, --limit <n>', 'only the N most recent matching entries')
    .option('--json', 'print a JSON array of entries instead of one line per entry')
    .option('--log-dir <dir>', 'log directory (default: $CMDC_LOG_DIR, else $CLAUDE_PROJECT_DIR/.claude/data/logs)')
    .option('--prune <keep>', 'remove rotated log files but the newest <keep> (the live errors.jsonl is never touched), then exit')
    .addHelpText(
      'after',
      '\nExamples:\n  cmdc errors --type state_error --since 7d\n  cmdc errors --command implement --limit 20 --json',
    )
    .action((opts: ErrorsOptions, cmd: Command) => {
      const usage = (msg: string): never => cmd.error(`error: ${msg}`, { exitCode: 2, code: 'cmdc.usage' });
      if (opts.prune !== undefined) {
        if (!/^\d+$/.test(opts.prune)) usage(`invalid --prune ${JSON.stringify(opts.prune)}; expected how many rotated files to keep (0 or more)`);
        const logOpts = opts.logDir !== undefined ? { dir: opts.logDir } : {};
        const removed = pruneRotatedErrorLogs(Number(opts.prune), logOpts);
        process.stdout.write(`removed ${removed.length} rotated log file(s) from ${errorLogDir(logOpts)}\n`);
        return;
      }
      const q: ErrorQuery = {};
      if (opts.type !== undefined) {
        if (!isErrorType(opts.type)) usage(`invalid --type ${JSON.stringify(opts.type)}; expected one of ${ERROR_TYPES.join(', ')}`);
        q.type = opts.type as ErrorQuery['type'];
      }
      if (opts.since !== undefined) {
        try {
          q.since = parseSince(opts.since);
        } catch (err) {
          if (err instanceof SinceParseError) usage(`invalid --since: ${err.message}`);
          throw err;
        }
      }
      if (opts.limit !== undefined) {
        if (!/^\d+$/.test(opts.limit)) usage(`invalid --limit ${JSON.stringify(opts.limit)}; expected a non-negative integer`);
        q.limit = Number(opts.limit);
      }
      if (opts.command !== undefined) q.command = opts.command;
      if (opts.workflow !== undefined) q.workflowId = opts.workflow;

      const result = queryErrors(q, opts.logDir !== undefined ? { dir: opts.logDir } : {});
      if (result.malformed > 0) {
        process.stderr.write(`warning: skipped ${result.malformed} malformed line(s) in the error log\n`);
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(result.entries, null, 2) + '\n');
        return;
      }
      const colors = pc.createColors(Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env));
      if (result.entries.length === 0) {
        process.stdout.write('no matching errors\n');
        return;
      }
      process.stdout.write(result.entries.map((e) => formatEntryLine(e, colors)).join('\n') + '\n');
      if (result.total > result.entries.length) {
        process.stdout.write(colors.dim(`(${result.entries.length} of ${result.total} shown; raise --limit for more)`) + '\n');
      }
    });
}

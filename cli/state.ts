/**
 * `cmdc state list|show|cancel|repair|gc`: look at, stop and clean up per-instance workflow state files
 * (runtime/store/state.ts). Usage errors (a malformed id) exit 2, no such instance 1, and the
 * other failures with runtime/store/report.ts's status (65 a state file that does not parse, 77
 * permission or an unsafe file, 73 name too long, ...), always with one line on stderr and the
 * fix when there is one.
 */
import type { Command } from 'commander';
import { isUtf8 } from 'node:buffer';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { listCandidates, scanStateFiles } from '../runtime/store/discover.js';
import { gc, parseDuration, ttlFromEnv, type GcReport } from '../runtime/store/gc.js';
import { resolveOwner } from '../runtime/store/owner.js';
import { readdirIfExists, runRecordsDir, stateDir } from '../runtime/store/paths.js';
import { modeWarning, type ModeWarning } from '../runtime/store/safe-fs.js';
import { quote, quoteBytes } from '../runtime/store/format.js';
import { cancelState, isTerminalStatus, loadState, repairState, type StateMeta } from '../runtime/store/state.js';
import { NoInstanceError } from '../runtime/store/errors.js';
import { debugEnabled, formatReport, reportError } from '../runtime/store/report.js';

interface DirOption {
  stateDir?: string;
}

export interface ListedInstance {
  id: string;
  path: string;
  status: StateMeta['status'] | 'legacy';
  block: number;
  command: string;
  owner: string;
  created: string;
  modified: string;
  /** Owned by the caller's owner (the instances discovery would consider). */
  mine: boolean;
}

/** Every state file of the directory (newest first); `all` false keeps running/paused ones. */
export function listInstances(dir: string, all: boolean, warn: (msg: string) => void): ListedInstance[] {
  const me = resolveOwner().owner;
  const out: ListedInstance[] = [];
  for (const { id, path, meta, mtimeMs } of scanStateFiles(dir, (p, err) => warn(`skipping ${p}: ${err.message}`))) {
    const legacy = meta.format === '';
    if (!all && (legacy || isTerminalStatus(meta.status))) continue;
    out.push({
      id,
      path,
      status: legacy ? 'legacy' : meta.status,
      block: meta.block,
      command: meta.command,
      owner: meta.owner,
      created: meta.created,
      modified: new Date(mtimeMs).toISOString(),
      mine: meta.owner !== '' && meta.owner === me,
    });
  }
  return out;
}

/** A value for humans: bare if it is plainly safe, else bash `$'...'` quoting (one line, byte-exact). */
function shown(bytes: Buffer): string {
  if (!isUtf8(bytes)) return quoteBytes(bytes);
  const value = bytes.toString('utf8');
  return /^[A-Za-z0-9_./:@%+,=-]+$/.test(value) ? value : quote(value);
}

/**
 * Warnings about the state directory and its files when group or others may read (or write)
 * them: they hold arguments and values. cmdc creates 0700 directories and 0600 files; older
 * files, or ones made by hand, may be wider (runtime/store/safe-fs.ts).
 */
export function modeWarningLines(dir: string): string[] {
  const found: ModeWarning[] = [];
  const look = (p: string) => {
    try {
      const w = modeWarning(p, lstatSync(p));
      if (w) found.push(w);
    } catch {
      /* gone */
    }
  };
  look(dir);
  look(join(dir, '.cmdc'));
  for (const name of readdirIfExists(dir) ?? []) if (name.startsWith('workflow_') && (name.endsWith('.sh') || name.endsWith('.run.json'))) look(join(dir, name));
  for (const name of readdirIfExists(runRecordsDir(dir)) ?? []) if (name.endsWith('.json')) look(join(runRecordsDir(dir), name));
  if (found.length === 0) return [];
  const shownMode = (m: number) => m.toString(8).padStart(4, '0');
  const lines = found.slice(0, 5).map((w) => `warning: ${w.path} is mode ${shownMode(w.mode)}: ${w.what} (cmdc state files hold arguments and values)`);
  if (found.length > 5) lines.push(`warning: and ${found.length - 5} more files with such modes`);
  lines.push(`fix: chmod -R go-rwx ${dir}   (cmdc creates its files 0600 and directories 0700)`);
  return lines;
}

function formatAge(ms: number): string {
  const d = ms / 86_400_000;
  if (d >= 1) return `${d.toFixed(1)}d`;
  const h = ms / 3_600_000;
  if (h >= 1) return `${h.toFixed(1)}h`;
  return `${Math.round(ms / 60_000)}m`;
}

/**
 * Runs an action; an error becomes `cmdc state <sub>: message` (and its fix) on stderr with the
 * exit status of runtime/store/report.ts (65 a state file that does not parse, 77 permission or
 * an unsafe file, ...); internal errors go to the top-level handler (cli/main.ts).
 */
function guarded(sub: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (reportError(err).internal) throw err;
    const r = formatReport(`cmdc state ${sub}: `, err, debugEnabled());
    process.stderr.write(r.text);
    process.exitCode = r.exitCode;
  }
}

export function register(program: Command): void {
  const state = program
    .command('state')
    .description('List, show, cancel, repair and garbage-collect per-instance workflow state files')
    .addHelpText(
      'after',
      '\nState files live in ${CMDC_STATE_DIR:-${CLAUDE_PROJECT_DIR:-$PWD}/.claude/tmp}/workflow_<id>.sh.\n' +
        'Examples:\n  cmdc state list\n  cmdc state show implement_1765352600123456789_V1StGXR8_Z5jdHi6B-myT\n  cmdc state gc --ttl 3d --dry-run',
    );
  const c = pc.createColors(process.stdout.isTTY === true && !process.env.NO_COLOR);

  state
    .command('list')
    .description('List running and paused instances, newest first (* = yours: what discovery would consider)')
    .option('-a, --all', 'include done, failed and legacy (seed) state files')
    .option('--json', 'print a JSON array')
    .option('--state-dir <dir>', 'state directory (default: $CMDC_STATE_DIR, else $CLAUDE_PROJECT_DIR/.claude/tmp)')
    .action((opts: DirOption & { all?: boolean; json?: boolean }) =>
      guarded('list', () => {
        const dir = stateDir({ dir: opts.stateDir });
        const list = listInstances(dir, opts.all === true, (m) => process.stderr.write(`cmdc state list: ${m}\n`));
        for (const w of modeWarningLines(dir)) process.stderr.write(`cmdc state list: ${w}\n`);
        if (opts.json) {
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
          return;
        }
        if (list.length === 0) {
          process.stdout.write(`no ${opts.all ? '' : 'running or paused '}instances in ${dir}\n`);
          return;
        }
        for (const i of list) {
          const status = i.status === 'done' ? c.green(i.status) : i.status === 'failed' ? c.red(i.status) : c.yellow(i.status);
          process.stdout.write(
            `${i.mine ? '*' : ' '} ${i.id}  ${status.padEnd(7 + (status.length - i.status.length))}  block ${String(i.block).padEnd(3)} ` +
              `${c.cyan(i.command || '-')}  ${c.dim(i.modified)}  ${c.dim(i.owner || '-')}\n`,
          );
        }
      }),
    );

  state
    .command('show')
    .description("Show one instance's metadata and variables (read-only: never repairs or changes the file)")
    .argument('<id>', 'workflow id, or path to a workflow_<id>.sh file')
    .option('--json', 'print {id, path, meta, vars, arrays, torn} as JSON')
    .option('--state-dir <dir>', 'state directory (default: $CMDC_STATE_DIR, else $CLAUDE_PROJECT_DIR/.claude/tmp)')
    .action((id: string, opts: DirOption & { json?: boolean }) =>
      guarded('show', () => {
        const s = loadState(id, { dir: opts.stateDir, repair: false });
        if (opts.json) {
          const { id: sid, path, meta, vars, arrays, torn } = s;
          process.stdout.write(JSON.stringify({ id: sid, path, meta, vars, arrays, torn }, null, 2) + '\n');
          return;
        }
        const m = s.meta;
        const lines = [
          `${c.bold(s.id)}`,
          `  path     ${s.path}`,
          `  command  ${m.command || '-'}`,
          `  owner    ${m.owner || '-'}`,
          `  created  ${m.created || '-'}`,
          `  status   ${m.format === '' ? 'legacy (no cmdc header)' : m.status}`,
          `  block    ${m.block}`,
          `  modified ${new Date(s.mtimeMs).toISOString()}`,
        ];
        if (s.torn) lines.push(c.yellow('  (a torn last record, from a killed writer, is ignored)'));
        for (const [k, v] of Object.entries(m.extra)) lines.push(`  ${k.padEnd(8)} ${v}`);
        lines.push('');
        for (const [k, v] of Object.entries(s.varBytes)) lines.push(`${k}=${shown(v)}`);
        for (const [k, v] of Object.entries(s.arrayBytes)) lines.push(`${k}=(${v.map(shown).join(' ')})`);
        process.stdout.write(lines.join('\n') + '\n');
      }),
    );

  state
    .command('cancel')
    .description('Stop a running or paused instance you abandoned: it becomes failed, discovery no longer picks it, gc removes it after the TTL')
    .argument('[id]', 'workflow id, or path to a workflow_<id>.sh file')
    .option('--latest', "your newest running or paused instance (of --command, if given)")
    .option('--command <prefix>', 'with --latest: only instances whose id starts with <prefix>_')
    .option('--state-dir <dir>', 'state directory (default: $CMDC_STATE_DIR, else $CLAUDE_PROJECT_DIR/.claude/tmp)')
    .action((id: string | undefined, opts: DirOption & { latest?: boolean; command?: string }, cmd: Command) => {
      if ((id === undefined) === (opts.latest !== true)) {
        cmd.error('error: give an instance id, or --latest (not both)', { exitCode: 2, code: 'cmdc.usage' });
        return;
      }
      guarded('cancel', () => {
        let target = id;
        if (target === undefined) {
          const owner = resolveOwner().owner;
          const dir = stateDir({ dir: opts.stateDir });
          const mine = listCandidates({ dir, owner, ...(opts.command ? { prefix: opts.command } : {}) });
          if (mine.length === 0) throw new NoInstanceError(opts.command, owner, dir);
          target = mine[0]!.id;
        }
        const c = cancelState(target, { dir: opts.stateDir });
        if (c.was === 'done' || c.was === 'failed') {
          process.stdout.write(`${c.id} is already ${c.was}; nothing to cancel\n`);
          return;
        }
        process.stdout.write(
          `cancelled ${c.id} (${c.command || '-'}, was ${c.was} at block ${c.block}): discovery no longer picks it; cmdc state gc removes it after the TTL\n`,
        );
      });
    });

  state
    .command('repair')
    .description('Cut a torn last record (left by a writer killed mid-write) so the state file loads whole again')
    .argument('<id>', 'workflow id, or path to a workflow_<id>.sh file')
    .option('--state-dir <dir>', 'state directory (default: $CMDC_STATE_DIR, else $CLAUDE_PROJECT_DIR/.claude/tmp)')
    .action((id: string, opts: DirOption) =>
      guarded('repair', () => {
        const what = repairState(id, { dir: opts.stateDir });
        const text = what === 'truncated' ? 'cut its torn last record' : what === 'newline' ? 'ended its last line' : 'nothing to repair';
        process.stdout.write(`${id}: ${text}\n`);
      }),
    );

  state
    .command('gc')
    .description('Remove done/failed instances and abandoned ones (owner not provably alive) older than the TTL')
    .option('--ttl <duration>', 'age limit since last write: 7d, 12h, 90m, 2w (default: $CMDC_STATE_TTL, else 7d)')
    .option('-n, --dry-run', 'only report what would be removed')
    .option('--json', 'print the gc report as JSON')
    .option('--state-dir <dir>', 'state directory (default: $CMDC_STATE_DIR, else $CLAUDE_PROJECT_DIR/.claude/tmp)')
    .addHelpText('after', '\nA running or paused instance whose owner process is alive is never removed.')
    .action((opts: DirOption & { ttl?: string; dryRun?: boolean; json?: boolean }, cmd: Command) => {
      let ttlMs: number;
      try {
        ttlMs = opts.ttl !== undefined ? parseDuration(opts.ttl) : ttlFromEnv();
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`, { exitCode: 2, code: 'cmdc.usage' });
        return;
      }
      guarded('gc', () => {
        const report: GcReport = gc({ dir: opts.stateDir, ttlMs, dryRun: opts.dryRun === true });
        if (opts.json) {
          process.stdout.write(JSON.stringify(report, null, 2) + '\n');
          return;
        }
        const verb = report.dryRun ? 'would remove' : 'removed';
        for (const r of report.removed) {
          process.stdout.write(`${verb} ${r.id}  (${r.reason}, last written ${formatAge(r.ageMs)} ago)\n`);
        }
        for (const s of report.skipped) process.stderr.write(`cmdc state gc: skipped ${s.path}: ${s.reason}\n`);
        process.stdout.write(
          `gc: ${verb} ${report.removed.length}, kept ${report.kept} (ttl ${formatAge(ttlMs)}) in ${report.dir}` +
            (report.indexEntriesRemoved || report.checkpointDirsRemoved || report.runRecordsRemoved || report.tempFilesRemoved
              ? `; also ${report.indexEntriesRemoved} index entries, ${report.checkpointDirsRemoved} checkpoint dirs, ${report.runRecordsRemoved} run records, ${report.tempFilesRemoved} temp files`
              : '') +
            '\n',
        );
      });
    });
}

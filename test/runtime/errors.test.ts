/** Tests for runtime/store/error-log.ts (error log, rotation under concurrent writers, queries) and the `cmdc errors` CLI. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  classifyError,
  errorLogDir,
  errorLogMaxBytes,
  InvalidErrorEntryError,
  listErrorLogFiles,
  logError,
  parseSince,
  pruneRotatedErrorLogs,
  queryErrors,
  readErrorLog,
  SinceParseError,
  trapErrors,
  type ErrorInput,
} from '../../runtime/store/error-log.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'cmdc-errors-'));
const base: ErrorInput = { command: '/implement', error_type: 'state_error', message: 'boom' };

test('logError writes one complete line with the fixed key order and defaults', () => {
  const dir = tmp();
  const e = logError({ ...base, source: 'implement.md:42' }, { dir, now: () => new Date('2025-02-03T04:05:06.789Z') });
  const text = readFileSync(join(dir, 'errors.jsonl'), 'utf8');
  assert.is(
    text,
    '{"timestamp":"2025-02-03T04:05:06.789Z","command":"/implement","workflow_id":"","user_args":"",' +
      '"error_type":"state_error","message":"boom","source":"implement.md:42","context":{}}\n',
  );
  assert.equal(JSON.parse(text), e);
  rmSync(dir, { recursive: true });
});

test('values with newlines, quotes and unicode stay on one line and round-trip', () => {
  const dir = tmp();
  const nasty = 'a\nb\r\t"q" \\ $(touch X) `id` \u2028 é 🦀 \x01';
  logError({ ...base, message: nasty, user_args: nasty, context: { v: nasty } }, { dir });
  const text = readFileSync(join(dir, 'errors.jsonl'), 'utf8');
  assert.is(text.split('\n').length, 2);
  const [e] = readErrorLog({ dir }).entries;
  assert.is(e!.message, nasty);
  assert.is(e!.user_args, nasty);
  assert.equal(e!.context, { v: nasty });
  rmSync(dir, { recursive: true });
});

test('an unknown error_type is rejected and nothing is written', () => {
  const dir = tmp();
  assert.throws(() => logError({ ...base, error_type: 'oops' as never }, { dir }), (e: unknown) => e instanceof InvalidErrorEntryError && /state_error/.test((e as Error).message));
  assert.throws(() => logError({ ...base, context: [] as never }, { dir }), (e: unknown) => e instanceof InvalidErrorEntryError);
  assert.throws(() => logError({ ...base, timestamp: 'yesterday' }, { dir }), (e: unknown) => e instanceof InvalidErrorEntryError);
  assert.equal(listErrorLogFiles({ dir }), []);
  rmSync(dir, { recursive: true });
});

test('directory and size limit resolve from options, then env, like the bash library', () => {
  assert.is(errorLogDir({ env: { CMDC_LOG_DIR: '/x/logs', CLAUDE_PROJECT_DIR: '/p' } }), '/x/logs');
  assert.is(errorLogDir({ env: { CMDC_LOG_DIR: '', CLAUDE_PROJECT_DIR: '/p' } }), '/p/.claude/data/logs');
  assert.is(errorLogDir({ env: {}, cwd: '/c' }), '/c/.claude/data/logs');
  assert.is(errorLogDir({ dir: '/d', env: { CMDC_LOG_DIR: '/x' } }), '/d');
  assert.is(errorLogMaxBytes({ env: {} }), 10 * 1024 * 1024);
  assert.is(errorLogMaxBytes({ env: { CMDC_ERRORS_MAX_BYTES: '4096' } }), 4096);
  assert.is(errorLogMaxBytes({ maxBytes: 100, env: { CMDC_ERRORS_MAX_BYTES: '4096' } }), 100);
  assert.throws(() => errorLogMaxBytes({ env: { CMDC_ERRORS_MAX_BYTES: '4k' } }), /CMDC_ERRORS_MAX_BYTES/);
});

test('rotation renames the full file to errors.<stamp>-<rand>.jsonl and reading merges all files', () => {
  const dir = tmp();
  for (let i = 0; i < 50; i++) logError({ ...base, context: { i } }, { dir, maxBytes: 1000 });
  const names = readdirSync(dir).sort();
  const rotated = names.filter((n) => n !== 'errors.jsonl');
  assert.ok(rotated.length >= 5, `rotated ${rotated.length}`);
  for (const n of rotated) assert.match(n, /^errors\.\d{8}T\d{12}Z-[0-9a-f]{12}\.jsonl$/);
  const { entries, malformed } = readErrorLog({ dir });
  assert.is(malformed, 0);
  assert.equal(entries.map((e) => e.context.i), Array.from({ length: 50 }, (_, i) => i));
  // pruning is explicit and never touches the live file
  const dropped = pruneRotatedErrorLogs(2, { dir });
  assert.is(dropped.length, rotated.length - 2);
  assert.is(listErrorLogFiles({ dir }).filter((f) => !f.endsWith('/errors.jsonl')).length, 2);
  rmSync(dir, { recursive: true });
});

test('8 processes x 500 entries with a 4 KB rotation size: 4,000 valid lines, every (proc, seq) once', async () => {
  const dir = tmp();
  const procs = 8;
  const per = 500;
  const t0 = Date.now();
  const codes = await Promise.all(
    Array.from({ length: procs }, (_, p) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/errors-writer.ts'), String(p), String(per)], {
          cwd: root,
          env: { ...process.env, CMDC_LOG_DIR: dir, CMDC_ERRORS_MAX_BYTES: '4096' },
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        child.on('close', resolve);
      }),
    ),
  );
  const ms = Date.now() - t0;
  assert.equal(codes, Array(procs).fill(0));
  const files = readdirSync(dir);
  let lines = 0;
  const seen = new Set<string>();
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    assert.ok(text === '' || text.endsWith('\n'), `${f} ends with a complete line`);
    for (const line of text.split('\n')) {
      if (line === '') continue;
      lines++;
      const e = JSON.parse(line); // throws on a torn or interleaved line
      const key = `${e.context.proc}:${e.context.seq}`;
      assert.not.ok(seen.has(key), `duplicate ${key}`);
      seen.add(key);
    }
  }
  assert.is(lines, procs * per);
  assert.is(seen.size, procs * per);
  const q = queryErrors({ workflowId: 'stress_3' }, { dir });
  assert.is(q.malformed, 0);
  assert.is(q.entries.length, per);
  console.log(`  8x500 concurrent appends: ${ms} ms wall (incl. 8 tsx start-ups), ${files.length} files`);
  rmSync(dir, { recursive: true });
});

function seeded(): string {
  const dir = tmp();
  const at = (iso: string) => ({ dir, now: () => new Date(iso) });
  logError({ ...base, command: '/implement', workflow_id: 'implement_1', error_type: 'state_error', message: 'a' }, at('2025-01-01T00:00:00.000Z'));
  logError({ ...base, command: '/research', workflow_id: 'research_1', error_type: 'agent_error', message: 'b' }, at('2025-01-05T00:00:00.000Z'));
  logError({ ...base, command: '/implement', workflow_id: 'implement_2', error_type: 'file_error', message: 'c' }, at('2025-01-09T00:00:00.000Z'));
  logError({ ...base, command: 'implement', workflow_id: 'implement_2', error_type: 'state_error', message: 'd' }, at('2025-01-09T12:00:00.000Z'));
  // written out of order on purpose: results are sorted by timestamp
  logError({ ...base, command: '/debug', workflow_id: 'debug_1', error_type: 'state_error', message: 'early' }, at('2024-12-31T00:00:00.000Z'));
  return dir;
}
const msgs = (r: { entries: { message: string }[] }) => r.entries.map((e) => e.message);

test('queryErrors: sorted by timestamp; filters by type, since, command, workflow, limit', () => {
  const dir = seeded();
  const now = () => new Date('2025-01-10T00:00:00.000Z');
  const o = { dir, now };
  assert.equal(msgs(queryErrors({}, o)), ['early', 'a', 'b', 'c', 'd']);
  assert.equal(msgs(queryErrors({ type: 'state_error' }, o)), ['early', 'a', 'd']);
  assert.equal(msgs(queryErrors({ since: '7d' }, o)), ['b', 'c', 'd']);
  assert.equal(msgs(queryErrors({ since: '12h' }, o)), ['d']);
  assert.equal(msgs(queryErrors({ since: '2025-01-05' }, o)), ['b', 'c', 'd']);
  assert.equal(msgs(queryErrors({ command: 'implement' }, o)), ['a', 'c', 'd']);
  assert.equal(msgs(queryErrors({ command: '/implement' }, o)), ['a', 'c', 'd']);
  assert.equal(msgs(queryErrors({ workflowId: 'implement_2' }, o)), ['c', 'd']);
  assert.equal(msgs(queryErrors({ type: 'state_error', command: 'implement', since: '30d' }, o)), ['a', 'd']);
  const lim = queryErrors({ limit: 2 }, o);
  assert.equal(msgs(lim), ['c', 'd']);
  assert.is(lim.total, 5);
  assert.equal(msgs(queryErrors({ limit: 0 }, o)), []);
  assert.throws(() => queryErrors({ type: 'nope' as never }, o), (e: unknown) => e instanceof InvalidErrorEntryError);
  assert.throws(() => queryErrors({ since: 'last week' }, o), (e: unknown) => e instanceof SinceParseError);
  rmSync(dir, { recursive: true });
});

test('parseSince: durations relative to now, ISO dates, clear error otherwise', () => {
  const now = new Date('2025-01-10T00:00:00.000Z');
  assert.is(parseSince('7d', now).toISOString(), '2025-01-03T00:00:00.000Z');
  assert.is(parseSince('12h', now).toISOString(), '2025-01-09T12:00:00.000Z');
  assert.is(parseSince('30m', now).toISOString(), '2025-01-09T23:30:00.000Z');
  assert.is(parseSince('45s', now).toISOString(), '2025-01-09T23:59:15.000Z');
  assert.is(parseSince('2w', now).toISOString(), '2024-12-27T00:00:00.000Z');
  assert.is(parseSince(' 0d ', now).toISOString(), now.toISOString());
  assert.is(parseSince('2025-01-05', now).toISOString(), '2025-01-05T00:00:00.000Z');
  assert.is(parseSince('2025-01-05T10:00:00Z', now).toISOString(), '2025-01-05T10:00:00.000Z');
  assert.is(parseSince('2025-01-05T10:00:00+02:00', now).toISOString(), '2025-01-05T08:00:00.000Z');
  for (const bad of ['', '7', 'd', '7days', '-1d', '1.5h', '2025-13-45', 'yesterday', '1y']) {
    assert.throws(() => parseSince(bad, now), (e: unknown) => e instanceof SinceParseError && /7d/.test((e as Error).message), bad);
  }
});

test('malformed lines are skipped and counted, in live and rotated files', () => {
  const dir = seeded();
  appendFileSync(join(dir, 'errors.jsonl'), '{"truncated":\nnot json at all\n{"timestamp":"2025-01-01T00:00:00Z","error_type":"bogus_error"}\n[1,2]\n\n');
  writeFileSync(join(dir, 'errors.20250101T000000000000Z-000000000000.jsonl'), '{"timestamp":"2025-01-02T00:00:00.000Z","error_type":"parse_error","message":"rotated"}\n{oops\n');
  writeFileSync(join(dir, 'errors.jsonl.bak'), 'ignored: not a log file name\n');
  const r = queryErrors({}, { dir });
  assert.is(r.malformed, 5);
  assert.equal(msgs(r), ['early', 'a', 'rotated', 'b', 'c', 'd']);
  assert.is(r.entries[2]!.command, '');
  rmSync(dir, { recursive: true });
});

test('trapErrors logs the escaping error with its type and rethrows it; classifyError', async () => {
  const dir = tmp();
  const ctx = { command: '/implement', workflowId: 'implement_9', source: 'implement.md:7', log: { dir } };
  const boom = Object.assign(new Error('no such file'), { code: 'ENOENT' });
  let caught: unknown;
  try {
    await trapErrors(ctx, () => { throw boom; });
  } catch (e) {
    caught = e;
  }
  assert.is(caught, boom);
  assert.is(await trapErrors(ctx, async () => 5), 5);
  const [e] = readErrorLog({ dir }).entries;
  assert.is(e!.error_type, 'file_error');
  assert.is(e!.workflow_id, 'implement_9');
  assert.is(e!.source, 'implement.md:7');
  assert.type(e!.context.stack, 'string');
  assert.is(classifyError(new SyntaxError('x')), 'parse_error');
  assert.is(classifyError(Object.assign(new Error('x'), { errorType: 'agent_error' })), 'agent_error');
  assert.is(classifyError('string thrown'), 'execution_error');
  rmSync(dir, { recursive: true });
});

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'errors', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('CLI: --json with filters, human lines without colour when piped, exit 2 on bad --type/--since/--limit, --help', () => {
  const dir = seeded();
  const env = { CMDC_LOG_DIR: dir };
  const j = cli(['--type', 'state_error', '--command', 'implement', '--json'], env);
  assert.is(j.code, 0, j.err);
  assert.equal(JSON.parse(j.out).map((e: { message: string }) => e.message), ['a', 'd']);
  const w = cli(['--workflow', 'implement_2', '--limit', '1', '--json'], env);
  assert.equal(JSON.parse(w.out).map((e: { message: string }) => e.message), ['d']);

  const h = cli(['--since', '2025-01-09'], env);
  assert.is(h.code, 0, h.err);
  const lines = h.out.trimEnd().split('\n');
  assert.is(lines.length, 2);
  assert.match(lines[0]!, /^2025-01-09T00:00:00.000Z\s+file_error\s+\/implement\s+implement_2\s+/);
  assert.not.match(h.out, /\x1b\[/);

  const badType = cli(['--type', 'oops_error'], env);
  assert.is(badType.code, 2);
  assert.match(badType.err, /invalid --type "oops_error".*state_error/);
  const badSince = cli(['--since', 'last tuesday'], env);
  assert.is(badSince.code, 2);
  assert.match(badSince.err, /invalid --since/);
  const badLimit = cli(['--limit', 'ten'], env);
  assert.is(badLimit.code, 2);

  const help = cli(['--help'], env);
  assert.is(help.code, 0);
  assert.match(help.out, /--type <type>/);
  assert.match(help.out, /--since <when>/);

  const empty = cli(['--json'], { CMDC_LOG_DIR: join(dir, 'nowhere') });
  assert.is(empty.code, 0);
  assert.equal(JSON.parse(empty.out), []);
  rmSync(dir, { recursive: true });
});

test.run();

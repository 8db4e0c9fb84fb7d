/**
 * `cmdc lint`, `cmdc validate` and `cmdc compile --strict` as a user runs them (real processes
 * of cli/bin/cmdc.mjs): the project's own commands print the migration guide's clean summary
 * line and exit 0; the failing fixtures exit 1 with located diagnostics; `--json` is one JSON
 * document; `--fix` rewrites `date +%s` in place (atomically) and the file then lints clean;
 * validate prints one line per check; compile --strict fails on lint errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const ROOT = resolve(import.meta.dirname, '../..');
const TMP = mkdtempSync(join(tmpdir(), 'cmdc-lint-'));

function cmdc(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'cli/bin/cmdc.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("cmdc lint commands/*.md: the guide's clean line, exit 0", () => {
  const r = cmdc(['lint', 'commands/implement.md', 'commands/research.md']);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.is(
    r.stdout,
    'commands/implement.md: ok\ncommands/research.md: ok\n Concurrent execution safety: No shared state ID files detected (2 files checked)\n',
  );
});

test('cmdc lint on the failing fixtures: located diagnostics with code frames, summary, exit 1; --json', () => {
  const r = cmdc(['lint', 'test/fixtures/lint/bad/mtime-discovery.md', 'test/fixtures/lint/clean']);
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^test\/fixtures\/lint\/bad\/mtime-discovery\.md: 6 errors, 0 warnings$/m);
  assert.match(r.stdout, /test\/fixtures\/lint\/bad\/mtime-discovery\.md:6:14: error\[mtime-discovery\]: /);
  assert.match(r.stdout, /> 6 \| STATE_FILE=\$\(ls -t/);
  assert.match(r.stdout, /hint: use discover_latest_state_file/);
  assert.match(r.stdout, /^test\/fixtures\/lint\/clean\/trap-deletes-state\.md: ok$/m);
  assert.match(r.stdout, /\n Concurrent execution safety: 6 errors, 0 warnings in 1 file \(11 files checked\)\n$/);
  const j = cmdc(['lint', '--json', 'test/fixtures/lint/bad/second-precision-id.md']);
  assert.is(j.status, 1);
  const report = JSON.parse(j.stdout) as { ok: boolean; files: { file: string; diagnostics: { id: string; line: number }[] }[]; summary: { errors: number } };
  assert.is(report.ok, false);
  assert.is(report.summary.errors, 5);
  assert.equal([...new Set(report.files[0]!.diagnostics.map((d) => d.id))], ['second-precision-id']);
});

test('cmdc lint --fix: date +%s becomes date +%s%N in the file; what is left is reported', () => {
  const dir = join(TMP, 'fix', '.claude', 'commands');
  const file = join(dir, 'ids.md');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, '---\ndescription: ids\n---\n\n```bash\nWORKFLOW_ID="ids_$(date +%s)"\nRUN_ID=$(date +%Y%m%d%H%M%S)\n```\n');
  const r = cmdc(['lint', '--fix', file]);
  assert.is(r.status, 1, 'the %Y%m%d%H%M%S id is not fixed automatically');
  assert.match(r.stdout, /ids\.md: 1 error, 0 warnings \(fixed 1 problem\)/);
  assert.match(readFileSync(file, 'utf8'), /WORKFLOW_ID="ids_\$\(date \+%s%N\)"\nRUN_ID=\$\(date \+%Y%m%d%H%M%S\)/);
});

test('cmdc validate: one line per check; --concurrency only the lint; exit 1 on a failing check', () => {
  const ok = cmdc(['validate', '--concurrency', 'commands']);
  assert.is(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^ {2}PASS {2}shared-state-id-file {4}none: /m);
  assert.not.match(ok.stdout, /state-var-not-persisted/);
  assert.match(ok.stdout, /^ Concurrent execution safety: No shared state ID files detected \(2 files checked\)$/m);
  const bad = cmdc(['validate', '--all', 'test/fixtures/lint/bad/state-var-not-persisted.md', 'test/fixtures/lint/bad/unquoted-path-in-rm-mv.md']);
  assert.is(bad.status, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /^ {2}FAIL {2}state-var-not-persisted {2}5 errors in 1 file$/m);
  assert.match(bad.stdout, /^ {2}WARN {2}unquoted-path-in-rm-mv {3}5 warnings in 1 file$/m);
  assert.match(bad.stdout, /^ {2}(PASS|WARN) {2}compile /m);
  assert.match(bad.stdout, /^Validation: \d+ checks passed, \d with warnings, 1 failed$/m);
});

test('cmdc compile --strict fails on lint errors; without --strict the lint does not run', () => {
  const out = join(TMP, 'out');
  const strict = cmdc(['compile', '--strict', '--out', out, 'test/fixtures/lint/bad/state-write-bypass.md']);
  assert.is(strict.status, 1);
  assert.match(strict.stderr, /error\[state-write-bypass\]/);
  assert.not.ok(existsSync(join(out, 'state-write-bypass.ts')));
  const plain = cmdc(['compile', '--out', out, 'test/fixtures/lint/bad/state-write-bypass.md']);
  assert.is(plain.status, 0, plain.stderr);
  assert.not.match(plain.stderr, /state-write-bypass\]/);
});

test.run();

/**
 * Failures reach users as one line naming the file and the cause (plus the fix), with a
 * distinct exit status, never as a Node stack trace (issue 12, item 13). Real processes: a
 * bundled command and the bundled `cmdc` CLI. When the tests run as root (who may write
 * anywhere), the children run as `nobody` so that permissions apply.
 *
 *   state dir not writable (EACCES) .......... 77      state file not writable ......... 77
 *   path component too long (ENAMETOOLONG) ... 73      torn non-record tail ............ 65
 *   random bytes appended .................... 65      internal error (a bug) .......... 70
 * Every stderr is grepped for `    at ` (a trace); CMDC_DEBUG=1 is the only way to get one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { bundleCommand } from '../helpers/command-bundle.js';
import { bundleCli, othersCanReach } from '../helpers/cli-bundle.js';
import { childEnv } from '../helpers/child-env.js';
import { reportError } from '../../runtime/store/report.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ROOTUSER = process.getuid?.() === 0;
const NOBODY = 65534;
const TMP = mkdtempSync(join(tmpdir(), 'cmdc-fail-'));
chmodSync(TMP, 0o755);
const PROJ = join(TMP, 'proj');
const TRACE = /\n\s+at /;

const SOURCE = `---
description: failures test
---

# /fail

## Block 1: Init

\`\`\`bash
source "$CLAUDE_PROJECT_DIR/.claude/lib/core/state-persistence.sh"
WORKFLOW_ID=$(generate_unique_workflow_id fail)
init_workflow_state "$WORKFLOW_ID" >/dev/null
append_workflow_state A "one"
\`\`\`

## Block 2: Use

\`\`\`bash
source "$CMDC_STATE_FILE"
echo "A=$A"
\`\`\`
`;

let BUNDLE = '';
let CLI = '';
let BROKEN = '';

/** The children's user: nobody when we are root (root ignores permissions). */
const as = ROOTUSER ? { uid: NOBODY, gid: NOBODY } : {};
/** Makes `p` (recursively) the children's. */
const own = (p: string) => {
  if (!ROOTUSER) return;
  chownSync(p, NOBODY, NOBODY);
  try {
    for (const n of readdirSync(p)) own(join(p, n));
  } catch {
    /* a file */
  }
};
/** A bundle readable by the children. */
const readable = (file: string) => {
  chmodSync(dirname(file), 0o755);
  chmodSync(file, 0o644);
  return file;
};

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, args, {
    cwd: PROJ,
    encoding: 'utf8',
    ...as,
    env: childEnv({ home: TMP, project: PROJ, owner: 'fail-test' }, { CMDC_LOG_DIR: join(PROJ, 'log'), ...env }),
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function fresh(): void {
  rmSync(PROJ, { recursive: true, force: true });
  mkdirSync(PROJ, { recursive: true });
  own(PROJ);
}

/** The state file of the one instance (after --block 1). */
function stateFile(): string {
  const dir = join(PROJ, '.claude', 'tmp');
  return join(dir, readdirSync(dir).find((f) => /^workflow_fail_.*\.sh$/.test(f))!);
}

function assertOneLine(r: { status: number | null; stderr: string }, status: number, re: RegExp): void {
  assert.is(r.status, status, r.stderr);
  assert.match(r.stderr, re);
  assert.not.match(r.stderr, TRACE, 'a stack trace reached the user');
}

test.before(() => {
  BUNDLE = readable(bundleCommand('fail', SOURCE));
  // the children (nobody) cannot load packages from a checkout they cannot reach (a 0700 dir)
  CLI = readable(bundleCli({ selfContained: ROOTUSER && !othersCanReach(ROOT) }));
  // an entry whose command is broken in a way no input explains: an internal error
  const dir = join(TMP, 'broken');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'entry.ts'),
    `import { run } from ${JSON.stringify(join(ROOT, 'runtime/runner/run.ts'))};\n` +
      `const command = { name: 'broken', source: 'broken.md', frontmatter: {}, get steps(): never { throw new RangeError('kaput'); } };\n` +
      `await run(command as never, process.argv);\n`,
  );
  BROKEN = join(dir, 'broken.mjs');
  buildSync({ entryPoints: [join(dir, 'entry.ts')], outfile: BROKEN, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
    banner: { js: "import { createRequire as __r } from 'node:module';\nconst require = __r(import.meta.url);" } });
  readable(BROKEN);
});
test.after(() => {
  rmSync(TMP, { recursive: true, force: true });
  // the self-contained CLI is a directory of chunks of its own
  rmSync(CLI.includes('cmdc-cli-') ? dirname(CLI) : CLI, { recursive: true, force: true });
});

test('state directory not writable (EACCES): 77, the directory and the fix', () => {
  fresh();
  const ro = join(PROJ, 'ro');
  mkdirSync(ro);
  own(ro);
  chmodSync(ro, 0o555);
  const r = run([BUNDLE, '--block', '1'], { CMDC_STATE_DIR: join(ro, 'state') });
  assertOneLine(r, 77, new RegExp(`/fail: permission denied: .*ro/state \\(mkdir\\)\\n  make it readable and writable`));
});

test('state file not writable: 77, the file', () => {
  fresh();
  assert.is(run([BUNDLE, '--block', '1']).status, 0);
  chmodSync(stateFile(), 0o400);
  const r = run([BUNDLE, '--block', '2']);
  assertOneLine(r, 77, /permission denied: .*workflow_fail_[^ ]*\.sh \(open\)/);
  const show = run([CLI, 'state', 'show', stateFile()]);
  assert.is(show.status, 0, show.stderr); // reading is fine
  chmodSync(stateFile(), 0o000);
  if (ROOTUSER) assertOneLine(run([CLI, 'state', 'show', stateFile()]), 77, /cmdc state show: permission denied: .*\.sh \(open\)/);
});

test('a path component too long (ENAMETOOLONG): 73', () => {
  fresh();
  const r = run([BUNDLE, '--block', '1'], { CMDC_STATE_DIR: join(PROJ, 'x'.repeat(300)) });
  assertOneLine(r, 73, /\/fail: file name too long: .*x{300}/);
  assertOneLine(run([CLI, 'state', 'list', '--state-dir', join(PROJ, 'y'.repeat(300))]), 73, /cmdc state list: file name too long: .*y{300}/);
});

/**
 * `n` bytes that look random but are the same every run (a chain of sha256 from `seed`): truly
 * random bytes starting with '#' would be a comment line, which parses, and the test would flake.
 */
function noise(seed: string, n: number): Buffer {
  const parts: Buffer[] = [];
  for (let h = Buffer.from(seed), len = 0; len < n; len += h.length) parts.push((h = createHash('sha256').update(h).digest()));
  const b = Buffer.concat(parts).subarray(0, n);
  assert.ok(b[0] !== 0x23 && b[0] !== 0x0a, 'noise must not start a comment or blank line');
  return b;
}

test('a state file with a torn non-record tail, or random bytes appended: 65, file:line', () => {
  for (const tail of [Buffer.from('B=1 touch x'), Buffer.concat([Buffer.from('\n'), noise('a', 200)]), noise('b', 64), Buffer.from('\0\0\0'), Buffer.from([0xff, 0xfe, 0x3d, 0x80])]) {
    fresh();
    assert.is(run([BUNDLE, '--block', '1']).status, 0);
    const f = stateFile();
    appendFileSync(f, tail);
    const r = run([BUNDLE, '--block', '2']);
    assertOneLine(r, 65, new RegExp(`${f.replace(/[.]/g, '\\.')}:\\d+: `));
    assert.not.match(r.stderr, /null bytes/);
    assertOneLine(run([CLI, 'state', 'show', f]), 65, /cmdc state show: .*\.sh:\d+: /);
    const list = run([CLI, 'state', 'list']);
    assert.is(list.status, 0, list.stderr);
    assert.not.match(list.stderr, TRACE);
    const resume = run([BUNDLE, '--resume']);
    assert.not.match(resume.stderr, TRACE);
  }
});

test('an internal error: 70, one line and "please report"; the trace only with CMDC_DEBUG=1', () => {
  fresh();
  const r = run([BROKEN, '--block', '1']);
  assertOneLine(r, 70, /^\/broken: internal error: RangeError: kaput\n  this is a bug in cmdc, please report it \(CMDC_DEBUG=1 shows the stack trace\)\n$/);
  const d = run([BROKEN, '--block', '1'], { CMDC_DEBUG: '1' });
  assert.is(d.status, 70);
  assert.match(d.stderr, TRACE);
});

test('reportError: each failure kind has its own status', () => {
  const errno = (code: string) => Object.assign(new Error(code), { code, path: '/x', syscall: 'open' });
  const codes = ['EACCES', 'ENAMETOOLONG', 'ELOOP', 'ENOSPC', 'EROFS'].map((c) => reportError(errno(c)).exitCode);
  assert.equal(codes, [77, 73, 77, 74, 73]);
  assert.is(reportError(new TypeError('x')).exitCode, 70);
  assert.ok(reportError(new TypeError('x')).internal);
});

test.run();

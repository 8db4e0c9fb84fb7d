/**
 * A tampered state file is never executed and never loaded (issue 12, items 1 and 2). Each
 * payload is appended to a real instance's state file, then the file is used every way cmdc
 * uses one:
 *   - the runner: `--block 2` (a block that does `source "$CMDC_STATE_FILE"`), `--block 3`
 *     (`load_workflow_state`), `--resume` after the agent step (bundled command, real process);
 *   - the TS runtime in process: `source "$STATE_FILE"`, `load_workflow_state`,
 *     `discover_latest_state_file` (runtime/statelib builtins);
 *   - cmdc's bash library in real bash: `load_workflow_state`, `discover_latest_state_file`;
 *   - `cmdc state show`.
 * Every use must refuse with the file and line, and the payload must not run: the sentinel
 * file is never created, the directory `rm -rf` targets survives, no variable is assigned.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleCommand } from '../helpers/command-bundle.js';
import { bundleCli } from '../helpers/cli-bundle.js';
import { childEnv } from '../helpers/child-env.js';
import { parseBash } from '../../compiler/parse.js';
import { createContext } from '../../compiler/context.js';
import { translateBlock } from '../../compiler/translate/index.js';
import { createShell, runBlock, type Shell } from '../../runtime/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TMP = mkdtempSync(join(tmpdir(), 'cmdc-tamper-'));
const PROJ = join(TMP, 'proj');
const S = join(TMP, 'PWNED');
const KEEP = join(TMP, 'keep');

const SOURCE = `---
description: tamper test
---

# /tamper

## Block 1: Init

\`\`\`bash
source "$CLAUDE_PROJECT_DIR/.claude/lib/core/state-persistence.sh"
WORKFLOW_ID=$(generate_unique_workflow_id tamper)
init_workflow_state "$WORKFLOW_ID" >/dev/null
append_workflow_state A "one"
echo "init"
\`\`\`

## Block 2: Source

\`\`\`bash
source "$CMDC_STATE_FILE"
echo "A=\${A-unset}"
\`\`\`

Say hello.

## Block 3: Load

\`\`\`bash
source "$CLAUDE_PROJECT_DIR/.claude/lib/core/state-persistence.sh"
load_workflow_state "$CMDC_WORKFLOW_ID" false || exit 1
echo "A=\${A-unset}"
\`\`\`
`;

/** name -> text appended to the state file (each would run something if the file were sourced). */
const PAYLOADS: Record<string, string> = {
  command: `touch ${S}\n`,
  'command substitution': `B=$(touch ${S})\n`,
  backticks: `B=\`touch ${S}\`\n`,
  'assignment prefix': `B=x touch ${S}\n`,
  'rm -rf': `rm -rf ${KEEP}\n`,
  'brace group': `{ B=$'1'; touch ${S}; }\n`,
  heredoc: `cat <<EOF >${S}\nx\nEOF\n`,
  'quote spanning lines': `export B='x\nC=1' touch ${S}\n`,
  'torn non-record tail': `B=1 touch ${S}`,
  'reserved PATH': `PATH=${TMP}/evil:/usr/bin:/bin\n`,
  'reserved LD_PRELOAD': `{ LD_PRELOAD=$'${TMP}/evil.so'; }\n`,
  'reserved BASH_ENV': `export BASH_ENV=${S}\n`,
};

let BUNDLE = '';
let CLI = '';
const env = (extra: Record<string, string> = {}) => childEnv({ home: TMP, project: PROJ, owner: 'tamper-test' }, { CMDC_LOG_DIR: join(TMP, 'log'), ...extra });
const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: PROJ, encoding: 'utf8', env: env(), timeout: 120_000 });

function fresh(): void {
  rmSync(PROJ, { recursive: true, force: true });
  mkdirSync(PROJ, { recursive: true });
  rmSync(S, { force: true });
  mkdirSync(KEEP, { recursive: true });
  writeFileSync(join(KEEP, 'file'), 'kept');
}

/** The project right after `--block 1` (made once, copied for each case). */
const PRISTINE = join(TMP, 'pristine');

/** An instance through block 1 (a copy of the one made once); returns its id and state file. */
function instance(): { id: string; file: string } {
  fresh();
  cpSync(PRISTINE, PROJ, { recursive: true });
  const dir = join(PROJ, '.claude/tmp');
  const name = readdirSync(dir).find((f) => /^workflow_tamper_.*\.sh$/.test(f))!;
  return { id: name.slice('workflow_'.length, -3), file: join(dir, name) };
}

function assertNothingRan(what: string): void {
  assert.not.ok(existsSync(S), `${what}: the payload ran (sentinel created)`);
  assert.ok(existsSync(join(KEEP, 'file')), `${what}: the payload ran (rm -rf)`);
}

const REFUSED = /refus/;

test.before(() => {
  BUNDLE = bundleCommand('tamper', SOURCE);
  CLI = bundleCli();
  fresh();
  const r = node([BUNDLE, '--block', '1']);
  assert.is(r.status, 0, r.stderr);
  cpSync(PROJ, PRISTINE, { recursive: true });
});
test.after(() => {
  rmSync(TMP, { recursive: true, force: true });
  rmSync(CLI, { force: true });
});

for (const [name, payload] of Object.entries(PAYLOADS)) {
  test(`runner --block, state show: ${name}`, () => {
    const { file } = instance();
    const lines = readFileSync(file, 'utf8').split('\n').length;
    appendFileSync(file, payload);
    // block 2 sources the file, block 3 calls load_workflow_state: the runner refuses both first
    for (const block of /command|heredoc|PATH|torn/.test(name) ? ['2', '3'] : ['2']) {
      const r = node([BUNDLE, '--block', block]);
      assert.is(r.status, 65, `--block ${block}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, REFUSED);
      assert.ok(r.stderr.includes(`${file}:`), r.stderr);
      assert.not.match(r.stdout, /A=/, 'the block ran');
      assert.not.match(r.stderr, /\n\s+at /, 'a stack trace');
      assertNothingRan(`--block ${block}`);
    }
    if (!/command|substitution|heredoc|torn|PATH|LD_/.test(name)) return;
    const show = node([CLI, 'state', 'show', file]);
    assert.is.not(show.status, 0, show.stdout);
    assert.ok(show.stderr.includes(`${file}:`), show.stderr);
    const at = Number(/\.sh:(\d+):/.exec(show.stderr)?.[1]);
    assert.ok(at >= lines - 1 && at <= lines + 1, `line ${at} (payload at ${lines}): ${show.stderr}`);
    assert.not.match(show.stderr, /\n\s+at /);
    assertNothingRan('state show');
  });
}

test('runner --resume of a paused instance whose state file was tampered with', () => {
  for (const payload of [PAYLOADS.command!, PAYLOADS['reserved PATH']!, PAYLOADS.heredoc!]) {
    fresh();
    const r = node([BUNDLE]);
    assert.is(r.status, 0, r.stderr);
    const id = /--resume (\S+)/.exec(r.stdout)?.[1];
    assert.ok(id, r.stdout);
    appendFileSync(join(PROJ, '.claude/tmp', `workflow_${id}.sh`), payload);
    const resumed = node([BUNDLE, '--resume', id!]);
    assert.is(resumed.status, 65, resumed.stdout + resumed.stderr);
    assert.match(resumed.stderr, REFUSED);
    assert.match(resumed.stderr, /cmdc state cancel/);
    assert.not.match(resumed.stdout, /A=/);
    assertNothingRan('--resume');
  }
});

/** Runs `bash` text translated to TS in this process, in a fresh Shell. */
async function inProcess(bash: string, vars: Record<string, string>): Promise<{ status: number; out: string; err: string; sh: Shell }> {
  const parsed = parseBash(bash, { file: 'x.md' });
  const t = translateBlock(parsed.ast!, createContext({ file: 'x.md', source: bash }));
  const mod = join(TMP, `block-${Math.random().toString(36).slice(2)}.ts`);
  const url = pathToFileURL(join(ROOT, 'runtime/index.ts')).href;
  writeFileSync(mod, `import { ${[...t.imports].join(', ') || 'createShell'} } from ${JSON.stringify(url)};\nexport default async function (sh: any): Promise<void> {\n${t.body}\n}\n`);
  const fn = (await import(pathToFileURL(mod).href)).default as (sh: Shell) => Promise<void>;
  const outFile = join(TMP, 'out');
  const errFile = join(TMP, 'err');
  const { openSync, closeSync } = await import('node:fs');
  const fo = openSync(outFile, 'w');
  const fe = openSync(errFile, 'w');
  const fi = openSync('/dev/null', 'r');
  const sh = createShell({ argv: [], env: { ...env(), ...vars }, cwd: PROJ, stdin: fi, stdout: fo, stderr: fe, scriptName: 'bash', source: { file: 'x.md' } });
  const res = await runBlock(fn, sh);
  [fo, fe, fi].forEach((fd) => closeSync(fd));
  return { status: res.status, out: readFileSync(outFile, 'utf8'), err: readFileSync(errFile, 'utf8'), sh };
}

test('TS runtime in process: source "$STATE_FILE", load_workflow_state, discover_latest_state_file', async () => {
  const SP = 'source "$CLAUDE_PROJECT_DIR/.claude/lib/core/state-persistence.sh"\n';
  for (const [name, payload] of Object.entries(PAYLOADS)) {
    const { id, file } = instance();
    appendFileSync(file, payload);
    const src = await inProcess(`source "$STATE_FILE"; echo "s=$? A=\${A-unset}"`, { STATE_FILE: file });
    assert.match(src.out, /^s=1 A=unset\n$/, `${name}: ${src.out}${src.err}`);
    assert.ok(src.err.includes(`${file}:`) && REFUSED.test(src.err), `${name}: ${src.err}`);
    const load = await inProcess(`${SP}load_workflow_state ${id} false; echo "s=$? A=\${A-unset}"`, {});
    assert.match(load.out, /^s=1 A=unset\n$/, `${name}: ${load.out}${load.err}`);
    assert.match(load.err, new RegExp(`refusing to use state file ${file}: line \\d+ (is not a state-file assignment|assigns the reserved name [A-Z_]+)`), load.err);
    const disc = await inProcess(`${SP}discover_latest_state_file tamper; echo "s=$?"`, {});
    assert.is(disc.out, 's=1\n', `${name}: ${disc.out}${disc.err}`);
    assert.match(disc.err, REFUSED);
    assertNothingRan(`in process: ${name}`);
  }
});

test("cmdc's bash library: load_workflow_state and discover_latest_state_file refuse, nothing runs", () => {
  for (const [name, payload] of Object.entries(PAYLOADS)) {
    const { id, file } = instance();
    appendFileSync(file, payload);
    const r = spawnSync(
      'bash',
      ['--norc', '-c', `source "${ROOT}/runtime/lib/state-persistence.sh"\nload_workflow_state ${id} false; echo "load s=$? A=\${A-unset}"\nunset STATE_FILE WORKFLOW_ID; F=$(discover_latest_state_file tamper); echo "discover s=$? [$F]"`],
      { cwd: PROJ, encoding: 'utf8', env: env() },
    );
    assert.is(r.stdout, 'load s=1 A=unset\ndiscover s=1 []\n', `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`refusing to use state file ${file}: line \\d+`), r.stderr);
    assertNothingRan(`bash library: ${name}`);
  }
});

test('an untampered instance still runs every way (the refusals are not blanket)', () => {
  instance();
  const b2 = node([BUNDLE, '--block', '2']);
  assert.is(b2.status, 0, b2.stderr);
  assert.is(b2.stdout, 'A=one\n');
  const b3 = node([BUNDLE, '--block', '3']);
  assert.is(b3.status, 0, b3.stderr);
  assert.is(b3.stdout, 'A=one\n');
});

test.run();

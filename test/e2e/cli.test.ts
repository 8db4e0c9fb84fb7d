/**
 * The command-line runner (runtime/runner/run.ts) through real processes: a small command is compiled
 * into a temp project and run as `node --import tsx <entry>.ts ...` — full runs, --help, --list,
 * the pause adapter (and the resume command it prints, run verbatim), the replay and command
 * adapters, --block with owner discovery (one candidate, ambiguity, --workflow-id), working
 * directory carried between blocks, and a failing block (status, error-log source, exit code).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { compile } from '../../compiler/index.js';
import { readStateMeta, openState } from '../../runtime/store/state.js';
import { runRecordPath } from '../../runtime/store/paths.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** tsx's loader by absolute URL: the runs happen in temp dirs where `tsx` does not resolve. */
const TSX = ['--import', import.meta.resolve('tsx')];
const TMP = mkdtempSync(join(tmpdir(), 'cmdc-cli-'));
const PROJ = join(TMP, 'proj');
const ENTRY = join(TMP, 'gen', 'clidemo.entry.ts');

const SOURCE = `---
description: CLI test command
argument-hint: <name>
---

# /clidemo

## Block 1: Init

\`\`\`bash
NAME="\${1:-nobody}"
mkdir -p sub && cd sub
echo "init $NAME"
\`\`\`

Greet NAME and say something nice.

## Block 2: Use

\`\`\`bash
echo "hello from $(basename "$PWD")"
grep '^export AGENT_OUTPUT_1=' "$CMDC_STATE_FILE" || echo "no agent output"
\`\`\`

## Block 3: Maybe fail

\`\`\`bash
if [ "$1" = "fail" ]; then
  echo "failing on purpose" >&2
  exit 3
fi
echo "done $1"
\`\`\`
`;

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...TSX, ENTRY, ...args], {
    cwd: PROJ,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: TMP, CLAUDE_PROJECT_DIR: PROJ, CMDC_OWNER: 'owner-a', ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function fresh() {
  rmSync(PROJ, { recursive: true, force: true });
  mkdirSync(PROJ, { recursive: true });
}

test.before(() => {
  mkdirSync(join(TMP, 'src'), { recursive: true });
  writeFileSync(join(TMP, 'src', 'clidemo.md'), SOURCE);
  // A script: $1 is the positional parameter (not Claude Code's textual $1).
  const r = compile([join(TMP, 'src', 'clidemo.md')], { root: TMP, outDir: join(TMP, 'gen'), runtimeEntry: join(ROOT, 'runtime/index.ts'), argumentConvention: 'positional' });
  assert.is(r.failed, false, JSON.stringify(r.diagnostics));
  mkdirSync(join(TMP, 'gen'), { recursive: true });
  writeFileSync(join(TMP, 'package.json'), '{"type":"module"}\n');
  writeFileSync(r.results[0]!.outFile, r.results[0]!.code!);
  writeFileSync(
    ENTRY,
    `import { command } from './clidemo.js';\nimport { run } from ${JSON.stringify(join(ROOT, 'runtime/runner/run.ts'))};\nawait run(command, process.argv);\n`,
  );
});
test.after(() => rmSync(TMP, { recursive: true, force: true }));

test('--help lists the steps with headings and .md lines', () => {
  fresh();
  const r = cli(['--help']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /\/clidemo — CLI test command/);
  assert.match(r.stdout, /1\. Block 1: Init\s+\(block1Init, line 11-14\)/);
  assert.match(r.stdout, /agent: Greet NAME and say something nice\.\s+\(line 16-16\)/);
  assert.match(r.stdout, /3\. Block 3: Maybe fail/);
});

test('default run pauses at the agent step; the printed resume command finishes it', () => {
  fresh();
  const r = cli(['alice']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^init alice\n/);
  assert.match(r.stdout, /Greet NAME and say something nice\./);
  const m = /resume with:\n\s+npx tsx (\S+) --resume (\S+)\n/.exec(r.stdout);
  assert.ok(m, r.stdout);
  const list = cli(['--list']);
  assert.match(list.stdout, new RegExp(`${m![2]}\\s+paused`));
  // The exact command, with `npx tsx` spelled as node --import tsx (same loader, no npx lookup).
  const resumed = cli(['--resume', m![2]!]);
  assert.is(resumed.status, 0, resumed.stderr);
  assert.is(resumed.stdout, 'hello from sub\nno agent output\ndone alice\n');
  assert.match(cli(['--list']).stdout, new RegExp(`${m![2]}\\s+done`));
  // Without an id: the only paused instance of this owner. Now there is none.
  const again = cli(['--resume']);
  assert.is(again.status, 1);
  assert.match(again.stderr, /no paused instance of \/clidemo for owner owner-a/);
});

test('replay adapter: agent output is stored in the state and visible to later blocks', () => {
  fresh();
  const replay = join(TMP, 'replay.json');
  writeFileSync(replay, JSON.stringify({ responses: [{ line: 16, output: 'Hi Bob!' }] }));
  const r = cli(['--agent-replay', replay, 'bob']);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, "init bob\nhello from sub\nexport AGENT_OUTPUT_1='Hi Bob!'\ndone bob\n");
});

test('command adapter: the prompt is piped to the command, its stdout stored', () => {
  fresh();
  const r = cli(['--agent-cmd', "head -1 | tr 'a-z' 'A-Z'", 'carol']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /export AGENT_OUTPUT_1='GREET NAME AND SAY SOMETHING NICE\.'\n/);
});

test('a failing block: exit status, status failed, error-log entry with the .md line', () => {
  fresh();
  const replay = join(TMP, 'replay.json');
  writeFileSync(replay, JSON.stringify({ default: '' }));
  const r = cli(['--agent-replay', replay, 'fail']);
  assert.is(r.status, 3);
  assert.match(r.stderr, /failing on purpose/);
  assert.match(cli(['--list']).stdout, /failed/);
  const log = readFileSync(join(PROJ, '.claude/data/logs/errors.jsonl'), 'utf8').trim().split('\n');
  const e = JSON.parse(log[log.length - 1]!) as Record<string, unknown>;
  assert.is(e.error_type, 'execution_error');
  assert.is(e.command, '/clidemo');
  assert.match(String(e.source), /clidemo\.md:2[0-9]$/);
});

test('--block: block 1 starts an instance, later blocks find it by owner; ambiguity names both', () => {
  fresh();
  const a = cli(['--block', '1', 'dave']);
  assert.is(a.status, 0, a.stderr);
  assert.is(a.stdout, 'init dave\n');
  const b = cli(['--block', '2']);
  assert.is(b.status, 0, b.stderr);
  assert.match(b.stdout, /^hello from sub\n/);
  // Another owner sees nothing.
  const other = cli(['--block', '3'], { CMDC_OWNER: 'owner-b' });
  assert.is(other.status, 1);
  assert.match(other.stderr, /no running or paused instance/);
  // A second instance of the same owner makes discovery ambiguous.
  assert.is(cli(['--block', '1', 'erin']).status, 0);
  const amb = cli(['--block', '3']);
  assert.is(amb.status, 1);
  assert.match(amb.stderr, /2 running\/paused instances of \/clidemo for owner owner-a; pass --workflow-id/);
  const ids = [...amb.stderr.matchAll(/^\s+(clidemo_\S+)/gm)].map((x) => x[1]!);
  assert.is(ids.length, 2);
  const ok = cli(['--block', '3', '--workflow-id', ids[0]!]);
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^done (dave|erin)\n$/);
  assert.ok(existsSync(join(PROJ, '.claude/tmp')));
});

test('status and next step live in the state-file header only; the run record keeps the arguments', () => {
  fresh();
  const r = cli(['frank']);
  assert.is(r.status, 0, r.stderr);
  const id = /--resume (\S+)\n/.exec(r.stdout)![1]!;
  const dir = join(PROJ, '.claude/tmp');
  const file = join(dir, `workflow_${id}.sh`);
  const meta = readStateMeta(file)!.meta;
  assert.is(meta.format, '1');
  assert.is(meta.status, 'paused');
  assert.is(meta.block, 2); // the next step: block 2 (step index 2, after the agent step)
  assert.is(meta.command, 'clidemo');
  assert.is(meta.owner, 'owner-a');
  const record = JSON.parse(readFileSync(runRecordPath(dir, id), 'utf8')) as Record<string, unknown>;
  assert.is(record.command, 'clidemo');
  assert.equal(record.args, ['frank']);
  assert.not.ok('status' in record || 'step' in record);
  // A status written to the header by anyone else is what the runner sees.
  openState(file).setStatus('failed');
  assert.match(cli(['--list']).stdout, new RegExp(`${id}\\s+failed`));
  assert.match(cli(['--resume']).stderr, /no paused instance of \/clidemo/);
  openState(file).setStatus('paused');
  const resumed = cli(['--resume']);
  assert.is(resumed.status, 0, resumed.stderr);
  assert.is(resumed.stdout, 'hello from sub\nno agent output\ndone frank\n');
  assert.is(readStateMeta(file)!.meta.status, 'done');
});

test('unknown block and bad flags are usage errors', () => {
  fresh();
  const r = cli(['--block', '9']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /no block '9'/);
  const f = cli(['--agent', 'nope']);
  assert.is(f.status, 2);
});

test.run();

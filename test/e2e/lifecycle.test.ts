/**
 * Instances are never lost or stuck (issue 12, items 7–10), through real processes (a bundled
 * command and the bundled `cmdc` CLI):
 *   - two instances of one owner: the refusal prints, per candidate, the exact command that
 *     continues it and the one that cancels it; `cmdc state cancel <id>` / `--latest` unblock;
 *   - a state file without its run record (killed between the two creation steps) is repaired
 *     on read: `--block 2` and `--resume` find it as `state list` shows it;
 *   - `--resume` of an instance whose first block never completed refuses (no second instance
 *     is created), and so does one whose state file ends in a cut-off record, until
 *     `cmdc state repair`;
 *   - the opportunistic TTL gc runs after a run, removes old finished/abandoned instances,
 *     reports it in one line, and runs at most once an hour.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, unlinkSync, utimesSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleCommand } from '../helpers/command-bundle.js';
import { bundleCli } from '../helpers/cli-bundle.js';
import { childEnv } from '../helpers/child-env.js';
import { createState } from '../../runtime/store/state.js';

const TMP = mkdtempSync(join(tmpdir(), 'cmdc-life-'));
const PROJ = join(TMP, 'proj');
const STATE = join(PROJ, '.claude', 'tmp');

const SOURCE = `---
description: lifecycle test
---

# /life

## Block 1: Init

\`\`\`bash
source "$CLAUDE_PROJECT_DIR/.claude/lib/core/state-persistence.sh"
WORKFLOW_ID=$(generate_unique_workflow_id life)
init_workflow_state "$WORKFLOW_ID" >/dev/null
append_workflow_state A "one"
\`\`\`

## Block 2: Use

\`\`\`bash
source "$CMDC_STATE_FILE"
echo "A=$A"
\`\`\`

Say hello.

## Block 3: End

\`\`\`bash
echo "end"
\`\`\`
`;

let BUNDLE = '';
let CLI = '';
const env = (extra: Record<string, string> = {}) => childEnv({ home: TMP, project: PROJ, owner: 'life-session' }, { CMDC_LOG_DIR: join(TMP, 'log'), ...extra });
const node = (args: string[], extra: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, args, { cwd: PROJ, encoding: 'utf8', env: env(extra), timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const cmdc = (...args: string[]) => node([CLI, 'state', ...args]);

function fresh(): void {
  rmSync(PROJ, { recursive: true, force: true });
  mkdirSync(PROJ, { recursive: true });
}
const stateFiles = () => (existsSync(STATE) ? readdirSync(STATE).filter((f) => /^workflow_.*\.sh$/.test(f)).sort() : []);
const idOf = (f: string) => f.slice('workflow_'.length, -3);

test.before(() => {
  BUNDLE = bundleCommand('life', SOURCE);
  CLI = bundleCli();
});
test.after(() => {
  rmSync(TMP, { recursive: true, force: true });
  rmSync(CLI, { force: true });
});

test('two instances: the refusal names the commands to continue or cancel each; cancel and --latest unblock', () => {
  fresh();
  assert.is(node([BUNDLE, '--block', '1']).status, 0);
  assert.is(node([BUNDLE, '--block', '1']).status, 0);
  const [x, y] = stateFiles().map(idOf);
  const r = node([BUNDLE, '--block', '2']);
  assert.is(r.status, 1);
  for (const id of [x!, y!]) {
    assert.ok(r.stderr.includes(`continue it:  node ${BUNDLE} --block 2 --workflow-id ${id}\n`), r.stderr);
    assert.ok(r.stderr.includes(`or stop it:   npx cmdc state cancel ${id}\n`), r.stderr);
  }
  const c = cmdc('cancel', x!);
  assert.is(c.status, 0, c.stderr);
  assert.match(c.stdout, new RegExp(`^cancelled ${x} \\(/?life, was running at block 1\\)`));
  const ok = node([BUNDLE, '--block', '2']);
  assert.is(ok.status, 0, ok.stderr);
  assert.is(ok.stdout, 'A=one\n');
  assert.match(cmdc('cancel', x!).stdout, /already failed; nothing to cancel/);
  // a third one, then --latest stops the newest and the older one goes on
  assert.is(node([BUNDLE, '--block', '1']).status, 0);
  assert.is(node([BUNDLE, '--block', '2']).status, 1);
  const latest = cmdc('cancel', '--latest');
  assert.is(latest.status, 0, latest.stderr);
  assert.ok(!latest.stdout.includes(y!), 'the newest, not the older one');
  const again = node([BUNDLE, '--block', '2', '--workflow-id', y!]);
  assert.is(again.status, 0, again.stderr);
  assert.is(node([BUNDLE, '--block', '2']).status, 0);
  const usage = cmdc('cancel');
  assert.is(usage.status, 2);
});

test("--ttl 0 from the owner's session removes its abandoned instances", () => {
  fresh();
  assert.is(node([BUNDLE, '--block', '1']).status, 0);
  assert.is(node([BUNDLE, '--block', '1']).status, 0);
  assert.is(node([BUNDLE, '--block', '2']).status, 1);
  const gc = cmdc('gc', '--ttl', '0');
  assert.is(gc.status, 0, gc.stderr);
  assert.match(gc.stdout, /gc: removed 2,/);
  assert.equal(stateFiles(), []);
});

test('a state file without its run record is repaired on read: --block and --resume find it', () => {
  fresh();
  assert.is(node([BUNDLE, '--block', '1']).status, 0);
  const id = idOf(stateFiles()[0]!);
  unlinkSync(join(STATE, '.cmdc', 'runs', `${id}.json`));
  assert.match(cmdc('list').stdout, new RegExp(`\\* ${id}`));
  const r = node([BUNDLE, '--block', '2']);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'A=one\n');
  assert.ok(existsSync(join(STATE, '.cmdc', 'runs', `${id}.json`)));
  // and by id
  unlinkSync(join(STATE, '.cmdc', 'runs', `${id}.json`));
  const b = node([BUNDLE, '--block', '2', '--workflow-id', id]);
  assert.is(b.status, 0, b.stderr);
});

test('--resume of an instance whose first block never completed refuses and creates nothing', () => {
  fresh();
  assert.is(node([BUNDLE, '--block', '1']).status, 0);
  const file = stateFiles()[0]!;
  // killed after the block created the instance, before the runner recorded its progress
  appendFileSync(join(STATE, file), "# cmdc:block=$'0'\n# cmdc:status=$'paused'\n");
  const r = node([BUNDLE, '--resume', idOf(file)]);
  assert.is(r.status, 65, r.stdout + r.stderr);
  assert.match(r.stderr, /its first block never completed/);
  assert.match(r.stderr, new RegExp(`npx cmdc state cancel ${idOf(file)}`));
  assert.equal(stateFiles(), [file], 'no second instance');
  assert.is(r.stdout, '');
});

test('--resume of a state file that ends in a cut-off record refuses until cmdc state repair', () => {
  fresh();
  const run = node([BUNDLE]);
  assert.is(run.status, 0, run.stderr);
  const id = /--resume (\S+)/.exec(run.stdout)![1]!;
  appendFileSync(join(STATE, `workflow_${id}.sh`), "{ B=$'cut off");
  const r = node([BUNDLE, '--resume', id]);
  assert.is(r.status, 65, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`ends in a cut-off record at .*workflow_${id}\\.sh:\\d+`));
  assert.match(r.stderr, new RegExp(`npx cmdc state repair ${id}`));
  assert.not.match(r.stdout, /end/);
  const fix = cmdc('repair', id);
  assert.is(fix.status, 0, fix.stderr);
  assert.match(fix.stdout, /cut its torn last record/);
  const ok = node([BUNDLE, '--resume', id]);
  assert.is(ok.status, 0, ok.stderr);
  assert.is(ok.stdout, 'end\n');
});

test('opportunistic TTL gc after a run: removes old finished and abandoned instances, reports it, once an hour', () => {
  fresh();
  const eightDays = new Date(Date.now() - 8 * 86_400_000);
  const make = (owner: string, status?: 'done' | 'failed') => {
    const s = createState('life', { dir: STATE, owner });
    if (status) s.setStatus(status);
    utimesSync(s.path, eightDays, eightDays);
    return s;
  };
  const doomed = [make('x', 'done'), make('x', 'failed'), make('proc:999999999:1')];
  const mineHeld = make('life-session'); // the caller's own, held by a live process
  mkdirSync(join(STATE, '.cmdc', 'holders'), { recursive: true });
  const holder = spawnSync('sh', ['-c', `echo "$PPID $(cut -d' ' -f22 /proc/$PPID/stat)" > ${join(STATE, '.cmdc', 'holders', mineHeld.id)}`]);
  assert.is(holder.status, 0);
  utimesSync(mineHeld.path, eightDays, eightDays);
  const r = node([BUNDLE, '--block', '1']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /^cmdc: removed 3 instances untouched for over 7d \(1 done, 1 failed, 1 abandoned\) from /m);
  for (const s of doomed) assert.not.ok(existsSync(s.path), s.id);
  assert.ok(existsSync(mineHeld.path), 'held by a live process (this test)');
  // within the hour: no second pass
  const more = make('x', 'done');
  const r2 = node([BUNDLE, '--block', '1']);
  assert.not.match(r2.stderr, /cmdc: removed/);
  assert.ok(existsSync(more.path));
  // CMDC_GC=0 turns it off
  rmSync(join(STATE, '.cmdc', 'gc-stamp'));
  assert.not.match(node([BUNDLE, '--block', '1'], { CMDC_GC: '0' }).stderr, /cmdc: removed/);
  assert.ok(existsSync(more.path));
});

test.run();

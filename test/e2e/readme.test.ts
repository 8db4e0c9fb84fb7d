/**
 * The README's main job, as a new user runs it: `npx tsx commands/implement.ts examples/plan.md`
 * (spelled `node --import tsx`, the same loader) pauses at the agent step with the instance's
 * state in the prompt, and the printed resume command, run verbatim, finishes the instance.
 * Also /research end to end with the replay adapter standing in for the agent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { readStateMeta } from '../../runtime/store/state.js';
import { stateFilePath } from '../../runtime/store/paths.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TMP = mkdtempSync(join(tmpdir(), 'cmdc-readme-'));
const ENV = { CMDC_STATE_DIR: join(TMP, 'state'), CMDC_LOG_DIR: join(TMP, 'logs'), CMDC_OWNER: 'readme-test' };

function run(entry: string, args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), entry, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...ENV, FORCE_COLOR: '0' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('implement examples/plan.md: pauses with the state in the prompt; the resume command finishes it', () => {
  const r = run('commands/implement.ts', ['examples/plan.md']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /Open tasks: 4, done: 3; next phase: 2/);
  assert.match(r.stdout, /PLAN_FILE="examples\/plan.md"/);
  assert.match(r.stdout, /CURRENT_PHASE="2"/);
  const m = /resume with:\n\s+npx tsx (\S+) --resume (\S+)\n/.exec(r.stdout);
  assert.ok(m, r.stdout);
  const id = m![2]!;
  assert.is(readStateMeta(stateFilePath(ENV.CMDC_STATE_DIR, id))?.meta.status, 'paused');
  const resumed = run(m![1]!, ['--resume', id]);
  assert.is(resumed.status, 0, resumed.stdout + resumed.stderr);
  assert.is(readStateMeta(stateFilePath(ENV.CMDC_STATE_DIR, id))?.meta.status, 'done');
});

test('research: --agent-cmd stands in for the agent and writes the report; the run finishes', () => {
  const proj = join(TMP, 'proj');
  mkdirSync(proj, { recursive: true });
  // The "agent": reads the rendered prompt on stdin, finds REPORT_PATH in the state it shows,
  // writes the report there.
  const agent = `bash -c 'p=$(sed -n "s/^REPORT_PATH=\\"\\(.*\\)\\"$/\\1/p"); mkdir -p "$(dirname "$p")"; printf "# Findings\\n\\nnone\\n" > "$p"; echo wrote "$p"'`;
  const r = run(join(ROOT, 'commands/research.ts'), ['--agent-cmd', agent, 'auth patterns'], proj);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Topic: auth patterns/);
  const m = /(research_\d{19}\S*)/.exec(readdirSync(ENV.CMDC_STATE_DIR).join(' '));
  assert.ok(m, readdirSync(ENV.CMDC_STATE_DIR).join(' '));
  const id = m![1]!.replace(/\.(sh|run\.json)$/, '');
  assert.is(readStateMeta(stateFilePath(ENV.CMDC_STATE_DIR, id))?.meta.status, 'done');
  assert.ok(existsSync(join(proj, '.claude/tmp/reports/001_auth_patterns.md')));
});

test('research without an agent that writes the report: the run fails at the verify block, named by its .md line', () => {
  const proj = join(TMP, 'proj2');
  mkdirSync(proj, { recursive: true });
  const replay = join(TMP, 'replay.json');
  writeFileSync(replay, JSON.stringify({ responses: [], default: 'no report' }));
  const r = run(join(ROOT, 'commands/research.ts'), ['--agent-replay', replay, 'auth patterns'], proj);
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /ERROR: the report was not written: .*001_auth_patterns\.md/);
  // The runner adds nothing to the block's own stderr (the differential tests compare it with
  // bash); the failure is in the error log, with the block's .md line.
  const log = spawnSync(process.execPath, [join(ROOT, 'cli/bin/cmdc.mjs'), 'errors', '--json', '--command', 'research'], {
    cwd: proj,
    encoding: 'utf8',
    env: { ...process.env, ...ENV },
  });
  assert.is(log.status, 0, log.stderr);
  const entries = JSON.parse(log.stdout) as { error_type: string; source: string; message: string }[];
  assert.ok(entries.some((e) => e.error_type === 'execution_error' && /^commands\/research\.md:\d+$/.test(e.source) && /Verify report/.test(e.message)), log.stdout);
});

test.run();

/**
 * `--block` and the instance's status (runtime/runner/run.ts): after the last bash block of a
 * command the instance is done even when prose follows it (an agent step, troubleshooting notes:
 * nothing cmdc runs in block mode), so a second run of the same command by the same owner in
 * the same session finds its own instance instead of two running ones. In process, through
 * `run()`, with hand-made command modules whose blocks print and do nothing else.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { CommandModule, Step } from '../../runtime/command.js';
import { run } from '../../runtime/runner/run.js';
import { createStore } from '../../runtime/runner/instances.js';

const TMP = mkdtempSync(join(tmpdir(), 'cmdc-block-done-'));
test.after(() => rmSync(TMP, { recursive: true, force: true }));

/** A command from a layout string: B = bash block, A = agent step (prose). */
function command(name: string, layout: string): CommandModule<unknown> {
  let n = 0;
  const steps: Step[] = [...layout].map((c, i): Step =>
    c === 'B'
      ? { kind: 'bash', name: `block${++n}`, heading: `Block ${n}`, line: 10 * i + 1, endLine: 10 * i + 3, run: async () => {} }
      : { kind: 'agent', line: 10 * i + 1, endLine: 10 * i + 2, text: 'Troubleshooting: run it again.' },
  );
  return { name, source: `${name}.md`, frontmatter: {}, steps };
}

let n = 0;
function env(): NodeJS.ProcessEnv {
  n++;
  return { PATH: process.env.PATH, CMDC_STATE_DIR: join(TMP, `state${n}`), CMDC_LOG_DIR: join(TMP, `log${n}`), CMDC_OWNER: `owner-${n}` };
}

async function block(c: CommandModule<unknown>, e: NodeJS.ProcessEnv, key: string): Promise<{ status: number; err: string }> {
  let err = '';
  const status = await run(c, ['node', 'x', '--block', key], { env: e, cwd: TMP, out: () => {}, err: (s) => (err += s) });
  return { status, err };
}

const statuses = (c: CommandModule<unknown>, e: NodeJS.ProcessEnv) =>
  createStore({ env: e, cwd: TMP })
    .list(c.name)
    .map((i) => i.status)
    .sort();

// [layout, statuses after #1, after #2 (when there is one)]
const ROWS: [string, string, string | null][] = [
  ['BAB', 'running', 'done'],
  ['BABA', 'running', 'done'], // prose after the last block
  ['BABAA', 'running', 'done'],
  ['BA', 'done', null], // one block, then prose
  ['B', 'done', null],
  ['BBA', 'running', 'done'],
];

test('after the last bash block the instance is done, whatever prose follows', async () => {
  for (const [layout, afterFirst, afterSecond] of ROWS) {
    const c = command(`demo${layout.toLowerCase()}`, layout);
    const e = env();
    assert.is((await block(c, e, '#1')).status, 0, layout);
    assert.equal(statuses(c, e), [afterFirst], `${layout} after #1`);
    if (afterSecond) {
      assert.is((await block(c, e, '#2')).status, 0, layout);
      assert.equal(statuses(c, e), [afterSecond], `${layout} after #2`);
    }
  }
});

test('a second run by the same owner finds its own instance, not two running ones', async () => {
  const c = command('twice', 'BABA');
  const e = env();
  for (let round = 1; round <= 3; round++) {
    assert.is((await block(c, e, '#1')).status, 0);
    const r = await block(c, e, '#2');
    assert.is(r.status, 0, `round ${round}: ${r.err}`);
  }
  assert.equal(statuses(c, e), ['done', 'done', 'done']);
  // an unfinished one still makes the next start ambiguous, as before
  assert.is((await block(c, e, '#1')).status, 0);
  assert.is((await block(c, e, '#1')).status, 0);
  const amb = await block(c, e, '#2');
  assert.is(amb.status, 1);
  assert.match(amb.err, /2 running\/paused instances of \/twice/);
});

test.run();

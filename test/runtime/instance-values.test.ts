/**
 * The runner's view of an instance's values (what agent prompts show: runtime/runner/instances.ts
 * Store.values) comes from the one state-file parser: strict records as loading reads them, and
 * for a hand-edited file the lenient mode (a refused line is left out, nothing is evaluated).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../runtime/runner/instances.js';

const PROJ = mkdtempSync(join(tmpdir(), 'cmdc-values-'));
const env = { PATH: process.env.PATH, CLAUDE_PROJECT_DIR: PROJ, CMDC_OWNER: 'values-test' };

test('values: records, arrays joined, seed-style exports; a hand-edited bad line is left out, never run', () => {
  const store = createStore({ env, cwd: PROJ });
  const inst = store.create('demo', []);
  store.append(inst, 'AGENT_OUTPUT_1', "it's \"done\"\n$(x)");
  const before = store.values(inst);
  assert.is(before.AGENT_OUTPUT_1, "it's \"done\"\n$(x)");
  assert.is(before.WORKFLOW_ID, inst.id);
  const sentinel = join(PROJ, 'PWNED');
  appendFileSync(inst.file, `ARR=('a b' c)\nEVIL=$(touch ${sentinel})\ntouch ${sentinel}\nLATER="kept"\n`);
  const v = store.values(inst);
  assert.is(v.ARR, 'a b c');
  assert.is(v.LATER, 'kept');
  assert.is(v.EVIL, undefined);
  assert.is(v.AGENT_OUTPUT_1, before.AGENT_OUTPUT_1);
  assert.not.ok(existsSync(sentinel));
  // the strict reader (what a block's load sees) refuses the same file
  assert.throws(() => store.verify(inst), (e: unknown) => /does not parse/.test(String((e as Error).message)));
});

test.after(() => rmSync(PROJ, { recursive: true, force: true }));
test.run();

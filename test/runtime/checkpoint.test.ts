/** JSON checkpoints (runtime/store/checkpoint.ts): round-trip, atomic replace, names, location. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointPath, listCheckpoints, loadCheckpoint, saveCheckpoint } from '../../runtime/store/checkpoint.js';
import { createState } from '../../runtime/store/state.js';
import { InvalidCheckpointNameError, InvalidValueError, InvalidWorkflowIdError } from '../../runtime/store/errors.js';
import { tempDir } from '../helpers/tmp.js';

test('save/load round-trips JSON values at <state dir>/.cmdc/checkpoints/<id>/<name>.json', () => {
  const dir = tempDir('ckpt');
  const env = { CMDC_STATE_DIR: dir, CMDC_OWNER: 'c' };
  const s = createState('ck', { env });
  const value = { plan: 'p.md', phases: [{ n: 1, done: false }], text: "quotes ' \" \\ $(x) \n é 🦀", nil: null };
  const path = saveCheckpoint(s.id, 'plan', value, { env });
  assert.is(path, join(dir, '.cmdc', 'checkpoints', s.id, 'plan.json'));
  assert.is(checkpointPath(s.id, 'plan', { env }), path);
  assert.equal(loadCheckpoint(s.id, 'plan', { env }), value);
  assert.is(loadCheckpoint(s.id, 'missing', { env }), undefined);
  saveCheckpoint(s.id, 'plan', [1, 2, 3], { env });
  assert.equal(loadCheckpoint<number[]>(s.id, 'plan', { env }), [1, 2, 3]);
  saveCheckpoint(s.id, 'a.b-c_1', 'x', { env });
  assert.equal(listCheckpoints(s.id, { env }), ['a.b-c_1', 'plan']);
  assert.equal(readdirSync(join(dir, '.cmdc', 'checkpoints', s.id)).sort(), ['a.b-c_1.json', 'plan.json'], 'no temp files left');
  assert.ok(readFileSync(path, 'utf8').endsWith('\n'));
});

test('bad names, bad ids and non-JSON values are typed errors', () => {
  const env = { CMDC_STATE_DIR: tempDir('ckpt'), CMDC_OWNER: 'c' };
  const s = createState('ck', { env });
  for (const bad of ['', '../x', 'a/b', '.hidden', 'a..b', 'x'.repeat(101), 'sp ace', 'é']) {
    assert.throws(() => saveCheckpoint(s.id, bad, 1, { env }), (e: unknown) => e instanceof InvalidCheckpointNameError, bad);
  }
  assert.throws(() => saveCheckpoint('../evil', 'x', 1, { env }), (e: unknown) => e instanceof InvalidWorkflowIdError);
  assert.throws(() => saveCheckpoint(s.id, 'u', undefined, { env }), (e: unknown) => e instanceof InvalidValueError);
  assert.throws(() => saveCheckpoint(s.id, 'f', () => 1, { env }), (e: unknown) => e instanceof InvalidValueError);
  assert.not.ok(existsSync(join(env.CMDC_STATE_DIR, '.cmdc', 'checkpoints', s.id, 'u.json')));
});

test.run();

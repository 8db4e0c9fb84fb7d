/**
 * The differential harness's watchdog: a row that hangs (bash or compiled) becomes a failing
 * `[hang]` row within the row timeout, a compiled process that dies mid-row a `[crash]` row, and
 * the rows after them still run; byte-exact output (invalid UTF-8) is compared without loss.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runTable, same } from './harness.js';

const t0 = Date.now();
const results = await runTable([
  { name: 'before', bash: 'echo before' },
  { name: 'busy loop', bash: 'while :; do :; done' },
  { name: 'sleeping child', bash: 'sleep 30; echo never' },
  { name: 'kills its own process', bash: 'echo start; env kill -9 $$' },
  { name: 'after', bash: 'echo after' },
  { name: 'raw bytes', bash: "printf '\\xff\\xfe'; printf '\\xe2\\x9c\\x93' >&2" },
], { rowTimeoutMs: 1500 });
const elapsed = Date.now() - t0;

test('a busy loop is a [hang] on both sides, not a stuck suite', () => {
  const c = results[1]!;
  assert.ok(!same(c));
  assert.match(c.bash.stderr, '[hang]');
  assert.match(c.ts.stderr, '[hang]');
});

test('a row waiting on a child process is a [hang] too', () => {
  assert.match(results[2]!.ts.stderr, '[hang]');
  assert.match(results[2]!.bash.stderr, '[hang]');
});

test('a compiled process that dies is a [crash] row; its output so far is kept', () => {
  const c = results[3]!;
  assert.match(c.ts.stderr, '[crash]');
  assert.is(c.ts.stdout, 'start\n');
  assert.is(c.bash.status, 137);
});

test('rows around them run normally', () => {
  assert.ok(same(results[0]!));
  assert.ok(same(results[4]!));
  assert.is(results[4]!.ts.stdout, 'after\n');
});

test('output is read without loss (invalid UTF-8 stays distinct bytes)', () => {
  const c = results[5]!;
  assert.is(c.bash.stdout, '\udcff\udcfe');
  assert.is(c.bash.stderr, '✓');
});

test('the whole table took about the timeouts, not longer', () => {
  assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
});

test.run();

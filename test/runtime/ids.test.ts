/** Workflow ids (runtime/store/ids.ts): format, uniqueness across processes, validation. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleHelpers } from '../helpers/bundle.js';
import { run } from '../helpers/spawn.js';
import {
  assertPrefix,
  epochNanos,
  isWorkflowId,
  newWorkflowId,
  parseWorkflowId,
  tryParseWorkflowId,
} from '../../runtime/store/ids.js';
import { InvalidPrefixError, InvalidWorkflowIdError } from '../../runtime/store/errors.js';

test('format: <prefix>_<19-digit epoch ns>_<21-char nanoid>', () => {
  const before = BigInt(Date.now() - 1) * 1_000_000n; // Date.now() has ms granularity
  const id = newWorkflowId('implement');
  const after = BigInt(Date.now() + 1) * 1_000_000n;
  assert.match(id, /^implement_\d{19}_[A-Za-z0-9_-]{21}$/);
  const p = parseWorkflowId(id);
  assert.is(p.prefix, 'implement');
  assert.is(p.legacy, false);
  assert.ok(BigInt(p.time) >= before && BigInt(p.time) <= after, `${p.time} within [${before}, ${after}]`);
  assert.is(epochNanos().length, 19);
});

test('prefixes: letters, digits and "-" after a letter; no "_"; at most 64 chars', () => {
  for (const ok of ['a', 'implement', 'create-plan', 'Lean-Build2', 'x'.repeat(64)]) {
    assert.is(parseWorkflowId(newWorkflowId(ok)).prefix, ok);
  }
  for (const bad of ['', '1abc', '-a', 'create_plan', 'a b', 'a/b', 'é', 'x'.repeat(65), 'a.b']) {
    assert.throws(() => newWorkflowId(bad), (e: unknown) => e instanceof InvalidPrefixError, bad);
    assert.throws(() => assertPrefix(bad), (e: unknown) => e instanceof InvalidPrefixError, bad);
  }
});

test("the seed's <prefix>_<19 digits> ids stay valid and readable", () => {
  for (const id of ['command_1765352600123456789', 'create_plan_1765352600123456789', 'lean-build_1765352600123456789']) {
    const p = parseWorkflowId(id);
    assert.is(p.legacy, true);
    assert.is(p.time, '1765352600123456789');
    assert.is(p.random, '');
  }
  assert.is(parseWorkflowId('create_plan_1765352600123456789').prefix, 'create_plan');
});

test('malformed ids are rejected with a typed error and a reason, never replaced', () => {
  const cases = [
    '', 'implement', 'implement_123', 'implement_1765352600', 'implement_17653526001234567890',
    'implement_1765352600123456789_short', 'implement_1765352600123456789_V1StGXR8_Z5jdHi6B-myT!',
    '../etc/passwd_1765352600123456789', 'a/b_1765352600123456789', '1abc_1765352600123456789',
    'implement_1765352600123456789_V1StGXR8_Z5jdHi6B-myT\n', ' implement_1765352600123456789',
    'implement_1765352600123456789_V1StGXR8_Z5jdHi6B-my\0',
  ];
  for (const id of cases) {
    assert.is(tryParseWorkflowId(id), undefined, JSON.stringify(id));
    assert.is(isWorkflowId(id), false);
    try {
      parseWorkflowId(id);
      assert.unreachable(`accepted ${JSON.stringify(id)}`);
    } catch (e) {
      assert.instance(e, InvalidWorkflowIdError);
      assert.match((e as Error).message, /invalid workflow id/);
      assert.is((e as InvalidWorkflowIdError).errorType, 'validation_error');
    }
  }
});

test('unique across processes: 8 processes x 2,000 ids, no duplicate', async () => {
  const bin = bundleHelpers(['ids-gen']);
  const outs = await Promise.all(Array.from({ length: 8 }, () => run(process.execPath, [bin['ids-gen']!, 'uniq', '2000'])));
  const all = outs.flatMap((o) => {
    assert.is(o.code, 0, o.stderr);
    return o.stdout.trim().split('\n');
  });
  assert.is(all.length, 16_000);
  assert.is(new Set(all).size, 16_000);
  for (const id of all) assert.ok(isWorkflowId(id), id);
  // in-process too, and timestamps never go backwards within a process
  const local = Array.from({ length: 20_000 }, () => newWorkflowId('uniq'));
  assert.is(new Set(local).size, local.length);
  for (let i = 1; i < local.length; i++) assert.ok(parseWorkflowId(local[i]!).time >= parseWorkflowId(local[i - 1]!).time);
});

test.run();

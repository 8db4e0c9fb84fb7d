/** Smoke test of the test driver itself: uvu under tsx, and real bash on the machine. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';

test('bash is present and runs', () => {
  assert.is(execFileSync('bash', ['-c', 'echo $((6*7))']).toString(), '42\n');
});

test.run();

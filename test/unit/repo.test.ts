/**
 * The repository itself: generated/ is fresh compiler output of commands/ (`cmdc check`), and the
 * whole project (runtime, compiler, commands, generated, tests, bench) passes `tsc --strict`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('cmdc check: generated/ is up to date with commands/*.md and type-checks', () => {
  const r = run(process.execPath, ['cli/bin/cmdc.mjs', 'check']);
  assert.is(r.status, 0, r.out);
});

test('tsc --noEmit -p . (strict) is clean for the whole project', () => {
  const r = run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
  assert.is(r.status, 0, r.out);
});

test.run();

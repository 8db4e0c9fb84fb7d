/**
 * `cmdc build` through real processes: commands are bundled into a temp directory, the bundle
 * holds no compiler code, `node <bundle> --help` works, a whole run of /implement on
 * examples/plan.md via the bundle prints what `node --import tsx commands/implement.ts` prints
 * (same status), and `--block 1` then `--block 2` of one instance via the bundle find the
 * instance by owner discovery.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const TMP = mkdtempSync(join(tmpdir(), 'cmdc-build-'));
const OUT = join(TMP, 'bin');
const BUNDLE = join(OUT, 'implement.mjs');

function sh(args: readonly string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let n = 0;
/** Fresh state/log dirs and owner for one instance's runs. */
function stateEnv(): Record<string, string> {
  const d = join(TMP, `run${++n}`);
  return { CMDC_STATE_DIR: join(d, 'state'), CMDC_LOG_DIR: join(d, 'log'), CMDC_OWNER: `test:bundle-${n}` };
}

const ids = (s: string) => s.replace(/implement_[0-9]+/g, 'implement_ID');

test('cmdc build bundles commands/*.ts into <out>/<name>.mjs without compiler code', () => {
  const r = sh(['cli/bin/cmdc.mjs', 'build', '--out', OUT]);
  assert.is(r.status, 0, r.stderr);
  assert.ok(existsSync(BUNDLE));
  assert.ok(existsSync(join(OUT, 'research.mjs')));
  const code = readFileSync(BUNDLE, 'utf8');
  assert.not.match(code, /mvdan-sh|ts-morph|from ["']\.\.?\//);
  assert.match(r.stderr, /cmdc build: 2 bundles/);
});

test('cmdc build: an unknown name fails and writes nothing', () => {
  const out = join(TMP, 'nope');
  const r = sh(['cli/bin/cmdc.mjs', 'build', 'implement', 'nope', '--out', out]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /no such command entry: commands\/nope\.ts/);
  assert.not.ok(existsSync(join(out, 'implement.mjs')));
});

test('node <bundle> --help works and prints the bundle as the entry command', () => {
  const r = sh([BUNDLE, '--help']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\/implement — /);
  assert.ok(r.stdout.includes(`  node ${BUNDLE} --block <N|label>`), r.stdout);
});

test('a whole run via the bundle prints what the tsx entry prints', () => {
  const viaTsx = sh(['--import', 'tsx', 'commands/implement.ts', 'examples/plan.md'], stateEnv());
  const viaBundle = sh([BUNDLE, 'examples/plan.md'], stateEnv());
  assert.is(viaTsx.status, 0, viaTsx.stderr);
  assert.is(viaBundle.status, viaTsx.status, viaBundle.stderr);
  assert.is(viaBundle.stderr, viaTsx.stderr);
  // the printed resume command names the entry that ran (runtime/runner/run.ts entryCommand)
  assert.ok(viaTsx.stdout.includes('npx tsx commands/implement.ts --resume implement_'), viaTsx.stdout);
  assert.ok(viaBundle.stdout.includes(`node ${BUNDLE} --resume implement_`), viaBundle.stdout);
  const entry = (s: string) => s.replace(`node ${BUNDLE} --resume`, 'npx tsx commands/implement.ts --resume');
  assert.fixture(ids(entry(viaBundle.stdout)), ids(viaTsx.stdout));
});

test('--block 1 then --block 2 of one instance via the bundle (owner discovery)', () => {
  const env = stateEnv();
  const b1 = sh([BUNDLE, '--block', '1', 'examples/plan.md'], env);
  assert.is(b1.status, 0, b1.stderr);
  assert.match(b1.stdout, /^Plan: greeting command \(3 phases\)/);
  const b2 = sh([BUNDLE, '--block', '2'], env);
  assert.is(b2.status, 0, b2.stderr);
  assert.match(b2.stdout, /Open tasks: 4, done: 3; next phase: 2/);
  // the same blocks through tsx print the same
  const env2 = stateEnv();
  const t1 = sh(['--import', 'tsx', 'commands/implement.ts', '--block', '1', 'examples/plan.md'], env2);
  const t2 = sh(['--import', 'tsx', 'commands/implement.ts', '--block', '2'], env2);
  assert.is(ids(b1.stdout + b2.stdout), ids(t1.stdout + t2.stdout));
});

test.run();

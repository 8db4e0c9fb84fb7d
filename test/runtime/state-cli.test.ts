/** `cmdc state list|show|gc` (cli/state.ts), run as a user runs it: node cli/bin/cmdc.mjs. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, utimesSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createState } from '../../runtime/store/state.js';
import { run } from '../helpers/spawn.js';
import { tempDir } from '../helpers/tmp.js';

const cmdc = fileURLToPath(new URL('../../cli/bin/cmdc.mjs', import.meta.url));
const dir = tempDir('cli');
const env = { ...process.env, CMDC_STATE_DIR: dir, CMDC_OWNER: 'cli-user', NO_COLOR: '1' };
delete (env as NodeJS.ProcessEnv).CLAUDE_CODE_SESSION_ID;
const cli = (...args: string[]) => run(process.execPath, [cmdc, 'state', ...args], { env });

const mine = createState('implement', { env, command: '/implement', vars: { PLAN: "it's é", RAW: Buffer.from([0xff]) } });
mine.appendArray('FILES', ['a.ts', 'b c.ts']);
mine.setBlock(2);
const theirs = createState('implement', { env: { ...env, CMDC_OWNER: 'someone' } });
const done = createState('research', { env, owner: 'x' });
done.setStatus('done');
const old = (Date.now() - 30 * 86_400_000) / 1000;
utimesSync(done.path, old, old);

test('list: running/paused by default, --all adds done, --json, * marks the caller\'s', async () => {
  const [plain, all, json] = await Promise.all([cli('list'), cli('list', '--all'), cli('list', '--all', '--json')]);
  assert.is(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, `* ${mine.id}`);
  assert.match(plain.stdout, `  ${theirs.id}`);
  assert.not.match(plain.stdout, done.id);
  assert.match(all.stdout, done.id);
  const rows = JSON.parse(json.stdout) as { id: string; status: string; mine: boolean; block: number; command: string }[];
  assert.equal(rows.map((r) => r.id).sort(), [mine.id, theirs.id, done.id].sort());
  const m = rows.find((r) => r.id === mine.id)!;
  assert.equal([m.status, m.mine, m.block, m.command], ['running', true, 2, '/implement']);
  assert.is(rows[rows.length - 1]!.id, done.id, 'newest first');
});

test('show: metadata and exact values; --json; errors on stderr with non-zero exit', async () => {
  const [human, json, bad, missing] = await Promise.all([
    cli('show', mine.id),
    cli('show', mine.id, '--json'),
    cli('show', 'not-an-id'),
    cli('show', 'implement_1765352600123456789'),
  ]);
  assert.is(human.code, 0, human.stderr);
  assert.match(human.stdout, 'owner    cli-user');
  assert.match(human.stdout, 'block    2');
  assert.match(human.stdout, "PLAN=$'it\\'s \\xc3\\xa9'");
  assert.match(human.stdout, "RAW=$'\\xff'");
  assert.match(human.stdout, "FILES=(a.ts $'b c.ts')");
  const j = JSON.parse(json.stdout);
  assert.is(j.vars.PLAN, "it's é");
  assert.equal(j.arrays.FILES, ['a.ts', 'b c.ts']);
  assert.is(j.meta.status, 'running');
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /cmdc state show: invalid workflow id "not-an-id"/);
  assert.is(bad.stdout, '');
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /no state file for workflow implement_1765352600123456789/);
});

test('gc: --dry-run reports, --ttl applies, a bad --ttl is a usage error', async () => {
  const dry = await cli('gc', '--dry-run');
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, `would remove ${done.id}  (done`);
  assert.ok(existsSync(done.path));
  const bad = await cli('gc', '--ttl', '7x');
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /invalid duration "7x"/);
  const keep = await cli('gc', '--ttl', '60d');
  assert.match(keep.stdout, /gc: removed 0/);
  assert.ok(existsSync(done.path));
  const real = await cli('gc', '--ttl', '7d', '--json');
  assert.equal(JSON.parse(real.stdout).removed.map((r: { id: string }) => r.id), [done.id]);
  assert.not.ok(existsSync(done.path));
  assert.ok(existsSync(mine.path) && existsSync(theirs.path));
});

test('--help on each subcommand', async () => {
  const outs = await Promise.all([cli('--help'), cli('list', '--help'), cli('show', '--help'), cli('gc', '--help')]);
  for (const o of outs) assert.is(o.code, 0, o.stderr);
  assert.match(outs[0]!.stdout, /list \[options\]/);
  assert.match(outs[1]!.stdout, /--all/);
  assert.match(outs[2]!.stdout, /<id>/);
  assert.match(outs[3]!.stdout, /--ttl <duration>/);
  assert.match(outs[3]!.stdout, /--dry-run/);
});

test.run();

/**
 * Bash islands: variables flow in and out byte-exactly (every string without NUL, fast-check),
 * arrays and attributes survive, cwd follows, exit unwinds, and runBlock's API reports it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createShell, runBlock, type Shell } from '../../runtime/index.js';
import { Capture } from '../../runtime/shell/io.js';

function shell(extra: Partial<Parameters<typeof createShell>[0]> = {}): { sh: Shell; out: Capture; err: Capture } {
  const out = new Capture();
  const err = new Capture();
  const sh = createShell({
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), LC_ALL: 'C.UTF-8' },
    cwd: os.tmpdir(),
    stdout: { kind: 'sink', sink: out },
    stderr: { kind: 'sink', sink: err },
    scriptName: 'bash',
    ...extra,
  });
  return { sh, out, err };
}

test('island: values round-trip every string without NUL (both directions)', async () => {
  const special = fc.constantFrom('\n', '\t', "'", '"', '\\', '$', '`', '$(', ' ', '\x01', '\x7f', 'é', '✓', '😀', '\r');
  const str = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.array(special, { maxLength: 12 }).map((a) => a.join('')))
    .filter((s) => !s.includes('\0') && !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')));
  await fc.assert(
    fc.asyncProperty(str, str, async (a, b) => {
      const { sh } = shell();
      sh.setVar('IN', a);
      sh.setArray('ARR', [a, b]);
      sh.setVar('OUT_SRC', b);
      const st = await sh.island('OUT="$OUT_SRC"; COPY="$IN"; ARR+=("$IN")');
      assert.is(st, 0);
      assert.is(sh.getVar('OUT'), b);
      assert.is(sh.getVar('COPY'), a);
      assert.equal(sh.getValue('ARR'), [a, b, a]);
      return true;
    }),
    { numRuns: 40, seed: 3 },
  );
});

test('island: assoc arrays, exports, unset, cwd, status', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmdc-isl-'));
  const { sh } = shell();
  await sh.decl('declare -A', { M: null });
  sh.setVar('M', 'v1', { index: 'k 1' });
  sh.setVar('GONE', 'x');
  const st = await sh.island(`M[k2]="two"; export NEWX=1; unset GONE; cd ${JSON.stringify(dir)}; false`);
  assert.is(st, 1);
  const m = sh.getValue('M') as Map<string, string>;
  assert.is(m.get('k 1'), 'v1');
  assert.is(m.get('k2'), 'two');
  assert.is(sh.vars.lookup('NEWX')?.exported, true);
  assert.is(sh.getVar('GONE'), undefined);
  assert.is(sh.cwd, dir);
});

test('island: exit in the snippet ends the block with its status; EXIT trap runs', async () => {
  const { out } = shell();
  const r = await runBlock(async (sh) => {
    await sh.at(1).trap(async (sh) => { await sh.cmd(['echo', 'trap ran']); }, 'EXIT');
    await sh.at(2).island('echo before; exit 7');
    await sh.at(3).cmd(['echo', 'never']);
  }, (() => { const s = shell(); (s.sh.fds.set(1, { kind: 'sink', sink: out })); return s.sh; })());
  assert.is(r.status, 7);
  assert.is(out.text(), 'before\ntrap ran\n');
});

test('island: a block that does not parse reports bash\'s error at the .md line and exits 2', async () => {
  const { sh, err } = shell({ scriptName: 'commands/x.md' });
  const r = await runBlock(async (sh) => { await sh.at(12).island('echo a\nfi\n'); }, sh);
  assert.is(r.status, 2);
  assert.match(err.text(), /commands\/x\.md: -c: line 13: syntax error near unexpected token `fi'/);
});

test('runBlock: vars, cwd, exported, error messages with the .md line', async () => {
  const { sh, err } = shell({ scriptName: 'commands/x.md' });
  const r = await runBlock(async (sh) => {
    await sh.at(40).assign({ A: 'one' });
    await sh.at(41).cmd(['set', '-u']);
    await sh.at(42).cmd(['echo', (await import('../../runtime/index.js')).param('NOPE')]);
  }, sh);
  assert.is(r.status, 127);
  assert.is(r.vars.get('A'), 'one');
  assert.is(err.text(), 'commands/x.md: line 42: NOPE: unbound variable\n');
});

test('pipeline of builtins: last stage is a subshell (echo x | read y leaves y unset)', async () => {
  const { sh } = shell();
  await sh.pipe((sh) => sh.cmd(['echo', 'x']), (sh) => sh.cmd(['read', 'y']));
  assert.is(sh.getVar('y'), undefined);
});

test.run();

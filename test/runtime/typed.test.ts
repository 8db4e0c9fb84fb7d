/**
 * The typed tier's runtime (runtime/typed): `$` templates run through the shell's command path
 * (exec-handler stubs see them, fds 0–2, `$?`, set -e, ERR trap, pipelines, `$( )` trimming),
 * `v` reads as bash expands "$X" (set -u too), `ts.is` leaves `$?`/`$_` as `[` does, `wf.append`
 * writes the bytes the bash library writes, and `$` prints with zx's quoting.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { quote as zxQuoteReal } from 'zx';
import { arr, dq, param, r, runBlock, type ExecHandler } from '../../runtime/index.js';
import { captureShell } from '../helpers/capture-shell.js';
import { $, typed, zxQuote } from '../../runtime/typed/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LIB = path.join(root, 'runtime/lib/state-persistence.sh');

interface Call { argv: string[]; stdin: string; cwd: string; env: Record<string, string> }

function stub(calls: Call[]): ExecHandler {
  return async (ctx, next) => {
    if (ctx.argv[0] !== 'git') return next();
    calls.push({ argv: [...ctx.argv], stdin: (await ctx.readStdin()).toString(), cwd: ctx.cwd, env: { ...ctx.env } });
    if (ctx.argv[1] === 'fail') {
      ctx.stderr('fatal: nope\n');
      return 3;
    }
    ctx.stdout('main\n\n\n');
    return 0;
  };
}

const shell = (exec: ExecHandler[] = [], env: Record<string, string> = {}) => captureShell('typed', exec, env);

test('$ words follow zx: text splits on spaces, an interpolation is one word, arrays one per element', async () => {
  const calls: Call[] = [];
  const { sh } = shell([stub(calls)]);
  const { v, ts } = typed(sh);
  await sh.assign({ X: 'a b  *', Y: '' });
  await ts.top(1).run($`git log ${v.X} pre${v.Y}post ${['1 2', '3']} ${''} -n${5}`);
  assert.equal(calls[0]!.argv, ['git', 'log', 'a b  *', 'prepost', '1 2', '3', '', '-n5']);
  assert.is($`git log ${'a b'} ${''} x${"it's"}`.toString(), `git log $'a b' $'' x$'it\\'s'`);
  assert.is($`git log ${v.X}`.pipe($`wc -l`).toString(), 'git log "$X" | wc -l');
  assert.throws(() => $`echo 'quoted'`, /shell syntax/);
  assert.throws(() => $`ls *.md`, /shell syntax/);
  assert.throws(() => $`a | b`, /shell syntax/);
});

test('zxQuote is zx quote, byte for byte', () => {
  for (const s of ['', 'plain', 'a b', "it's", 'a\nb\tc\\d', '$HOME', '`x`', 'ünï', 'a=b@c:d/e.f-g', '\0', '\f\v\r', '*?[]']) {
    assert.is(zxQuote(s), zxQuoteReal(s), JSON.stringify(s));
  }
});

test('run: stubs catch it (argv, cwd, exported env, stdin from a pipe), $? is its status', async () => {
  const calls: Call[] = [];
  const { sh, out, err } = shell([stub(calls)]);
  const { ts } = typed(sh);
  await sh.assign({ E: 'exported', L: 'local' });
  await sh.decl('export', { E: null });
  assert.is(await ts.top(3).run($`printf ${'%s\n'} in`.pipe($`git hash-object --stdin`).pipe($`cat`)), 0);
  assert.equal(calls[0]!.argv, ['git', 'hash-object', '--stdin']);
  assert.is(calls[0]!.stdin, 'in\n');
  assert.is(calls[0]!.cwd, sh.cwd);
  assert.is(calls[0]!.env.E, 'exported');
  assert.is(calls[0]!.env.L, undefined);
  assert.is(out.text(), 'main\n\n\n');
  assert.is(await ts.top(4).run($`git fail`), 3);
  assert.is(sh.getVar('?'), '3');
  assert.is(err.text(), 'fatal: nope\n');
  assert.is(await ts.top(5).run($`git fail`.quiet()), 3);
  assert.is(err.text(), 'fatal: nope\n');
});

test('capture: trailing newlines cut, $? set; text() in set gives the assignment the substitution status', async () => {
  const calls: Call[] = [];
  const { sh } = shell([stub(calls)]);
  const { ts } = typed(sh);
  assert.is(await ts.top(1).capture($`git rev-parse HEAD`), 'main');
  assert.is(sh.status, 0);
  assert.is(await ts.top(2).capture($`git fail`), '');
  assert.is(sh.status, 3);
  assert.is(await ts.top(3).set({ B: ts.text($`git x`.pipe($`tr a-z A-Z`)) }), 0);
  assert.is(sh.getVar('B'), 'MAIN');
  assert.is(await ts.top(4).set({ C: ts.text($`git fail`) }), 3);
});

test('set -e and the ERR trap apply to a typed command as to the exact one', async () => {
  const calls: Call[] = [];
  const { sh, out } = shell([stub(calls)]);
  const res = await runBlock(async (sh) => {
    const { ts } = typed(sh);
    await sh.top(1).trap(async (sh) => { await sh.at(1).cmd(['echo', dq('ERR at ', param('LINENO'), ' status ', param('?'))]); }, 'ERR');
    await sh.top(2).cmd(['set', '-e']);
    await ts.top(3).run($`git fail`);
    await ts.top(4).echo('not reached');
  }, sh);
  assert.is(res.status, 3);
  assert.ok(res.exited);
  assert.is(out.text(), 'ERR at 3 status 3\n');
});

test('echo goes through the fd table in order with other writes; >&2 to fd 2', async () => {
  const { sh, out, err } = shell();
  const { v, ts } = typed(sh);
  await sh.assign({ T: 'x  y' });
  await sh.top(1).cmd(['printf', 'a\n']);
  await ts.top(2).echo(`t: ${v.T}`);
  await ts.top(3).echo(`e: ${v.T}`, 2);
  await sh.top(4).cmd(['printf', 'b\n']);
  assert.is(out.text(), 'a\nt: x  y\nb\n');
  assert.is(err.text(), 'e: x  y\n');
});

test('v: arrays read as element 0, unset is empty, set -u ends the shell with bash\'s message', async () => {
  const { sh, err } = shell();
  const res = await runBlock(async (sh) => {
    const { v, ts } = typed(sh);
    await sh.top(1).assign({ A: arr('first', 'second') });
    await ts.top(2).echo(`${v.A}|${v.NOPE}|`);
    await sh.top(3).cmd(['set', '-u']);
    await ts.top(4).echo(`${v.NOPE}`);
  }, sh);
  assert.is(res.status, 127);
  assert.match(err.text(), /^bash: line 4: NOPE: unbound variable\n$/);
});

test('is: $? and $_ as [ leaves them; skipped while a command is abandoned', async () => {
  const { sh } = shell();
  const { v, ts } = typed(sh);
  await sh.assign({ X: '' });
  assert.is(ts.top(1).is(v.X.value === ''), true);
  assert.is(sh.getVar('?'), '0');
  assert.is(sh.getVar('_'), ']');
  assert.is(ts.top(2).is(v.X.value !== ''), false);
  assert.is(sh.getVar('?'), '1');
});

/** The non-header lines of a state file. */
function records(file: string): string {
  return fs.readFileSync(file, 'latin1').split('\n').filter((l) => !l.startsWith('#')).join('\n');
}

test('wf.append writes the bytes the bash library writes (scalars, quotes, newlines, unicode, typed values)', async () => {
  const values: Record<string, string> = { A: 'x y', B: "a\nb'c", C: '$(touch pwned) `x` "q" \\', D: '', E: 'ünï ☃' };
  const id = 't_1234567890123456789';
  const bashDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmdc-typed-bash-'));
  const script = `source ${JSON.stringify(LIB)}; init_workflow_state ${id} >/dev/null || exit 9\n` +
    Object.keys(values).map((k) => `append_workflow_state ${k} "$${k}"`).join('\n') +
    `\nappend_workflow_state N 42\nappend_workflow_state_array L a 'b c'\n`;
  const ran = spawnSync('bash', ['-c', script], { cwd: bashDir, env: { PATH: process.env.PATH, CMDC_STATE_DIR: path.join(bashDir, 'st'), ...values }, encoding: 'utf8' });
  assert.is(ran.status, 0, ran.stderr);
  const { sh, err, dir } = shell([], { CMDC_STATE_DIR: '' });
  const tsDir = path.join(dir, 'st');
  interface S { A?: string; B?: string; C?: string; D?: string; E?: string; N?: number; L?: string[] }
  const res = await runBlock(async (sh) => {
    const { v, wf } = typed<S>(sh, { N: 'integer', L: 'array' });
    await sh.top(1).assign({ CMDC_STATE_DIR: tsDir, ...values });
    await sh.top(2).cmd(['source', LIB]);
    await sh.top(3).cmd(['init_workflow_state', id], r('>', '/dev/null'));
    await wf.top(4).append({ A: v.A, B: v.B, C: v.C, D: v.D, E: v.E });
    await wf.top(9).append({ N: 42, L: ['a', 'b c'] });
    assert.equal({ ...wf.view() }, { WORKFLOW_ID: id, ...values, N: 42, L: ['a', 'b c'] });
  }, sh);
  assert.is(res.status, 0, err.text());
  assert.is(fs.existsSync(path.join(dir, 'pwned')), false);
  assert.is(records(path.join(tsDir, `workflow_${id}.sh`)), records(path.join(bashDir, 'st', `workflow_${id}.sh`)));
});

test('wf.append runs the project\'s own append_workflow_state when it defines one, line by line', async () => {
  const { sh, out } = shell();
  const res = await runBlock(async (sh) => {
    const { v, wf } = typed<{ A?: string; B?: string }>(sh);
    await sh.top(1).fn('append_workflow_state', async (sh) => {
      await sh.at(1).cmd(['echo', { t: 'dq', parts: [{ t: 'param', spec: { name: '1', index: null, op: null, arg: null, length: false, indirect: false, keys: false, slice: null, repl: null } }, { t: 'lit', v: '=' }, { t: 'param', spec: { name: '2', index: null, op: null, arg: null, length: false, indirect: false, keys: false, slice: null, repl: null } }, { t: 'lit', v: '@' }, { t: 'param', spec: { name: 'BASH_LINENO', index: null, op: null, arg: null, length: false, indirect: false, keys: false, slice: null, repl: null } }] }]);
    });
    await sh.top(2).assign({ A: '1', B: 'two' });
    await wf.top(10).append({ A: v.A, B: v.B });
  }, sh);
  assert.is(res.status, 0);
  assert.is(out.text(), 'A=1@10\nB=two@11\n');
});

test.run();

/**
 * The exec-handler chain: a stub answers an external command wherever it runs (a pipeline stage,
 * `$( )`, a subshell, `command x`, under redirects to files), reads the stdin bytes it is given,
 * writes through the shell's fds, sees argv/cwd/env; handlers run in order and can pass a changed
 * context on; functions and builtins never reach the chain; the real spawn is the last link.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dq, param, cmdsub, r, env, type ExecHandler } from '../../runtime/index.js';
import { captureShell } from '../helpers/capture-shell.js';

interface Call { argv: string[]; cwd: string; stdin: string; env: Record<string, string> }

/** A stub for `git` and `jq` that records its calls; `jq` upper-cases its stdin. */
function stub(calls: Call[]): ExecHandler {
  return async (ctx, next) => {
    const name = ctx.argv[0];
    if (name !== 'git' && name !== 'jq') return next();
    const stdin = name === 'jq' ? (await ctx.readStdin()).toString() : '';
    calls.push({ argv: [...ctx.argv], cwd: ctx.cwd, stdin, env: { ...ctx.env } });
    if (name === 'git') {
      if (ctx.argv[1] === 'fail') {
        ctx.stderr('fatal: nope\n');
        return 128;
      }
      ctx.stdout(Buffer.from('main\nfeature\n'));
      return 0;
    }
    ctx.stdout(stdin.toUpperCase());
    return 0;
  };
}

const shell = (exec: ExecHandler[]) => captureShell('exec', exec, { KEEP: 'k' });

test('a stub in a pipeline: reads the previous stage, feeds the next (real processes around it)', async () => {
  const calls: Call[] = [];
  const { sh, out } = shell([stub(calls)]);
  const st = await sh.pipe(
    (sh) => sh.cmd(['printf', '%s\\n', 'a', 'b']),
    (sh) => sh.cmd(['jq', '-r', '.']),
    (sh) => sh.cmd(['cat']),
  );
  assert.is(st, 0);
  assert.is(out.text(), 'A\nB\n');
  assert.equal(calls.map((c) => [c.argv, c.stdin]), [[['jq', '-r', '.'], 'a\nb\n']]);
  // stub first, then a real process reading what it wrote
  const st2 = await sh.pipe((sh) => sh.cmd(['git', 'branch']), (sh) => sh.cmd(['wc', '-l']));
  assert.is(st2, 0);
  assert.is(out.text(), 'A\nB\n2\n');
});

test('a stub in $( ): its stdout is the substitution, its status $?', async () => {
  const calls: Call[] = [];
  const { sh, err } = shell([stub(calls)]);
  await sh.assign({ B: cmdsub(async (sh) => { await sh.cmd(['git', 'rev-parse', '--abbrev-ref', 'HEAD']); }) });
  assert.is(sh.getVar('B'), 'main\nfeature');
  assert.is(sh.status, 0);
  await sh.assign({ C: cmdsub(async (sh) => { await sh.cmd(['git', 'fail']); }) });
  assert.is(sh.getVar('C'), '');
  assert.is(sh.status, 128);
  assert.is(err.text(), 'fatal: nope\n');
  // nested: $(git … | jq)
  await sh.assign({ D: dq(cmdsub(async (sh) => { await sh.pipe((sh) => sh.cmd(['git', 'x']), (sh) => sh.cmd(['jq'])); })) });
  assert.is(sh.getVar('D'), 'MAIN\nFEATURE');
  assert.is(calls.length, 4);
});

test('argv, cwd, env (exported + prefix assignments) and stdin from a heredoc reach the handler', async () => {
  const calls: Call[] = [];
  const { sh, dir } = shell([stub(calls)]);
  fs.mkdirSync(path.join(dir, 'sub'));
  await sh.cmd(['cd', 'sub']);
  sh.setVar('LOCALONLY', 'x');
  await sh.cmd(['jq', dq(param('LOCALONLY'))], r('<<', 'in put\n'), env({ PFX: 'p v' }));
  assert.is(calls.length, 1);
  const c = calls[0]!;
  assert.equal(c.argv, ['jq', 'x']);
  assert.is(c.cwd, path.join(dir, 'sub'));
  assert.is(c.stdin, 'in put\n');
  assert.is(c.env.PFX, 'p v');
  assert.is(c.env.KEEP, 'k');
  assert.is(c.env.LOCALONLY, undefined);
});

test('redirected to OS fds: a stub writes into files (stdout and stderr)', async () => {
  const calls: Call[] = [];
  const { sh, dir } = shell([stub(calls)]);
  await sh.cmd(['git', 'log'], r('>', 'o.txt'));
  await sh.cmd(['git', 'fail'], r('2>', 'e.txt'));
  await sh.cmd(['jq'], r('<', 'o.txt'), r('>>', 'o.txt'));
  assert.is(fs.readFileSync(path.join(dir, 'o.txt'), 'utf8'), 'main\nfeature\nMAIN\nFEATURE\n');
  assert.is(fs.readFileSync(path.join(dir, 'e.txt'), 'utf8'), 'fatal: nope\n');
});

test('subshells, `command`, `exec` go through the chain; functions and builtins do not', async () => {
  const seen: string[] = [];
  const spy: ExecHandler = (ctx, next) => {
    seen.push(ctx.argv.join(' '));
    return ctx.argv[0] === 'git' || ctx.argv[0] === 'tool' ? 0 : next();
  };
  const { sh, out } = shell([spy]);
  await sh.fn('git', async (sh) => { await sh.cmd(['echo', 'fn']); });
  await sh.cmd(['git', 'a']); // the function wins
  await sh.cmd(['command', 'git', 'b']); // `command` skips functions
  await sh.subshell(async (sh) => { await sh.cmd(['command', 'git', 'c']); });
  await sh.cmd(['echo', 'builtin']);
  assert.is(await sh.subshell(async (sh) => { await sh.cmd(['exec', 'tool', 'd']); await sh.cmd(['echo', 'not reached']); }), 0);
  assert.is(out.text(), 'fn\nbuiltin\n');
  assert.equal(seen, ['git b', 'git c', 'tool d']);
});

test('handlers run in order; a handler can change what the next link sees; the real spawn is last', async () => {
  const order: string[] = [];
  const first: ExecHandler = (ctx, next) => {
    order.push('first');
    return ctx.argv[0] === 'say' ? next({ ...ctx, argv: ['echo', ...ctx.argv.slice(1)] }) : next();
  };
  const second: ExecHandler = async (ctx, next) => {
    order.push(`second:${ctx.argv[0]}`);
    const st = await next();
    return st === 0 ? 0 : st + 100;
  };
  const { sh, out, err } = shell([first, second]);
  assert.is(await sh.cmd(['say', 'hi']), 0);
  assert.is(out.text(), 'hi\n');
  assert.is(await sh.cmd(['cmdc-no-such-command-xyz']), 227);
  assert.match(err.text(), 'cmdc-no-such-command-xyz: command not found');
  assert.equal(order, ['first', 'second:echo', 'first', 'second:cmdc-no-such-command-xyz']);
});

test.run();

/**
 * An awaited `$` command is a zx command (runtime/typed/zx.ts): zx's ProcessOutput (stdout,
 * stderr, exitCode, text/lines/json), zx's rejection on a non-zero exit and `.nothrow()`, zx's
 * `.quiet()`, interpolating an output as zx does — run on the block's shell: its cwd, exported
 * environment, stdin and the exec-handler chain (stubs see the argv), without touching `$?` or
 * `set -e`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProcessOutput } from 'zx';
import { r, type ExecHandler } from '../../runtime/index.js';
import { Reader } from '../../runtime/shell/io.js';
import { captureShell } from '../helpers/capture-shell.js';
import { $ as unbound, typed } from '../../runtime/typed/index.js';

interface Call { argv: string[]; cwd: string; env: Record<string, string>; stdin: string }

function git(calls: Call[]): ExecHandler {
  return async (ctx, next) => {
    if (ctx.argv[0] !== 'git') return next();
    calls.push({ argv: [...ctx.argv], cwd: ctx.cwd, env: { ...ctx.env }, stdin: (await ctx.readStdin()).toString() });
    if (ctx.argv[1] === 'fail') {
      ctx.stderr('fatal: nope\n');
      return 3;
    }
    if (ctx.argv[1] === 'json') {
      ctx.stdout('{"branch":"main","n":2}\n');
      return 0;
    }
    ctx.stdout('main\nfeature x\n');
    return 0;
  };
}

test('awaited: zx ProcessOutput from a stubbed command; argv, cwd, exported env, stdin of the block', async () => {
  const calls: Call[] = [];
  const { sh, out, err, dir } = captureShell('zx', [git(calls)]);
  fs.mkdirSync(path.join(dir, 'sub'));
  await sh.cmd(['cd', 'sub']);
  await sh.assign({ EXPORTED: 'yes', LOCAL: 'no' });
  await sh.decl('export', { EXPORTED: null });
  sh.fds.set(0, { kind: 'reader', reader: Reader.fromBuffer('from stdin\n') });
  sh.status = 42;
  const { $, v } = typed(sh);
  const o = await $`git branch --list ${'a b'} ${v.LOCAL}`;
  assert.ok(o instanceof ProcessOutput, 'zx ProcessOutput');
  assert.is(o.stdout, 'main\nfeature x\n');
  assert.is(o.exitCode, 0);
  assert.equal(o.lines(), ['main', 'feature x']);
  assert.is(o.text(), 'main\nfeature x\n');
  assert.equal(calls[0]!.argv, ['git', 'branch', '--list', 'a b', 'no']);
  assert.is(calls[0]!.cwd, path.join(fs.realpathSync(dir), 'sub'));
  assert.is(calls[0]!.env.EXPORTED, 'yes');
  assert.is(calls[0]!.env.LOCAL, undefined);
  assert.is(calls[0]!.stdin, 'from stdin\n');
  // captured, not printed; $? untouched (an expression, not a statement)
  assert.is(out.text(), '');
  assert.is(err.text(), '');
  assert.is(sh.status, 42);
});

test('awaited: a non-zero exit rejects with the ProcessOutput (exitCode, stderr); nothrow resolves; stderr printed unless quiet', async () => {
  const calls: Call[] = [];
  const { sh, err } = captureShell('zx', [git(calls)]);
  await sh.cmd(['set', '-e']);
  const { $ } = typed(sh);
  let caught: unknown;
  try {
    await $`git fail`;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ProcessOutput, 'rejects with ProcessOutput');
  assert.is((caught as ProcessOutput).exitCode, 3);
  assert.is((caught as ProcessOutput).stderr, 'fatal: nope\n');
  assert.is(err.text(), 'fatal: nope\n', 'stderr shown on fd 2');
  const o = await $`git fail`.nothrow().quiet();
  assert.is(o.exitCode, 3);
  assert.is(o.stderr, 'fatal: nope\n', 'quiet keeps stderr in the output');
  assert.is(err.text(), 'fatal: nope\n', 'quiet: not printed again');
  assert.is(await $`git fail`.quiet().exitCode, 3);
  // set -e does not end the shell for an awaited command
  assert.is(sh.status, 0);
});

test('awaited: text/lines/json, pipelines, redirects, functions of the shell, real commands, output interpolated as zx does', async () => {
  const calls: Call[] = [];
  const { sh } = captureShell('zx', [git(calls)]);
  const { $ } = typed(sh);
  assert.equal(await $`git json`.json(), { branch: 'main', n: 2 });
  assert.equal(await $`git branch`.pipe($`tr a-z A-Z`).lines(), ['MAIN', 'FEATURE X']);
  assert.is(await $`printf ${'%s\n'} one two`.text(), 'one\ntwo\n');
  const o = await $`git json`;
  // an output interpolates as its stdout without the trailing newline (zx's rule)
  assert.is(await $`printf ${'[%s]'} ${o}`.text(), '[{"branch":"main","n":2}]');
  assert.is(await $`sh -c ${'echo err >&2; echo out'}`.with(r('2>&', '1')).text(), 'err\nout\n');
  await sh.fn('greet', (s) => s.cmd(['echo', 'hi from a function']));
  assert.is(await $`greet`.text(), 'hi from a function\n');
  const missing = await $`definitely-not-a-command-cmdc`.nothrow().quiet();
  assert.is(missing.exitCode, 127);
  assert.match(missing.stderr, /command not found/);
});

test('a statement still runs the same command as bash: stdout printed, $? set; an unbound $ cannot be awaited', async () => {
  const calls: Call[] = [];
  const { sh, out } = captureShell('zx', [git(calls)]);
  const { $, ts } = typed(sh);
  assert.is(await ts.top(1).run($`git fail`.quiet()), 3);
  assert.is(sh.status, 3);
  await ts.top(2).run($`git branch`);
  assert.is(out.text(), 'main\nfeature x\n');
  let msg = '';
  try {
    await unbound`git branch`;
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /not bound to a shell/);
});

test.run();

/**
 * Owner detection skips subshells a shell forked (issue 12, item 12): in a long-lived shell (a
 * terminal), `( node x.mjs --block 2; true )`, `$( … )` and a pipeline element run in forked
 * copies of that shell; the owner is the shell itself, as for a plain `node x.mjs`, in the TS
 * runtime (runtime/store/owner.ts) and in the bash library (cmdc_resolve_owner) alike.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { bundleHelpers } from '../helpers/bundle.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LIB = join(ROOT, 'runtime/lib/state-persistence.sh');

/** Feeds `script` to a non -c shell (argv `bash --norc`, like a terminal's) and returns its stdout lines and pid. */
function shell(script: string): Promise<{ pid: number; lines: string[] }> {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env.CMDC_OWNER;
    delete env.CLAUDE_CODE_SESSION_ID;
    const child = spawn('bash', ['--norc'], { stdio: ['pipe', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', () => done({ pid: child.pid!, lines: out.trim().split('\n') }));
    child.stdin.end(script);
  });
}

test('TS runtime: a forked subshell, $( ) and a pipe are not the owner; the shell is', async () => {
  const { 'owner-print': print } = bundleHelpers(['owner-print']);
  const node = `${JSON.stringify(process.execPath)} ${JSON.stringify(print)}`;
  const { pid, lines } = await shell(
    `${node}\n( ${node}; true )\n( ( ${node}; true ); true )\necho "$(${node}; true)"\n${node} | cat\n`,
  );
  const owners = lines.map((l) => (JSON.parse(l) as { owner: string }).owner);
  assert.is(owners.length, 5);
  assert.match(owners[0]!, new RegExp(`^proc:${pid}:\\d+$`));
  for (const o of owners) assert.is(o, owners[0], lines.join('\n'));
});

test('bash library: a block run from a subshell of the shell has the shell as owner', async () => {
  const block = `bash -c 'source ${JSON.stringify(LIB).slice(1, -1)}; cmdc_resolve_owner o; echo "$o"'`;
  const { pid, lines } = await shell(`${block}\n( ${block}; true )\n( ( ${block}; true ); true )\n`);
  assert.is(lines.length, 3);
  assert.match(lines[0]!, new RegExp(`^proc:${pid}:\\d+$`));
  for (const o of lines) assert.is(o, lines[0]);
});

test.run();

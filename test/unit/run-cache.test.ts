/**
 * `cmdc run` in process: the plain-JS hit path (cli/run-hit.mjs) reads the cache layout that
 * runtime/code/cache.ts owns (version, key, bundle path agree, and change when they must); names
 * resolve as Claude Code looks them up (.claude/commands, a:b, skills, commands/, paths); the
 * project root; near names for a command that does not exist; `cmdc list`'s discovery.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runKey, runPaths, runVersion } from '../../runtime/code/cache.js';
import * as hit from '../../cli/run-hit.mjs';
import { RunError, nearNames, projectCommands, runMiss, unknownCommandMessage } from '../../cli/run.js';

const TMP = mkdtempSync(join(tmpdir(), 'cmdc-run-cache-'));

function project(files: Record<string, string>, name = `p${Math.random().toString(36).slice(2)}`): string {
  const root = join(TMP, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

test('the hit path computes the version, key and bundle path runtime/code/cache.ts defines', () => {
  assert.is(hit.runVersion(hit.CMDC_ROOT), runVersion(hit.CMDC_ROOT));
  const fake = project({ 'cli/x.mjs': 'w', 'compiler/a.ts': 'x', 'runtime/b/c.ts': 'y', 'package.json': '{}', 'test/t.ts': 'z' });
  const v = runVersion(fake);
  assert.is(hit.runVersion(fake), v);
  for (const [rel, name, text] of [
    ['.claude/commands/hello.md', 'hello', 'a'],
    ['.claude/commands/ns/x.md', 'ns:x', ''],
    ['.claude/skills/s/SKILL.md', 's', 'é\u0000\n'],
    ['../outside.md', 'outside', 'b'],
  ] as const) {
    const bytes = Buffer.from(text);
    const key = runKey(rel, name, bytes);
    assert.is(hit.runKey(rel, name, bytes), key, rel);
    assert.is(hit.runBundleFile('/proj', v, key), runPaths('/proj', v, key).bundle, rel);
  }
});

test('the version changes with a source edit (same size and mtime too), a new file, package.json, cli/; not with files outside the package; the key with path, name and bytes', async () => {
  const fake = project({ 'cli/x.mjs': 'w', 'compiler/a.ts': 'x', 'runtime/b/c.ts': 'y', 'package.json': '{}', 'test/t.ts': 'z' });
  const v0 = runVersion(fake);
  writeFileSync(join(fake, 'runtime/b/c.ts'), 'yy');
  const npmTime = new Date('1985-10-26T08:15:00Z'); // the mtime npm gives every file it extracts
  utimesSync(join(fake, 'runtime/b/c.ts'), npmTime, npmTime);
  const v1 = runVersion(fake);
  assert.is.not(v1, v0);
  await sleep(20);
  writeFileSync(join(fake, 'runtime/b/c.ts'), 'zz'); // same size and the same mtime: the ctime moves
  utimesSync(join(fake, 'runtime/b/c.ts'), npmTime, npmTime);
  const v2 = runVersion(fake);
  assert.is.not(v2, v1);
  writeFileSync(join(fake, 'compiler/new.ts'), '');
  const v3 = runVersion(fake);
  assert.is.not(v3, v2);
  writeFileSync(join(fake, 'package.json'), '{"version":"2"}');
  const v4 = runVersion(fake);
  assert.is.not(v4, v3);
  writeFileSync(join(fake, 'cli/run.ts'), '');
  const v5 = runVersion(fake);
  assert.is.not(v5, v4);
  writeFileSync(join(fake, 'test/other.ts'), ''); // not part of cmdc's package
  assert.is(runVersion(fake), v5);
  const b = Buffer.from('echo hi');
  const k = runKey('.claude/commands/a.md', 'a', b);
  assert.is.not(runKey('.claude/commands/b.md', 'a', b), k);
  assert.is.not(runKey('.claude/commands/a.md', 'b', b), k);
  assert.is.not(runKey('.claude/commands/a.md', 'a', Buffer.from('echo hi ')), k);
  assert.is(runPaths('/p', 'v'.repeat(64), k).dir, '/p/.cmdc/cache/run-vvvvvvvvvvvvvvvv');
});

test('names resolve as Claude Code looks them up', () => {
  const root = project({
    '.claude/commands/hello.md': 'c',
    '.claude/commands/ns/deep.md': 'c',
    '.claude/commands/a/b/c.md': 'c',
    '.claude/skills/hello/SKILL.md': 's',
    '.claude/skills/sk/SKILL.md': 's',
    '.claude/skills/both/SKILL.md': 's',
    'commands/both.md': 'c',
    'commands/own.md': 'c',
    'docs/x.md': 'd',
  });
  const r = (name: string, cwd = root) => hit.resolveCommand(root, name, cwd)?.rel ?? null;
  assert.is(r('hello'), '.claude/skills/hello/SKILL.md'); // a skill wins over a command of the same name (Claude Code's docs)
  assert.is(r('ns:deep'), '.claude/commands/ns/deep.md');
  assert.is(r('a:b:c'), '.claude/commands/a/b/c.md');
  assert.is(r('sk'), '.claude/skills/sk/SKILL.md');
  assert.is(r('both'), '.claude/skills/both/SKILL.md'); // a skill before commands/
  assert.is(r('own'), 'commands/own.md');
  assert.is(r('ns'), null); // a directory is not a command
  assert.is(r('ns:nope'), null);
  assert.is(r('sk:x'), null); // skills are not namespaced
  assert.is(r('../hello'), null);
  assert.is(r('x y'), null);
  assert.is(r('docs/x.md'), 'docs/x.md');
  assert.is(r('x.md', join(root, 'docs')), 'docs/x.md');
  assert.is(r('.claude/skills/sk/SKILL.md'), '.claude/skills/sk/SKILL.md');
  assert.is(hit.resolveCommand(root, '.claude/skills/sk/SKILL.md', root)?.name, 'sk');
  assert.is(hit.resolveCommand(root, 'ns:deep', root)?.name, 'ns:deep');
  assert.is(r('missing.md'), null);
});

test('the project root: the git top level, else the nearest directory holding .claude/, else cwd', () => {
  const root = project({ 'a/b/.keep': '', '.claude/commands/x.md': 'c', 'a/.claude/skills/.keep': '' });
  mkdirSync(join(root, '.git'));
  assert.is(hit.projectRoot(join(root, 'a', 'b')), root);
  rmSync(join(root, '.git'), { recursive: true });
  assert.is(hit.projectRoot(join(root, 'a', 'b')), join(root, 'a'));
  assert.is(hit.projectRoot(root), root);
  const bare = project({ 'q/.keep': '' });
  assert.is(hit.projectRoot(join(bare, 'q')), join(bare, 'q'));
});

test('a command that does not exist: one line naming the near names', () => {
  const root = project({
    '.claude/commands/hello.md': 'c',
    '.claude/commands/help.md': 'c',
    '.claude/commands/ns/deploy.md': 'c',
    '.claude/skills/research/SKILL.md': 's',
    'commands/implement.md': 'c',
  });
  const names = projectCommands(root).map((c) => c.name);
  assert.equal(names, ['hello', 'help', 'implement', 'ns:deploy', 'research']);
  const shadowing = project({ '.claude/commands/x.md': 'c', '.claude/skills/x/SKILL.md': 's', 'commands/x.md': 'c', 'commands/y.md': 'c' });
  assert.equal(
    projectCommands(shadowing).map((c) => [c.name, c.kind, c.rel, c.shadowedBy]),
    [
      ['x', 'skill', '.claude/skills/x/SKILL.md', undefined],
      ['x', 'command', '.claude/commands/x.md', '.claude/skills/x/SKILL.md'],
      ['x', 'command', 'commands/x.md', '.claude/skills/x/SKILL.md'],
      ['y', 'command', 'commands/y.md', undefined],
    ],
  );
  assert.equal(nearNames('helo', names), ['hello', 'help']);
  assert.equal(nearNames('reserch', names), ['research']);
  assert.equal(nearNames('ns:deplyo', names), ['ns:deploy']);
  assert.equal(nearNames('implemnet', names), ['implement']);
  assert.equal(nearNames('zzzzzz', names), []);
  const m = unknownCommandMessage('helo', root);
  assert.not.match(m, '\n');
  assert.match(m, "no command 'helo'");
  assert.match(m, 'did you mean hello, help?');
  assert.match(unknownCommandMessage('zzzzzz', root), 'the project has: hello, help, implement, ns:deploy, research');
  assert.match(unknownCommandMessage('x', project({ 'a.txt': '' })), 'has no .claude/commands');
  assert.match(unknownCommandMessage('nope/x.md', root), 'no such file: nope/x.md');
});

test('a cache that cannot be written is one clear line (exit 73), before anything runs; an unknown name is exit 2; an option before the name is refused', async () => {
  const root = project({ '.claude/commands/a.md': '```bash\necho hi\n```\n', '.cmdc': 'not a directory' });
  const fails = async (argv: string[]) => {
    try {
      await runMiss(argv, root);
    } catch (e) {
      if (e instanceof RunError) return e;
      throw e;
    }
    throw new Error(`runMiss ${argv.join(' ')} did not fail`);
  };
  const e = await fails(['a']);
  assert.is(e.exitCode, 73);
  assert.match(e.message, /^cmdc run: cannot write the compiled \.claude\/commands\/a\.md into .*\.cmdc\/cache\/run-[0-9a-f]{16}: ENOTDIR/);
  assert.is((await fails(['b'])).exitCode, 2);
  assert.match((await fails(['--block', 'a'])).message, "the command's name comes first");
});

test.after(() => rmSync(TMP, { recursive: true, force: true }));
test.run();

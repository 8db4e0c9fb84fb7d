/**
 * `cmdc run` as a user meets it (issue 16): the packed cmdc tarball (`npm pack`) is installed
 * offline into a temp project outside the repository (the project's lockfile pins cmdc's
 * dependencies to the versions of this repository's lockfile, so npm takes them from the local
 * cache that `npm ci` filled: no registry request), then `npx cmdc run …` runs a two-block
 * command with state passed between its blocks and an agent step, and a skill: whole (pauses at
 * the agent step), `--resume`, `--block 1`, `--block 2`; a second `--block 1` is a cache hit
 * (the CMDC_RUN_REPORT marker, not timing); an edited or renamed command is compiled again; an
 * unknown name is one line naming the near names; `cmdc list`; nothing shows in `git status`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TMP = tempDir('run-pack');
const PROJECT = join(TMP, 'project');

const HELLO = `---
description: Greet someone across two blocks
argument-hint: <name>
---
# /hello

## Block 1: Setup

\`\`\`bash
source "\${CLAUDE_PROJECT_DIR:-$(pwd)}/.claude/lib/core/state-persistence.sh" 2>/dev/null || exit 1
WORKFLOW_ID="hello_$(date +%s%N)"
init_workflow_state "$WORKFLOW_ID" >/dev/null
append_workflow_state "GREETED" "$ARGUMENTS"
echo "block 1: hello $ARGUMENTS"
\`\`\`

Write a greeting for GREETED (see the workflow state) into greeting.txt.

## Block 2: Check

\`\`\`bash
source "\${CLAUDE_PROJECT_DIR:-$(pwd)}/.claude/lib/core/state-persistence.sh" 2>/dev/null || exit 1
STATE_FILE=$(discover_latest_state_file "hello")
source "$STATE_FILE"
load_workflow_state "$WORKFLOW_ID" false
echo "block 2: goodbye $GREETED ($(cat greeting.txt 2>/dev/null || echo no greeting))"
\`\`\`
`;

const SHOUT = `---
description: Shout the arguments
argument-hint: <words>
---
\`\`\`bash
echo "shout: $ARGUMENTS" | tr a-z A-Z
\`\`\`
`;

/** The environment of npm and the runs: the caller's, without cmdc's or Claude Code's variables; npm never goes to the network. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(CMDC_|CLAUDE_)/.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

function sh(cmd: string, args: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...baseEnv(), ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}` };
}

let owners = 0;
/** `npx cmdc …` in the project as one owner's session (its blocks find each other's instance). */
function npx(args: readonly string[], owner = 'test:run-pack') {
  return sh('npx', ['cmdc', ...args], PROJECT, { CMDC_OWNER: owner, CMDC_RUN_REPORT: '1' });
}
/** The same through the installed bin directly (npx adds ~0.6 s a call): the later tests. */
function cmdc(args: readonly string[], owner = 'test:run-pack', cwd = PROJECT) {
  return sh(join(PROJECT, 'node_modules', '.bin', 'cmdc'), args, cwd, { CMDC_OWNER: owner, CMDC_RUN_REPORT: '1' });
}
const newOwner = () => `test:run-pack-${++owners}`;

/** What the CMDC_RUN_REPORT marker says the run did with the cache: 'compiled', 'hit' or ''. */
function cacheMarker(stderr: string): string {
  if (/^cmdc run: compiled /m.test(stderr)) return 'compiled';
  if (/^cmdc run: cache hit /m.test(stderr)) return 'hit';
  return '';
}

test.before(() => {
  const pack = sh('npm', ['pack', '--pack-destination', TMP, '--loglevel=error'], ROOT);
  assert.is(pack.status, 0, pack.out);
  const tarball = readdirSync(TMP).find((f) => /^cmdc-.*\.tgz$/.test(f));
  assert.ok(tarball, `npm pack wrote no tarball: ${pack.out}`);
  // the project's lockfile: cmdc from the tarball, its dependencies as this repository locks them
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const spec = `file:../${tarball}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(TMP, tarball))).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'project', dependencies: { cmdc: spec } },
    'node_modules/cmdc': { version: pkg.version, resolved: spec, integrity, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [k, v] of Object.entries(lock.packages)) if (k && !v.dev) packages[k] = v;
  mkdirSync(join(PROJECT, '.claude', 'commands'), { recursive: true });
  mkdirSync(join(PROJECT, '.claude', 'skills', 'shout'), { recursive: true });
  writeFileSync(join(PROJECT, 'package.json'), JSON.stringify({ name: 'project', private: true }, null, 2));
  writeFileSync(join(PROJECT, 'package-lock.json'), JSON.stringify({ name: 'project', lockfileVersion: 3, requires: true, packages }, null, 2));
  writeFileSync(join(PROJECT, '.claude', 'commands', 'hello.md'), HELLO);
  writeFileSync(join(PROJECT, '.claude', 'skills', 'shout', 'SKILL.md'), SHOUT);
  writeFileSync(join(PROJECT, '.gitignore'), 'node_modules/\n');
  const git = sh('git', ['init', '-q'], PROJECT);
  assert.is(git.status, 0, git.out);
  const install = sh('npm', ['install', `../${tarball}`, '--offline', '--loglevel=error'], PROJECT);
  assert.is(install.status, 0, install.out);
});

test('the tarball holds cli, compiler, runtime and the README; no tests, commands or generated code', () => {
  const files = sh('tar', ['tzf', join(TMP, readdirSync(TMP).find((f) => f.endsWith('.tgz'))!)], TMP).stdout.split('\n').filter(Boolean);
  const tops = new Set(files.map((f) => f.replace(/^package\//, '').split('/')[0]));
  assert.equal([...tops].sort(), ['README.md', 'cli', 'compiler', 'package.json', 'runtime']);
  assert.ok(files.includes('package/cli/bin/cmdc.mjs'));
  assert.ok(files.includes('package/cli/run-hit.mjs'));
  assert.ok(files.includes('package/runtime/lib/core/state-persistence.sh') || files.some((f) => f.startsWith('package/runtime/lib/')));
});

test('npx cmdc run hello world: block 1, then paused at the agent step with a `npx cmdc run hello --resume <id>` line; --resume runs block 2 with the state', () => {
  const owner = newOwner();
  const r = npx(['run', 'hello', 'world'], owner);
  assert.is(r.status, 0, r.out);
  assert.match(r.stdout, 'block 1: hello world');
  assert.match(r.stdout, 'Write a greeting for GREETED');
  assert.match(r.stdout, 'GREETED="world"');
  assert.not.match(r.stdout, 'block 2');
  const id = /npx cmdc run hello --resume (\S+)/.exec(r.out)?.[1];
  assert.ok(id, r.out);
  assert.is(cacheMarker(r.stderr), 'compiled', r.stderr);
  writeFileSync(join(PROJECT, 'greeting.txt'), 'Hi world');
  const resumed = npx(['run', 'hello', '--resume'], owner);
  assert.is(resumed.status, 0, resumed.out);
  assert.match(resumed.stdout, 'block 2: goodbye world (Hi world)');
  assert.is(cacheMarker(resumed.stderr), 'hit', resumed.stderr);
  rmSync(join(PROJECT, 'greeting.txt'));
  const again = npx(['run', 'hello', '--resume', id], owner);
  assert.is.not(again.status, 0, again.out); // done: nothing to resume
});

test('--block 1 then --block 2 (owner discovery): state passed between the blocks; a second --block 1 does not recompile', () => {
  const owner = newOwner();
  const b1 = npx(['run', 'hello', '--block', '1', 'bob'], owner);
  assert.is(b1.status, 0, b1.out);
  assert.is(b1.stdout.trim(), 'block 1: hello bob');
  assert.is(cacheMarker(b1.stderr), 'hit', b1.stderr);
  const b2 = npx(['run', 'hello', '--block', '2'], owner);
  assert.is(b2.status, 0, b2.out);
  assert.is(b2.stdout.trim(), 'block 2: goodbye bob (no greeting)');
  const other = newOwner();
  const again = npx(['run', 'hello', '--block', '1', 'ann'], other);
  assert.is(again.status, 0, again.out);
  assert.is(cacheMarker(again.stderr), 'hit', again.stderr);
  const help = npx(['run', 'hello', '--help'], other);
  assert.is(help.status, 0, help.out);
  assert.match(help.stdout, 'npx cmdc run hello --block');
  const b2b = npx(['run', 'hello', '--block', '2'], other);
  assert.is(b2b.stdout.trim(), 'block 2: goodbye ann (no greeting)', b2b.out);
});

test('a cache hit loads neither tsx nor the compiler (every resolved module traced); a miss does load them', () => {
  const trace = (name: string, args: readonly string[]) => {
    const file = join(TMP, `trace-${name}.txt`);
    const bin = join(PROJECT, 'node_modules', 'cmdc', 'cli', 'bin', 'cmdc.mjs');
    const r = sh(process.execPath, ['--import', join(ROOT, 'test', 'helpers', 'load-trace.mjs'), bin, 'run', ...args], PROJECT, {
      CMDC_OWNER: newOwner(),
      CMDC_RUN_REPORT: '1',
      CMDC_LOAD_TRACE: file,
    });
    assert.is(r.status, 0, r.out);
    return { r, urls: readFileSync(file, 'utf8').split('\n').filter(Boolean) };
  };
  const loadsTsxOrCompiler = (u: string) => /node_modules\/(tsx|ts-morph|@ts-morph|mvdan-sh|typescript)\/|\/cmdc\/compiler\/|cmdc-compiler\.mjs|\.ts$/.test(u);
  const hit = trace('hit', ['hello', '--block', '1', 'tom']);
  assert.is(cacheMarker(hit.r.stderr), 'hit', hit.r.stderr);
  assert.ok(hit.urls.some((u) => u.endsWith('.mjs') && u.includes('/.cmdc/cache/run-')), hit.urls.join('\n'));
  assert.equal(hit.urls.filter(loadsTsxOrCompiler), []);
  writeFileSync(join(PROJECT, '.claude', 'skills', 'shout', 'SKILL.md'), `${SHOUT}\n`);
  const miss = trace('miss', ['shout', 'x']);
  assert.is(cacheMarker(miss.r.stderr), 'compiled', miss.r.stderr);
  assert.ok(miss.urls.some((u) => /node_modules\/tsx\//.test(u)), miss.urls.join('\n'));
  assert.ok(miss.urls.some((u) => /\/cmdc\/compiler\/index\.ts$/.test(u)), miss.urls.join('\n'));
});

test('a skill runs by its name', () => {
  const r = cmdc(['run', 'shout', 'hey', 'you']);
  assert.is(r.status, 0, r.out);
  assert.is(r.stdout.trim(), 'SHOUT: HEY YOU');
});

test('from a subdirectory: the same command, the same project state (block 2 run from the root finds the instance)', () => {
  const sub = join(PROJECT, 'src', 'deep');
  mkdirSync(sub, { recursive: true });
  const owner = newOwner();
  const b1 = cmdc(['run', 'hello', '--block', '1', 'sub'], owner, sub);
  assert.is(b1.status, 0, b1.out);
  assert.is(cacheMarker(b1.stderr), 'hit', b1.stderr);
  assert.is(b1.stdout.trim(), 'block 1: hello sub');
  const b2 = cmdc(['run', 'hello', '--block', '2'], owner);
  assert.is(b2.status, 0, b2.out);
  assert.is(b2.stdout.trim(), 'block 2: goodbye sub (no greeting)');
  assert.is(readdirSync(sub).length, 0); // nothing of cmdc's in the subdirectory
});

test('an edited command is compiled again; a renamed one too; the old name is then unknown, with the near names', () => {
  const file = join(PROJECT, '.claude', 'commands', 'hello.md');
  writeFileSync(file, HELLO.replace('block 1: hello', 'block 1: hi there'));
  const owner = newOwner();
  const edited = cmdc(['run', 'hello', '--block', '1', 'eve'], owner);
  assert.is(edited.status, 0, edited.out);
  assert.is(cacheMarker(edited.stderr), 'compiled', edited.stderr);
  assert.is(edited.stdout.trim(), 'block 1: hi there eve');
  const hit = cmdc(['run', 'hello', '--block', '1', 'eve'], newOwner());
  assert.is(cacheMarker(hit.stderr), 'hit', hit.stderr);
  renameSync(file, join(PROJECT, '.claude', 'commands', 'greet.md'));
  const renamed = cmdc(['run', 'greet', '--block', '1', 'eve'], newOwner());
  assert.is(renamed.status, 0, renamed.out);
  assert.is(cacheMarker(renamed.stderr), 'compiled', renamed.stderr);
  assert.is(renamed.stdout.trim(), 'block 1: hi there eve');
  const gone = cmdc(['run', 'hello', 'x']);
  assert.is(gone.status, 2, gone.out);
  assert.is(gone.stdout, '');
  assert.is(gone.stderr.trim().split('\n').length, 1, gone.stderr);
  assert.match(gone.stderr, "no command 'hello'");
  const near = cmdc(['run', 'gret']);
  assert.is(near.status, 2, near.out);
  assert.match(near.stderr, 'did you mean greet?');
  const skill = cmdc(['run', 'shuot']);
  assert.match(skill.stderr, 'did you mean shout?');
  renameSync(join(PROJECT, '.claude', 'commands', 'greet.md'), file);
});

test('cmdc list and cmdc run without a name: commands and skills, argument hint, compiles, description', () => {
  for (const args of [['list'], ['run']]) {
    const r = cmdc(args);
    assert.is(r.status, 0, r.out);
    const lines = r.stdout.trim().split('\n');
    assert.is(lines.length, 2, r.stdout);
    assert.match(lines[0]!, /^hello\s+command\s+<name>\s+ok\s+Greet someone across two blocks/);
    assert.match(lines[1]!, /^shout\s+skill\s+<words>\s+ok\s+Shout the arguments/);
  }
});

test('nothing cmdc wrote shows in git status', () => {
  const r = sh('git', ['status', '--porcelain', '--untracked-files=all'], PROJECT);
  const ours = r.stdout.split('\n').filter((l) => /\.cmdc|\.claude\/tmp|\.claude\/data/.test(l));
  assert.equal(ours, []);
});

test.after(() => rmSync(TMP, { recursive: true, force: true }));
test.run();

/**
 * Execution profiles through the runner (runtime/runner/run.ts), as real processes (esbuild
 * bundles run by bare node): the 2-block probe of issue 10 (`set -e; false; echo after` /
 * `echo "$#:$0"`) prints what Claude Code prints under claude-code — checked against the Bash
 * tool's wrapper run by real bash — and stops like a script under `--profile script`; the
 * profile is recorded with the instance (`--block` keeps it); the working directory carries only
 * after a block that ends with status 0 and is reset (with the client's message) when it leaves
 * the project; the Bash tool's environment; the argument loop that used to hang terminates under
 * both profiles.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { buildSync } from 'esbuild';
import { compile } from '../../compiler/index.js';
import { bashToolCommand } from '../../runtime/lang/profile.js';
import { claudeShellPath } from '../../runtime/runner/profile.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TMP = realpathSync(mkdtempSync(join(tmpdir(), 'cmdc-profile-')));
const GEN = join(TMP, 'gen');
const PROJ = join(TMP, 'proj');
const SHELL = claudeShellPath(process.env);

const md = (blocks: string[], fm = ''): string =>
  ['---', 'description: profile test', fm, '---', '', ...blocks.flatMap((b, i) => [`## Block ${i + 1}`, '', '```bash', b, '```', ''])].join('\n');

const PROBE = ['set -e; false; echo after', 'echo "$#:$0"'];
const FILES: Record<string, string> = {
  'probe.md': md(PROBE),
  'cwd.md': md([
    'mkdir -p d && cd d && exit 0',
    'pwd; cd d; echo moved',
    'pwd; cd /',
    'pwd; cd d; false',
    'pwd',
  ]),
  'env.md': md([
    'echo "${CLAUDE_PROJECT_DIR-unset}|$CLAUDECODE|${CLAUDE_CODE_SESSION_ID:+has-session}|$SHELL|$GIT_EDITOR"; shopt extglob; cat; echo "[stdin done]"',
  ]),
  'loop.md': md([
    'while [ $# -gt 0 ]; do case "$1" in --command) CMD="$2"; shift 2;; *) shift;; esac; done; echo "CMD=${CMD-none} $#"',
  ]),
  'loop-script.md': md([
    'while [ $# -gt 0 ]; do case "$1" in --command) CMD="$2"; shift 2;; *) shift;; esac; done; echo "CMD=${CMD-none} $#"',
  ], 'argument-convention: positional'),
};

// `!` commands (notes §5)
FILES['bang.md'] = [
  '---', 'description: bang lines', '---', '',
  'Context: !`echo ctx: $ARGUMENTS; echo to-stderr >&2; echo back`',
  'Quiet: !`printf "\\n\\n  \\n"`',
  'Blank-led: !`printf "\\n\\nx  \\n\\n"`',
  '', '```!', 'mkdir -p moved && cd moved', '```', '',
  '```bash', 'echo "block in: ${PWD##*/}; said: !`echo inline-out`"', '```', '',
  'Summarize.', '',
].join('\n');
FILES['bang-parallel.md'] = [
  '---', 'description: two bang lines that wait for each other', '---', '',
  '- !`touch a; while [ ! -e b ]; do sleep 0.02; done; echo A`',
  '- !`touch b; while [ ! -e a ]; do sleep 0.02; done; echo B`',
  '', '```bash', 'echo block', '```', '',
].join('\n');
FILES['bang-fails.md'] = ['---', 'description: a failing bang line', '---', '', 'Now: !`echo partial; false`', '', '```bash', 'echo block-ran', '```', ''].join('\n');
FILES['bang-slow.md'] = ['---', 'description: a slow bang line', '---', '', 'Now: !`sleep 20`', '', '```bash', 'echo block-ran', '```', ''].join('\n');

// prompts: "ARGUMENTS: …" when the text fills no reference; a skill's base directory
FILES['noref.md'] = ['---', 'description: no argument reference', '---', '', '```bash', 'echo "$2 is missing"', '```', '', 'Do the thing.', ''].join('\n');
FILES['skills/demo/SKILL.md'] = ['---', 'description: a skill', '---', '', '```bash', 'echo "dir: ${CLAUDE_SKILL_DIR}" | sed "s|$PWD|P|"', '```', '', 'Use ${CLAUDE_SKILL_DIR} and $0.', ''].join('\n');

const BUNDLES: Record<string, string> = {};

test.before(() => {
  const src = join(TMP, 'src');
  mkdirSync(src, { recursive: true });
  mkdirSync(GEN, { recursive: true });
  for (const [f, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(src, f)), { recursive: true });
    writeFileSync(join(src, f), text);
  }
  const c = compile(Object.keys(FILES).map((f) => join(src, f)), { root: TMP, outDir: GEN, runtimeEntry: join(ROOT, 'runtime/index.ts') });
  assert.not.ok(c.failed, JSON.stringify(c.diagnostics));
  const entries: string[] = [];
  for (const r of c.results) {
    writeFileSync(r.outFile, r.code!);
    const name = r.outFile.split('/').pop()!.replace(/\.ts$/, '');
    const entry = join(GEN, `${name}.entry.ts`);
    writeFileSync(entry, `import { command } from './${name}.js';\nimport { run } from ${JSON.stringify(join(ROOT, 'runtime/runner/run.ts'))};\nawait run(command, process.argv);\n`);
    entries.push(entry);
  }
  buildSync({
    entryPoints: entries, outdir: GEN, outExtension: { '.js': '.mjs' }, bundle: true, platform: 'node', format: 'esm',
    target: 'node20', logLevel: 'error', absWorkingDir: ROOT,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  for (const e of entries) BUNDLES[e.split('/').pop()!.replace(/\.entry\.ts$/, '')] = e.replace(/\.ts$/, '.mjs');
});
test.after(() => rmSync(TMP, { recursive: true, force: true }));

function fresh(): void {
  rmSync(PROJ, { recursive: true, force: true });
  mkdirSync(PROJ, { recursive: true });
}

function cmd(name: string, args: string[], env: Record<string, string> = {}, input = '') {
  const r = spawnSync(process.execPath, [BUNDLES[name]!, ...args], {
    cwd: PROJ,
    encoding: 'utf8',
    input,
    env: { PATH: process.env.PATH!, HOME: TMP, CMDC_OWNER: 'profile-test', SHELL, ...env },
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The Bash tool running `block` in `cwd` with real bash: output, status, and the cwd it saved (null: none). */
function bashTool(block: string, cwd: string) {
  const cwdFile = join(TMP, 'oracle-cwd');
  rmSync(cwdFile, { force: true });
  const r = spawnSync(SHELL, ['-c', bashToolCommand(block, { cwdFile })], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: TMP } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, cwd: existsSync(cwdFile) ? readFileSync(cwdFile, 'utf8').trim() : null };
}

test('the 2-block probe prints what Claude Code prints: after, then 0:<shell>', () => {
  fresh();
  const expected = PROBE.map((b) => bashTool(b, PROJ));
  assert.equal(expected.map((e) => [e.stdout, e.status]), [['after\n', 0], [`0:${SHELL}\n`, 0]]);
  const r = cmd('probe', []);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, expected.map((e) => e.stdout).join(''));
  // with arguments, `$0` is Claude Code's text for the first word
  const a = cmd('probe', ['some', 'args']);
  assert.is(a.stdout, 'after\n0:some\n', a.stderr);
});

test('the probe block by block (--block 1, --block 2) is the same, and keeps the profile of the instance', () => {
  fresh();
  const b1 = cmd('probe', ['--block', '1']);
  assert.is(b1.stdout, 'after\n', b1.stderr);
  assert.is(b1.status, 0);
  // --block 2 of the same instance: the profile comes from its run record
  const b2 = cmd('probe', ['--block', '2']);
  assert.is(b2.stdout, `0:${SHELL}\n`, b2.stderr);
  const dir = join(PROJ, '.claude', 'tmp');
  const rec = readFileSync(join(dir, '.cmdc', 'runs', readdirRunRecord(dir)), 'utf8');
  assert.match(rec, /"profile": "claude-code"/);
});

/** The name of the one run record (`<id>.json` in `<state dir>/.cmdc/runs`). */
function readdirRunRecord(dir: string): string {
  const f = readdirSync(join(dir, '.cmdc', 'runs')).find((n) => n.endsWith('.json'));
  assert.ok(f, `a run record in ${dir}`);
  return f!;
}

test('--profile script: the probe stops at the failing command, like a bash script', () => {
  fresh();
  const r = cmd('probe', ['--profile', 'script', 'a', 'b']);
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  const bad = cmd('probe', ['--profile', 'zsh']);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /unknown profile 'zsh'/);
});

test('working directory: carried only after status 0 without exit; reset when it leaves the project', () => {
  fresh();
  const r = cmd('cwd', []);
  assert.is(r.status, 1, r.stderr);
  assert.is(r.stdout, [PROJ, 'moved', join(PROJ, 'd'), PROJ].join('\n') + '\n');
  assert.match(r.stderr, `Shell cwd was reset to ${PROJ}`);
  // block 4 failed after `cd d`: block 5 starts where block 4 started
  const dir = join(PROJ, '.claude', 'tmp');
  const id = readdirRunRecord(dir).replace(/\.json$/, '');
  const b5 = cmd('cwd', ['--block', '5', '--workflow-id', id]);
  assert.is(b5.stdout, `${PROJ}\n`, b5.stderr);
  // the oracle agrees on the bash part: `cd d && exit 0` and `cd d; false` save no directory
  assert.is(bashTool('mkdir -p d && cd d && exit 0', PROJ).cwd, null);
  assert.is(bashTool('cd d; false', PROJ).cwd, null);
  assert.is(bashTool('cd d; echo moved', PROJ).cwd, join(PROJ, 'd'));
});

test('environment: no CLAUDE_PROJECT_DIR, CLAUDECODE=1, a session id, the shell, GIT_EDITOR; extglob off; stdin /dev/null', () => {
  fresh();
  const r = cmd('env', [], { CLAUDE_PROJECT_DIR: PROJ }, 'not for the block\n');
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, `unset|1|has-session|${SHELL}|true\nextglob        \toff\n[stdin done]\n`);
  const s = cmd('env', ['--profile', 'script'], { CLAUDE_PROJECT_DIR: PROJ });
  assert.match(s.stdout, new RegExp(`^${PROJ}\\|`));
});

test('the argument loop of issue 10 terminates under both profiles', () => {
  fresh();
  // claude-code: $# is 0, the loop never runs (as in Claude Code)
  const cc = cmd('loop', ['--command', 'x', 'y']);
  assert.is(cc.stdout, 'CMD=none 0\n', cc.stderr);
  // --profile script on the same module: $# counts the words, shift ends the loop
  const sc = cmd('loop', ['--profile', 'script', '--', '--command', 'x', 'y']);
  assert.is(sc.status, 0, sc.stderr);
  assert.is(sc.stdout, 'CMD=none 0\n');
  // a script file: $1 is the positional parameter, the loop reads the options
  const s = cmd('loop-script', ['--', '--command', 'x', 'y']);
  assert.is(s.stdout, 'CMD=x 0\n', s.stderr);
});

test('`!` lines: run at invocation, arguments pasted raw (claude-code), output cut and merged, a cd persists, in-block output as data', () => {
  fresh();
  const r = cmd('bang', ['--agent-cmd', 'cat > prompt.txt', '--arguments', 'a; echo INJECTED']);
  assert.is(r.status, 0, r.stderr);
  // the block sees the `cd` of the ```! fence, and the output of its own `!` line
  assert.is(r.stdout, 'block in: moved; said: inline-out\n');
  const prompt = readFileSync(join(PROJ, 'moved', 'prompt.txt'), 'utf8');
  // (the prose before the first block is no agent step: its outputs open the first prompt)
  assert.ok(prompt.includes('(src/bang.md:5)\nctx: a\nINJECTED\nto-stderr\nback\n'), prompt);
  assert.ok(prompt.includes('(src/bang.md:6)\n(Bash completed with no output)\n'), prompt);
  assert.ok(prompt.includes('(src/bang.md:7)\nx\n'), prompt);
  // under script the argument is data
  fresh();
  const s = cmd('bang', ['--profile', 'script', '--agent-cmd', 'cat > prompt.txt', '--arguments', 'a; echo INJECTED']);
  assert.is(s.status, 0, s.stderr);
  // (unquoted $ARGUMENTS is one field per word: the words of `a; echo INJECTED` are just `a`)
  const sp = readFileSync(join(PROJ, 'prompt.txt'), 'utf8');
  assert.ok(sp.includes('(src/bang.md:5)\nctx: a\nto-stderr\nback\n') && !sp.includes('INJECTED\n'), sp);
});

test('`!` lines run in parallel (two that wait for each other finish)', () => {
  fresh();
  const r = cmd('bang-parallel', [], { BASH_DEFAULT_TIMEOUT_MS: '10000' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'block\n');
});

test('a failing or timed-out `!` line stops the command before any block, with the client\'s message', () => {
  fresh();
  const r = cmd('bang-fails', []);
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.is(r.stderr, 'Shell command failed for pattern "!`echo partial; false`": exit code 1: partial\n');
  fresh();
  const t = cmd('bang-slow', [], { BASH_DEFAULT_TIMEOUT_MS: '300' });
  assert.is(t.status, 1);
  assert.is(t.stdout, '');
  assert.match(t.stderr, /^Shell command failed for pattern "!`sleep 20`": Command timed out after 0s\n$/);
});

test('prompts: "ARGUMENTS: …" appended when the text fills no reference; a skill starts with its directory', () => {
  fresh();
  const r = cmd('noref', ['--agent-cmd', 'cat > prompt.txt', 'x', 'y']);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, ' is missing\n');
  assert.match(readFileSync(join(PROJ, 'prompt.txt'), 'utf8'), /^Do the thing\.\n\nARGUMENTS: x y\n/);
  fresh();
  const k = cmd('demo', ['--agent-cmd', 'cat > prompt.txt', 'first']);
  assert.is(k.status, 0, k.stderr);
  assert.is(k.stdout, `dir: ${join(PROJ, 'src/skills/demo')}\n`.replace(PROJ, 'P'));
  const prompt = readFileSync(join(PROJ, 'prompt.txt'), 'utf8');
  assert.ok(prompt.startsWith(`Base directory for this skill: ${join(PROJ, 'src/skills/demo')}\n\nUse ${join(PROJ, 'src/skills/demo')} and first.\n`), prompt);
});

test.run();

/**
 * Differential test of every fixture command: the compiled module, run by the real CLI
 * (`run()` in runtime/runner/run.ts, bundled with esbuild, agent steps answered by an empty
 * replay), against the command's bash blocks run in real bash, one process per block, under the
 * module's execution profile:
 *  - claude-code (the default): each block as Claude Code runs it — the client's text
 *    (runtime/lang/arguments.ts substituteArguments on the argument string, then the model's
 *    placeholder edits) in the Bash tool's wrapper (runtime/lang/profile.ts bashToolCommand:
 *    `eval '<block>' < /dev/null && pwd -P >| <file>`, `$0` the shell, the Bash tool's
 *    environment), the working directory carried only when the block saved one, reset when
 *    outside the project;
 *  - script (files declaring `argument-convention: positional`): as a standalone bash process
 *    (see bashBlockText: `$0` = the .md path, lines = .md lines; the working directory carries
 *    over, nothing else);
 * with the state libraries from runtime/lib/*.sh installed where the blocks `source` them
 * (`$CLAUDE_PROJECT_DIR/.claude/lib/{core,workflow}/`). Both runs get the same arguments, the
 * same environment, /dev/null as stdin and the same fresh project directory (same path), and
 * both stop at the first block that exits non-zero.
 *
 * Compared: stdout, stderr (each concatenated over the blocks), the exit status of the run, the
 * final state (every variable a `bash` that sources each state file defines, read by bash for
 * both sides), and the error-log entries (without timestamps).
 *
 * Normalised, and nothing else:
 *  - workflow ids (`<prefix>_<19 digits>` with an optional `_<nanoid>` suffix) -> <WFID>
 *  - other 19-digit nanosecond timestamps -> <NS>; ISO-8601 timestamps -> <TS>
 *  - state keys AGENT_OUTPUT_<n> are dropped from the compiled run's state (bash has no agent
 *    steps; the compiled run stores each agent step's output there)
 *  - error-log entries the runner itself writes for a failed block (context.runner = "cmdc")
 *    are dropped from the compiled run's log: bash has no runner
 *  - state-file metadata (the header the runtime writes: command, owner, created, status,
 *    current block) is not compared: it is not a variable either side's blocks set.
 * A missing bash fails the test (it is not skipped).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { compile } from '../../compiler/index.js';
import { parseCommandMarkdown } from '../../compiler/markdown.js';
import { buildSync } from 'esbuild';
import { substituteArguments } from '../../runtime/lang/arguments.js';
import { bashToolCommand, type Profile } from '../../runtime/lang/profile.js';
import { claudeCodeEnv, claudeShellPath } from '../../runtime/runner/profile.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/commands');
const TMP = mkdtempSync(join(tmpdir(), 'cmdc-diff-'));
const PROJ = join(TMP, 'proj');
const OUT = join(TMP, 'out');

/**
 * Per fixture: the arguments both runs get, `--set` values for the compiled run, and the textual
 * edits the model makes to the blocks in Claude Code for the same input (a placeholder such as
 * `<report-path>` replaced by its value; the compiled side receives the value as data).
 */
interface Case {
  /** The arguments: words under script; joined by spaces, the string typed after /name under claude-code. */
  args?: string[];
  sets?: Record<string, string>;
  substitute?: Record<string, string>;
}
const CASES: Record<string, Case> = {
  'research.md': { args: ['Concurrency in Shell Scripts!'] },
  'debug.md': { args: ['tests fail with timeout in CI'] },
  'repair.md': { args: ['--type', 'state_error', 'extra'] },
  'revise.md': { args: ['plans/001_feature.md', 'Add phase 4: documentation (priority: high)'] },
  'document.md': { args: ['src/app.ts', 'src/lib/util.ts', 'README.md', 'docs/guide.md'] },
  'setup.md': { args: ['ws'] },
  'failing.md': { args: ['missing.txt'] },
  // `argument-hint: <report-path>` binds the token to the arguments (compiled: "${CMDC_ARGUMENTS}").
  'broken-placeholder.md': { args: ['reports/001_report.md'], substitute: { '<report-path>': 'reports/001_report.md' } },
};

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.md'))
  .sort();

function bashQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const SESSION = 'fixtures-session-1';
const baseEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: join(TMP, 'home'),
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TZ: 'UTC',
  CLAUDE_PROJECT_DIR: PROJ,
  CLAUDE_CODE_SESSION_ID: SESSION,
  CMDC_OWNER: 'differential-test',
});

function freshProject(): void {
  rmSync(PROJ, { recursive: true, force: true });
  mkdirSync(join(PROJ, '.claude/lib/core'), { recursive: true });
  mkdirSync(join(PROJ, '.claude/lib/workflow'), { recursive: true });
  mkdirSync(join(TMP, 'home'), { recursive: true });
  const lib = join(ROOT, 'runtime/lib');
  for (const [f, d] of [
    ['state-persistence.sh', 'core'],
    ['error-handling.sh', 'core'],
    ['workflow-state-machine.sh', 'workflow'],
  ] as const) {
    if (existsSync(join(lib, f))) copyFileSync(join(lib, f), join(PROJ, '.claude/lib', d, f));
  }
}

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
  state: string;
  errors: string;
}

/** Variables each state file defines, read by bash (`declare -p`), sorted, one file after another. */
function readState(dropAgentOutputs: boolean): string {
  const dir = join(PROJ, '.claude/tmp');
  if (!existsSync(dir)) return '';
  const files = readdirSync(dir)
    .filter((f) => /^workflow_.*\.sh$/.test(f))
    .sort();
  const script =
    'before=$(compgen -v); source "$1" >/dev/null 2>&1; ' +
    'for v in $(compgen -v | sort); do grep -qx "$v" <<<"$before" || declare -p "$v"; done';
  const parts = files.map((f) => {
    const r = spawnSync('bash', ['-c', script, 'bash', join(dir, f)], { encoding: 'utf8', env: baseEnv() });
    const lines = r.stdout
      .split('\n')
      .filter((l) => l && !/^declare -\S+ (before|v)=/.test(l))
      .filter((l) => !dropAgentOutputs || !/^declare -\S+ AGENT_OUTPUT_\d+=/.test(l))
      .filter((l) => !/^declare -\S+ (CMDC_[A-Z_]*)=/.test(l));
    return normalise(`${f}:\n${lines.join('\n')}`);
  });
  return parts.sort().join('\n');
}

function readErrors(dropRunnerEntries: boolean): string {
  const dir = join(PROJ, '.claude/data/logs');
  if (!existsSync(dir)) return '';
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const e = JSON.parse(line) as Record<string, unknown>;
      if (dropRunnerEntries && (e.context as Record<string, unknown> | undefined)?.runner === 'cmdc') continue;
      delete e.timestamp;
      out.push(JSON.stringify(e));
    }
  }
  return normalise(out.join('\n'));
}

export function normalise(s: string): string {
  return s
    .replace(/\b[A-Za-z][A-Za-z0-9_-]*?_\d{19}(?:_[A-Za-z0-9_-]{4,32})?(?=\b|\.sh)/g, '<WFID>')
    .replace(/\b\d{19}\b/g, '<NS>')
    .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<TS>');
}

/**
 * The text bash runs for one block, and how the cwd is carried to the next block.
 *
 * A block runs the way a standalone `bash -c` process runs it: `bash -c <text> <md path> args…`
 * with `$0` = the .md path the compiled side uses as its script name, and the block padded with
 * blank lines so that its first line is its .md line (so `$LINENO`, `<md>: line N: …` and
 * `<md>: -c: line N: syntax error …` name .md lines, as the compiled run does). The block is not
 * in a condition context (no `eval … && pwd`), so `set -e` and ERR traps act as the author wrote.
 *
 * The cwd: line 1 (a padding line; a block's first line is at least line 2 of the .md) defines
 * `__cmdc_cwd` and a DEBUG trap that writes `$PWD` to the cwd file before every top-level simple
 * command (`__cmdc_cwd "$_"` keeps `$_`; `$?`/PIPESTATUS survive a DEBUG trap; `2>/dev/null`
 * keeps `set -x` quiet), and the block is followed by `exit $?`, so the cwd after its last
 * command is recorded too. Correct for a normal end, `exit`, a `set -e` failure and a syntax
 * error (the cwd before the failing command/line). Limits: a `cd` inside a function (DEBUG
 * traps are not inherited) followed by `exit` inside that function, a `cd` in an EXIT trap, and
 * a block that sets its own DEBUG trap are not seen; `declare -F`/`trap -p` show the helper.
 * Nothing in the fixtures does these.
 */
export function bashBlockText(code: string, line: number, cwdFile: string): string {
  const head = `__cmdc_cwd() { printf %s "$PWD" >| ${bashQuote(cwdFile)}; }; trap '{ __cmdc_cwd "$_"; } 2>/dev/null' DEBUG`;
  if (line < 2) throw new Error('a block starts at line 2 of its .md or later');
  return `${head}${'\n'.repeat(line - 1)}${code}${code.endsWith('\n') ? '' : '\n'}exit $?\n`;
}

/** The blocks as Claude Code's Bash tool runs them (claude-code profile). */
function runBashTool(file: string, c: Case): Outcome {
  freshProject();
  const md = parseCommandMarkdown(readFileSync(file, 'utf8'), file);
  const raw = (c.args ?? []).join(' ');
  // The runner keeps cmdc's library on the project's state and log directories (it sets
  // CMDC_STATE_DIR / CMDC_LOG_DIR when CLAUDE_PROJECT_DIR is known, since the Bash tool has no
  // CLAUDE_PROJECT_DIR); the reference gets the same, so the comparison is about bash.
  const env = { ...claudeCodeEnv(baseEnv(), { session: SESSION }), CMDC_STATE_DIR: join(PROJ, '.claude/tmp'), CMDC_LOG_DIR: join(PROJ, '.claude/data/logs') };
  const cwdFile = join(TMP, 'cwd');
  let cwd = PROJ;
  let stdout = '';
  let stderr = '';
  let status = 0;
  for (const step of md.steps) {
    if (step.kind !== 'bash') continue;
    // the client's substitution, then what the model does with a placeholder: edits the text
    let code = substituteArguments(step.code, raw, { sessionId: SESSION, projectDir: PROJ, effort: '' });
    for (const [token, value] of Object.entries(c.substitute ?? {})) code = code.split(token).join(value);
    rmSync(cwdFile, { force: true });
    const r = spawnSync(claudeShellPath(env), ['-c', bashToolCommand(code, { cwdFile })], {
      cwd,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    if (r.error) throw r.error;
    stdout += r.stdout;
    stderr += r.stderr;
    status = r.status ?? 128;
    if (existsSync(cwdFile)) {
      const saved = readFileSync(cwdFile, 'utf8').trim();
      const rel = relative(realpathSync(PROJ), saved);
      cwd = rel.startsWith('..') ? PROJ : saved;
    }
    if (status !== 0) break;
  }
  return { stdout: normalise(stdout), stderr: normalise(stderr), status, state: readState(false), errors: readErrors(false) };
}

function runBash(file: string, scriptName: string, c: Case): Outcome {
  freshProject();
  const md = parseCommandMarkdown(readFileSync(file, 'utf8'), file);
  const cwdFile = join(TMP, 'cwd');
  let cwd = PROJ;
  let stdout = '';
  let stderr = '';
  let status = 0;
  for (const step of md.steps) {
    if (step.kind !== 'bash') continue;
    writeFileSync(cwdFile, cwd);
    // What the model does with a placeholder: edits the text.
    let code = step.code;
    for (const [token, value] of Object.entries(c.substitute ?? {})) code = code.split(token).join(value);
    const r = spawnSync('bash', ['-c', bashBlockText(code, step.line, cwdFile), scriptName, ...(c.args ?? [])], {
      cwd,
      env: baseEnv(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    if (r.error) throw r.error;
    stdout += r.stdout;
    stderr += r.stderr;
    status = r.status ?? 128;
    cwd = readFileSync(cwdFile, 'utf8') || cwd;
    if (status !== 0) break;
  }
  return { stdout: normalise(stdout), stderr: normalise(stderr), status, state: readState(false), errors: readErrors(false) };
}

function runCompiled(name: string, c: Case, profile: Profile): Outcome {
  freshProject();
  const entry = join(OUT, `${name}.entry.mjs`);
  const replay = join(TMP, 'replay.json');
  writeFileSync(replay, JSON.stringify({ default: '' }));
  // claude-code: the string typed after /name; script: the words
  const args = profile === 'claude-code' ? ['--arguments', (c.args ?? []).join(' ')] : ['--', ...(c.args ?? [])];
  const sets = Object.entries(c.sets ?? {}).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  const r = spawnSync(process.execPath, [entry, '--agent-replay', replay, ...sets, ...args], {
    cwd: PROJ,
    env: baseEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return {
    stdout: normalise(r.stdout),
    stderr: normalise(r.stderr),
    status: r.status ?? 128,
    state: readState(true),
    errors: readErrors(true),
  };
}

/** fixture file -> the .md path the compiled module names itself by (its scriptName, `$0`). */
const SOURCES = new Map<string, string>();
/** fixture file -> the execution profile its module runs under. */
const PROFILE = new Map<string, Profile>();
const results: { name: string; same: boolean; ms: [number, number] }[] = [];

test.before(() => {
  assert.is(spawnSync('bash', ['-c', 'exit 7']).status, 7, 'bash must be installed');
  const r = compile(fixtures.map((f) => join(FIXTURES, f)), { root: ROOT, outDir: OUT });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'package.json'), '{"type":"module"}\n');
  const entries: string[] = [];
  for (const x of r.results) {
    assert.ok(x.code, `${x.file} compiles`);
    writeFileSync(x.outFile, x.code!);
    const name = x.outFile.split('/').pop()!.replace(/\.ts$/, '');
    SOURCES.set(x.file.split('/').pop()!, x.file);
    PROFILE.set(x.file.split('/').pop()!, /\bprofile: 'script'/.test(x.code!) ? 'script' : 'claude-code');
    const entry = join(OUT, `${name}.entry.ts`);
    writeFileSync(
      entry,
      `import { command } from './${name}.js';\nimport { run } from ${JSON.stringify(join(ROOT, 'runtime/runner/run.ts'))};\nawait run(command, process.argv);\n`,
    );
    entries.push(entry);
  }
  // one esbuild bundle per command: bare node starts in ~0.1 s, tsx in ~0.5 s
  buildSync({
    entryPoints: entries, outdir: OUT, outExtension: { '.js': '.mjs' }, bundle: true, platform: 'node', format: 'esm',
    target: 'node20', logLevel: 'error', absWorkingDir: ROOT,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    // islands source the bash libraries: this checkout's runtime/lib (as cmdc build does)
    define: { __CMDC_LIB_DIR__: JSON.stringify(join(ROOT, 'runtime/lib') + '/') },
  });
});

test.after(() => {
  const same = results.filter((r) => r.same).length;
  console.log(`\n  differential: ${same}/${results.length} fixtures identical`);
  for (const r of results) console.log(`    ${r.same ? 'same' : 'DIFF'}  ${r.name}  (bash ${r.ms[0]} ms, compiled ${r.ms[1]} ms)`);
  rmSync(TMP, { recursive: true, force: true });
});

for (const f of fixtures) {
  test(`${f}: compiled run = bash run`, () => {
    const c = CASES[f] ?? {};
    const profile = PROFILE.get(f)!;
    const t0 = performance.now();
    const want = profile === 'claude-code' ? runBashTool(join(FIXTURES, f), c) : runBash(join(FIXTURES, f), SOURCES.get(f)!, c);
    const t1 = performance.now();
    const got = runCompiled(f.replace(/\.md$/, ''), c, profile);
    const t2 = performance.now();
    // Guard against a vacuous pass: every fixture prints in its first block, so a silent bash run
    // means the blocks never got past `source .../state-persistence.sh` (library missing).
    assert.ok(want.stdout.length > 0, `${f}: the bash run printed nothing (is runtime/lib/state-persistence.sh there?)\n${want.stderr}`);
    const same = JSON.stringify(want) === JSON.stringify(got);
    results.push({ name: f, same, ms: [Math.round(t1 - t0), Math.round(t2 - t1)] });
    assert.fixture(got.stdout, want.stdout, `${f}: stdout`);
    assert.fixture(got.stderr, want.stderr, `${f}: stderr`);
    assert.is(got.status, want.status, `${f}: exit status`);
    assert.fixture(got.state, want.state, `${f}: final state`);
    assert.fixture(got.errors, want.errors, `${f}: error log`);
  });
}

test('broken-placeholder.md without a value: the compiled run refuses, naming the token and its .md line', () => {
  const got = runCompiled('broken-placeholder', {}, 'claude-code');
  assert.is(got.status, 2);
  assert.is(got.stdout, '');
  assert.match(got.stderr, 'refusing to run block 2 (Block 2: Verify report, test/fixtures/commands/broken-placeholder.md:25)');
  assert.match(got.stderr, 'placeholder <report-path> at test/fixtures/commands/broken-placeholder.md:25:8 has no value');
});

test.run();

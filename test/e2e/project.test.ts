/**
 * Issue 9's proof: a realistic command set that brings its own bash library
 * (test/fixtures/project: 5 commands, 11 library files) run block by block, one process per
 * block, the way Claude Code runs it, in real bash (test/helpers/claude-code.ts: the Bash tool's
 * `eval '<block>' < /dev/null && pwd -P` wrapper, `$#` 0, CLAUDE_PROJECT_DIR unset and
 * substituted in the text, cwd carried only on exit 0) and under cmdc (each block as
 * `node <bundle> --block '#N'`, the per-block path of `cmdc build`, with the Claude Code
 * profile when the runner has one), in the same fresh git repository (same path), one session.
 *
 * A scenario is one command invocation: its blocks in order (usage/examples fences are not
 * steps: the model only reads them), with what the model does in between (the agent steps:
 * bash run identically on both sides, given the previous block's stdout), stopping at the
 * first block that exits non-zero. Scenarios run in sequence in one project, so later ones see
 * the files, state files and error log earlier ones left.
 *
 * Compared per scenario, byte for byte after normalising ids and clocks (test/helpers/project.ts
 * normalise), nothing else: each block's exit status, stdout and stderr; every file of the
 * project afterwards (state files, error log, plans, reports, sources), except cmdc's own
 * bookkeeping (paths with a `.cmdc` segment), which must instead be invisible to `git status` —
 * compared too — and the runner's own entries in the project's error log (a failed block its
 * library did not log: issue 9 item 9, nothing in Claude Code), checked for the project's shape.
 *
 * PENDING lists the scenarios that still differ and why (other work in progress); each must
 * still differ, so a mark cannot outlive its reason.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseCommandMarkdown } from '../../compiler/markdown.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { editBlock, toolCall, toolEnv, writeSnapshot } from '../helpers/claude-code.js';
import { bundleFixtureCommands, FIXTURE_PROJECT, freshProject, gitStatus, normalise, projectFiles } from '../helpers/project.js';

const TMP = mkdtempSync(join(tmpdir(), 'cmdc-project-'));
const PROJ = join(TMP, 'proj');
const SESSION = '5d0c1f4e-9a3b-4c2d-8e7f-0123456789ab';

interface Scenario {
  name: string;
  command: string;
  /** The raw argument string typed after /command. */
  args: string;
  /** Placeholder -> what the model writes there (argument-bound ones get the arguments). */
  fill?: Record<string, string>;
  /** `--set` values the compiled run gets for placeholders bound to prose (the same text as `fill`). */
  sets?: Record<string, string>;
  /** After block N (1-based): what the agent does, as bash in the project (BLOCK_OUTPUT = that block's stdout). */
  agent?: Record<number, string>;
}

const REPORT = `p=$(sed -n 's/^REPORT_PATH=//p' <<<"$BLOCK_OUTPUT"); mkdir -p "$(dirname "$p")"
cat > "$p" <<'EOF'
# Research Report

## Findings
- Settings live in src/settings.ts
- Colors are hard-coded in src/app.ts

## Recommendations
- Add theme tokens first
EOF`;

const PLAN = `p=$(sed -n 's/^Next: plan-architect writes //p' <<<"$BLOCK_OUTPUT")
cat > "$p" <<'EOF'
# Dark Mode Toggle - Implementation Plan

## Metadata
- **Status**: [NOT STARTED]
- **Complexity**: 3
- **Phases**: 4
- **Research**: pending

## Overview
Dark mode for the settings page.

## Implementation Phases

### Phase 1: Theme tokens [NOT STARTED]
- [ ] Define color tokens
- [ ] Replace hard-coded colors

### Phase 2: Toggle component [NOT STARTED]
- [ ] Add the toggle to settings

### Phase 3: Persistence [NOT STARTED]
- [ ] Store the choice

### Phase 4: Tests [NOT STARTED]
- [ ] Cover the toggle
EOF`;

const SCENARIOS: Scenario[] = [
  {
    name: 'create-plan',
    command: 'create-plan',
    args: 'Add dark mode toggle to the settings page --complexity 3',
    fill: { YOUR_FEATURE_DESCRIPTION_HERE: 'Add dark mode toggle to the settings page --complexity 3' },
    agent: { 1: REPORT, 2: PLAN },
  },
  {
    name: 'implement (latest plan, clean tree)',
    command: 'implement',
    args: '',
    agent: {
      1: `printf 'export const tokens = { dark: "#000" };\\n' > src/theme.ts`,
      2: `printf 'export const toggle = true;\\n' > src/toggle.ts; printf 'export const saved = 1;\\n' >> src/settings.ts`,
    },
  },
  {
    name: 'research',
    command: 'research',
    args: 'Concurrency in shell scripts --complexity 1',
    agent: { 1: REPORT },
  },
  {
    name: 'debug',
    command: 'debug',
    args: 'tests fail with timeout in CI',
    fill: { YOUR_ISSUE_DESCRIPTION_HERE: 'tests fail with timeout in CI', YOUR_ROOT_CAUSE_HERE: 'the CI runner has 2 cores' },
    sets: { ROOT_CAUSE: 'the CI runner has 2 cores' },
    agent: { 1: `p=$(sed -n 's/^DEBUG_REPORT=//p' <<<"$BLOCK_OUTPUT"); printf '# Debug\\nROOT_CAUSE: the CI runner has 2 cores\\n' > "$p"` },
  },
  {
    // the analyst's report has no ROOT_CAUSE line: grep fails, the library's ERR trap logs and exits
    name: 'debug (ERR trap)',
    command: 'debug',
    args: "login page crashes when it's reloaded",
    fill: { YOUR_ISSUE_DESCRIPTION_HERE: "login page crashes when it's reloaded", YOUR_ROOT_CAUSE_HERE: 'unknown' },
    sets: { ROOT_CAUSE: 'unknown' },
    agent: { 1: `p=$(sed -n 's/^DEBUG_REPORT=//p' <<<"$BLOCK_OUTPUT"); printf '# Debug\\nNo root cause found.\\n' > "$p"` },
  },
  {
    // block 1a logs a file_error and exits 1; the EXIT trap logs a second entry
    name: 'implement (missing plan)',
    command: 'implement',
    args: 'specs/999_missing/plans/001_nope_plan.md',
  },
  { name: 'errors --since 1h', command: 'errors', args: '--since 1h' },
  { name: 'errors --summary', command: 'errors', args: '--summary' },
  { name: 'errors (bad flag)', command: 'errors', args: '--verbose' },
];

/**
 * Scenario -> why it still differs under cmdc (work in progress elsewhere). Each listed scenario
 * is asserted to differ; remove the entry when it passes. None today: all scenarios are
 * identical (issue 9).
 */
const PENDING: Record<string, string> = {};

interface BlockResult {
  status: number;
  stdout: string;
  stderr: string;
}
interface Outcome {
  blocks: BlockResult[];
  files: Map<string, string>;
  gitStatus: string;
  /** cmdc side: the runner's own entries in the project's error log (not compared: see withoutRunnerEntries). */
  runnerEntries: Record<string, unknown>[];
}

/** The step blocks of a command as the model runs them: bash fences outside Usage/Examples sections. */
function stepBlocks(command: string): { code: string; line: number }[] {
  const file = join(FIXTURE_PROJECT, '.claude/commands', `${command}.md`);
  const md = parseCommandMarkdown(readFileSync(file, 'utf8'), file);
  return md.steps.filter((s) => s.kind === 'bash' && !/^(usage|examples?)\b/i.test(s.heading ?? '')) as { code: string; line: number }[];
}

const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: join(TMP, 'home'), LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC', USER: 'fixture' });

function agent(script: string, blockOutput: string): void {
  const r = spawnSync('bash', ['-c', script], { cwd: PROJ, env: { ...baseEnv(), BLOCK_OUTPUT: blockOutput }, encoding: 'utf8' });
  assert.is(r.status, 0, `agent step failed: ${r.stderr}`);
}

const ERROR_LOG = '.claude/data/logs/errors.jsonl';

/**
 * The runner's own failure entries (context.runner "cmdc": a block failed and its library logged
 * nothing) are what cmdc adds on purpose (issue 9 item 9) where Claude Code writes nothing: they
 * leave the comparison, and must have exactly the keys, in the order, of the project's entries.
 */
function withoutRunnerEntries(log: string, runnerEntries: Record<string, unknown>[]): string {
  return log
    .split(/(?<=\n)/)
    .filter((line) => {
      let e: unknown;
      try {
        e = JSON.parse(line);
      } catch {
        return true;
      }
      const ctx = (e as { context?: { runner?: unknown } } | null)?.context;
      if (ctx?.runner !== 'cmdc') return true;
      runnerEntries.push(e as Record<string, unknown>);
      return false;
    })
    .join('');
}

function snapshot(blocks: BlockResult[], cmdc: boolean): Outcome {
  const files = new Map<string, string>();
  const runnerEntries: Record<string, unknown>[] = [];
  for (const [path, content] of projectFiles(PROJ)) {
    if (cmdc && /(^|\/)\.cmdc(\/|$)/.test(path)) continue;
    files.set(normalise(path), normalise(cmdc && path === ERROR_LOG ? withoutRunnerEntries(content, runnerEntries) : content));
  }
  return {
    blocks: blocks.map((b) => ({ status: b.status, stdout: normalise(b.stdout), stderr: normalise(b.stderr) })),
    files,
    gitStatus: normalise(gitStatus(PROJ)),
    runnerEntries,
  };
}

/** The whole sequence in real bash, Claude Code's way. */
function runBash(): Outcome[] {
  freshProject(PROJ);
  const snap = writeSnapshot(TMP);
  const cwdFile = join(TMP, 'claude-cwd');
  const env = toolEnv(baseEnv(), SESSION);
  let cwd = PROJ;
  const out: Outcome[] = [];
  for (const s of SCENARIOS) {
    const blocks: BlockResult[] = [];
    for (const [i, b] of stepBlocks(s.command).entries()) {
      const text = editBlock(b.code, { args: s.args, projectDir: PROJ, sessionId: SESSION, fill: s.fill ?? {} });
      const r = toolCall(text, { cwd, env, snapshot: snap, cwdFile });
      cwd = r.cwd;
      blocks.push(r);
      if (r.status !== 0) break;
      if (s.agent?.[i + 1]) agent(s.agent[i + 1]!, r.stdout);
    }
    out.push(snapshot(blocks, false));
  }
  return out;
}

/** The same sequence under cmdc: one `node <bundle> --block '#N'` process per block. */
function runCmdc(bundles: Record<string, string>, profile: string[]): Outcome[] {
  freshProject(PROJ);
  const env = toolEnv(baseEnv(), SESSION);
  const out: Outcome[] = [];
  for (const s of SCENARIOS) {
    const blocks: BlockResult[] = [];
    const sets = Object.entries(s.sets ?? {}).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    for (const [i] of stepBlocks(s.command).entries()) {
      const argv = [bundles[s.command]!, '--block', `#${i + 1}`, ...profile, ...(i === 0 ? ['--arguments', s.args] : []), ...sets];
      const r = spawnSync(process.execPath, argv, { cwd: PROJ, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
      if (r.error) throw r.error;
      const res = { status: r.status ?? 137, stdout: r.stdout, stderr: r.stderr };
      blocks.push(res);
      if (res.status !== 0) break;
      if (s.agent?.[i + 1]) agent(s.agent[i + 1]!, res.stdout);
    }
    out.push(snapshot(blocks, true));
  }
  return out;
}

/** The first difference between two outcomes, as text (null when equal). */
function firstDifference(want: Outcome, got: Outcome): string | null {
  const n = Math.max(want.blocks.length, got.blocks.length);
  for (let i = 0; i < n; i++) {
    const w = want.blocks[i];
    const g = got.blocks[i];
    if (!w || !g) return `block #${i + 1}: ran ${w ? 'only in bash' : 'only under cmdc'}`;
    if (w.status !== g.status) return `block #${i + 1} status: bash ${w.status}, cmdc ${g.status}\n--- bash stderr\n${w.stderr}\n--- cmdc stderr\n${g.stderr}`;
    for (const k of ['stdout', 'stderr'] as const) {
      if (w[k] !== g[k]) return `block #${i + 1} ${k}:\n--- bash\n${w[k]}\n--- cmdc\n${g[k]}`;
    }
  }
  const paths = [...new Set([...want.files.keys(), ...got.files.keys()])].sort();
  for (const p of paths) {
    const w = want.files.get(p);
    const g = got.files.get(p);
    if (w !== g) return `file ${p}: ${w === undefined ? 'only under cmdc' : g === undefined ? 'only in bash' : `differs\n--- bash\n${w}\n--- cmdc\n${g}`}`;
  }
  if (want.gitStatus !== got.gitStatus) return `git status:\n--- bash\n${want.gitStatus}--- cmdc\n${got.gitStatus}`;
  return null;
}

let bundles: Record<string, string> = {};
let diagnostics: Diagnostic[] = [];
let want: Outcome[] = [];
let got: Outcome[] = [];
const summary: string[] = [];

test.before(async () => {
  assert.is(spawnSync('bash', ['-c', 'exit 7']).status, 7, 'bash must be installed');
  mkdirSync(join(TMP, 'home'), { recursive: true });
  const built = await bundleFixtureCommands(join(TMP, 'build'));
  bundles = built.bundles;
  diagnostics = built.diagnostics;
  const help = spawnSync(process.execPath, [bundles['research']!, '--help'], { encoding: 'utf8' }).stdout;
  const profile = help.includes('--profile') ? ['--profile', 'claude-code'] : [];
  want = runBash();
  got = runCmdc(bundles, profile);
  if (process.env.CMDC_E2E_VERBOSE) {
    // CMDC_E2E_VERBOSE=1: every block's output on both sides (for whoever makes a scenario pass)
    SCENARIOS.forEach((s, i) => {
      for (const [side, o] of [['bash', want[i]!], ['cmdc', got[i]!]] as const) {
        o.blocks.forEach((b, k) => console.log(`\n===== ${s.name} [${side}] block #${k + 1}: exit ${b.status}\n${b.stdout}----- stderr\n${b.stderr}`));
      }
    });
  }
});

test.after(() => {
  console.log(`\n  project e2e: ${summary.filter((l) => l.startsWith('same')).length}/${SCENARIOS.length} scenarios identical`);
  for (const l of summary) console.log(`    ${l}`);
  rmSync(TMP, { recursive: true, force: true });
});

test('the bash oracle itself: every scenario ran its blocks, the failing ones failed where intended', () => {
  const statuses = want.map((o) => o.blocks.map((b) => b.status).join(','));
  assert.equal(statuses, ['0,0,0', '0,0,0', '0,0', '0,0', '0,1', '1', '0', '0', '1'], want.map((o) => o.blocks.map((b) => b.stderr).join('|')).join('\n'));
  // the ERR trap of the project's library logged the failure with the project's keys
  const log = want[want.length - 1]!.files.get('.claude/data/logs/errors.jsonl') ?? '';
  const entries = log.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(entries.map((e) => `${e.command} ${e.error_type} ${e.source}`), [
    '/debug execution_error bash_trap',
    '/implement file_error bash_block_1a',
    '/implement execution_error bash_exit',
  ]);
  assert.equal(Object.keys(entries[0]!), ['timestamp', 'environment', 'command', 'workflow_id', 'user_args', 'error_type', 'error_message', 'source', 'stack', 'context', 'status', 'status_updated_at', 'repair_plan_path']);
  // the plan went through its markers
  const plan = [...want[1]!.files].find(([p]) => p.includes('/plans/'))![1];
  assert.match(plan, /### Phase 4: Tests \[COMPLETE\]/);
  assert.is(want[1]!.gitStatus.includes('.claude'), false, want[1]!.gitStatus);
});

test('usage examples are not steps (issue 9 item 6): an info diagnostic each, listed by --help, no --block', () => {
  const info = diagnostics.filter((d) => d.id === 'usage-example-block').map((d) => `${d.file}:${d.line} ${d.severity}`);
  assert.equal(info, [
    '.claude/commands/create-plan.md:354 info',
    '.claude/commands/debug.md:110 info',
    '.claude/commands/errors.md:87 info',
    '.claude/commands/implement.md:382 info',
    '.claude/commands/research.md:104 info',
  ]);
  const help = spawnSync(process.execPath, [bundles['errors']!, '--help'], { encoding: 'utf8' });
  assert.is(help.status, 0);
  assert.match(help.stdout, /Steps \(\.claude\/commands\/errors\.md\):\n   1\. Query  \(query, line 15-83\)\n\nUsage examples in/);
  assert.match(help.stdout, /\n  Usage  \(line 88-91\)\n    \/errors --since 1h\n    \/errors --type state_error --since 7d\n/);
  const research = spawnSync(process.execPath, [bundles['research']!, '--help'], { encoding: 'utf8' });
  assert.match(research.stdout, /\n    \$ \/research "Concurrency in shell scripts" --complexity 3\n/);
  const r = spawnSync(process.execPath, [bundles['errors']!, '--block', '#2'], { cwd: TMP, encoding: 'utf8', env: { ...baseEnv(), CMDC_OWNER: 'examples' } });
  assert.is(r.status, 2);
  assert.match(r.stderr, /no block '#2': the file has 1 block\n/);
});

test("the runner's own entries in the project's log (issue 9 item 9): the project's keys, in its order", () => {
  const projectKeys = ['timestamp', 'environment', 'command', 'workflow_id', 'user_args', 'error_type', 'error_message', 'source', 'stack', 'context', 'status', 'status_updated_at', 'repair_plan_path'];
  // the bad flag of /errors fails its block without the library logging it: the runner does
  const last = got[got.length - 1]!;
  assert.is(last.runnerEntries.length, 1, JSON.stringify(last.runnerEntries));
  const e = last.runnerEntries[0]!;
  assert.equal(Object.keys(e), projectKeys);
  assert.is(e.command, '/errors');
  assert.is(e.error_type, 'execution_error');
  assert.is(e.status, 'ERROR');
  assert.is(e.environment, 'production');
  assert.match(String(e.error_message), /failed with exit status 1$/);
  // a block whose library logged its failure gets no second entry
  const missing = got[SCENARIOS.findIndex((s) => s.name === 'implement (missing plan)')]!;
  assert.is(missing.runnerEntries.length, 0);
});

SCENARIOS.forEach((s, i) => {
  test(`${s.name}: cmdc = bash under Claude Code`, () => {
    const diff = firstDifference(want[i]!, got[i]!);
    const pending = PENDING[s.name];
    summary.push(`${diff === null ? 'same' : pending ? 'DIFF (pending)' : 'DIFF'}  ${s.name}${diff === null ? '' : `: ${diff.split('\n')[0]}${pending ? ` — ${pending}` : ''}`}`);
    if (diff !== null && process.env.CMDC_E2E_VERBOSE) console.log(`\n===== ${s.name}: first difference\n${diff}`);
    if (pending) {
      assert.ok(diff !== null, `${s.name} is now identical under cmdc: remove its PENDING entry ("${pending}")`);
      return;
    }
    if (diff !== null) assert.unreachable(`${s.name}: ${diff}`);
  });
});

test.run();

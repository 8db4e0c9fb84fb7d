/**
 * Concurrency with the project's own library (issue 9): 8 instances each of /research and
 * /create-plan from test/fixtures/project, started by 8 distinct Claude Code sessions
 * (CLAUDE_CODE_SESSION_ID), run block by block, one process per block, no workflow id passed.
 * The harness runs block N of all 8 instances at once, then the agent step of each (it writes
 * the artifact at the path *that instance's* block printed), then block N+1 of all 8 — the
 * interleaving under which the seed's newest-by-mtime discovery picks another instance's state.
 *
 * Crosstalk = an instance whose later block restored a workflow id other than the one its
 * first block created (each block prints the id it works on). The same harness runs the
 * commands in real bash with their own library, Claude Code's way (test/helpers/claude-code.ts):
 * there crosstalk must be > 0 (the harness can see it); under cmdc (bundles, `--block '#N'`)
 * it must be 0, with every block exiting 0.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseCommandMarkdown } from '../../compiler/markdown.js';
import { editBlock, toolCallAsync, toolEnv, writeSnapshot, type ToolCall } from '../helpers/claude-code.js';
import { bundleFixtureCommands, FIXTURE_PROJECT, freshProject } from '../helpers/project.js';

const TMP = mkdtempSync(join(tmpdir(), 'cmdc-project-conc-'));
const PROJ = join(TMP, 'proj');
const N = 8;

interface Spec {
  command: string;
  args: (i: number) => string;
  fill?: (i: number) => Record<string, string>;
  /** The id the first block created, from its stdout. */
  created: RegExp;
  /** The id a later block works on, from its stdout. */
  restored: RegExp;
  /** After block K (1-based): the agent's work for this instance, given that block's stdout. */
  agent: Record<number, string>;
}

const REPORT = `p=$(sed -n 's/^REPORT_PATH=//p' <<<"$BLOCK_OUTPUT"); mkdir -p "$(dirname "$p")"; printf '# Report\\n\\n## Findings\\n- one\\n- two\\n' > "$p"`;
const PLAN = `p=$(sed -n 's/^Next: plan-architect writes //p' <<<"$BLOCK_OUTPUT"); mkdir -p "$(dirname "$p")"
printf '# P - Implementation Plan\\n\\n## Metadata\\n- **Status**: [NOT STARTED]\\n\\n### Phase 1: A [NOT STARTED]\\n- [ ] a\\n' > "$p"`;
const TOPICS = ['alpha caching layer', 'bravo login flow', 'charlie export job', 'delta search index', 'echo audit trail', 'foxtrot rate limits', 'golf theme tokens', 'hotel upload queue'];

const SPECS: Spec[] = [
  {
    command: 'research',
    args: (i) => `${TOPICS[i]} research`,
    created: /^WORKFLOW_ID=(\S+)$/m,
    restored: /^RESTORED: (\S+) /m,
    agent: { 1: REPORT },
  },
  {
    command: 'create-plan',
    args: (i) => `${TOPICS[i]} plan`,
    fill: (i) => ({ YOUR_FEATURE_DESCRIPTION_HERE: `${TOPICS[i]} plan` }),
    created: /^Setup complete: (\S+)$/m,
    restored: /^(?:Restored workflow|Workflow:) (\S+)/m,
    agent: { 1: REPORT, 2: PLAN },
  },
];

interface Tally {
  /** Instances whose later blocks restored another instance's id. */
  crosstalk: number;
  /** Instances with a block that exited non-zero. */
  failed: number;
  /** Instances whose blocks all restored their own id and exited 0. */
  clean: number;
  detail: string[];
}

function stepBlocks(command: string): string[] {
  const file = join(FIXTURE_PROJECT, '.claude/commands', `${command}.md`);
  const md = parseCommandMarkdown(readFileSync(file, 'utf8'), file);
  return md.steps.filter((s) => s.kind === 'bash' && !/^(usage|examples?)\b/i.test(s.heading ?? '')).map((s) => (s as { code: string }).code);
}

const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: join(TMP, 'home'), LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC' });
const session = (spec: Spec, i: number) => `${spec.command}-session-${i}-0000-4000-8000-000000000000`;

function agent(script: string, blockOutput: string): void {
  const r = spawnSync('bash', ['-c', script], { cwd: PROJ, env: { ...baseEnv(), BLOCK_OUTPUT: blockOutput }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`agent step failed: ${r.stderr}`);
}

/** How one side runs block K (0-based) of instance I. */
type BlockRunner = (spec: Spec, k: number, i: number, cwd: string) => Promise<ToolCall>;

/** The harness: block K of all N instances at once, then each one's agent step, then block K+1. */
async function harness(spec: Spec, runBlock: BlockRunner): Promise<Tally> {
  const blocks = stepBlocks(spec.command);
  const created: (string | null)[] = Array(N).fill(null);
  const restored: string[][] = Array.from({ length: N }, () => []);
  const failed: boolean[] = Array(N).fill(false);
  const cwd: string[] = Array(N).fill(PROJ);
  const notes: string[][] = Array.from({ length: N }, () => []);
  for (let k = 0; k < blocks.length; k++) {
    const live = [...Array(N).keys()].filter((i) => !failed[i]);
    const results = await Promise.all(live.map((i) => runBlock(spec, k, i, cwd[i]!)));
    live.forEach((i, j) => {
      const r = results[j]!;
      cwd[i] = r.cwd;
      if (k === 0) created[i] = spec.created.exec(r.stdout)?.[1] ?? null;
      else {
        const id = spec.restored.exec(r.stdout)?.[1];
        if (id) restored[i]!.push(id);
      }
      if (r.status !== 0) {
        failed[i] = true;
        notes[i]!.push(`block #${k + 1} exit ${r.status}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
      }
    });
    for (const i of live) {
      const script = spec.agent[k + 1];
      if (script && !failed[i]) agent(script, results[live.indexOf(i)]!.stdout);
    }
  }
  const t: Tally = { crosstalk: 0, failed: 0, clean: 0, detail: [] };
  for (let i = 0; i < N; i++) {
    const other = restored[i]!.filter((id) => id !== created[i]);
    if (other.length) t.crosstalk++;
    if (failed[i]) t.failed++;
    if (!failed[i] && !other.length && created[i] && restored[i]!.length === blocks.length - 1) t.clean++;
    if (other.length || failed[i]) t.detail.push(`  instance ${i}: created ${created[i]}, restored ${restored[i]!.join(' ') || '-'}${notes[i]!.length ? `; ${notes[i]!.join('; ')}` : ''}`);
  }
  return t;
}

const bashRunner = (snapshot: string): BlockRunner => (spec, k, i, cwd) => {
  const text = editBlock(stepBlocks(spec.command)[k]!, { args: spec.args(i), projectDir: PROJ, sessionId: session(spec, i), fill: spec.fill?.(i) ?? {} });
  return toolCallAsync(text, { cwd, env: toolEnv(baseEnv(), session(spec, i)), snapshot, cwdFile: join(TMP, `cwd-${spec.command}-${i}`) });
};

const cmdcRunner = (bundles: Record<string, string>, profile: string[]): BlockRunner => (spec, k, i, cwd) =>
  new Promise((resolve, reject) => {
    const argv = [bundles[spec.command]!, '--block', `#${k + 1}`, ...profile, ...(k === 0 ? ['--arguments', spec.args(i)] : [])];
    const child = spawn(process.execPath, argv, { cwd, env: toolEnv(baseEnv(), session(spec, i)), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    // the Bash tool's cwd does not move: node cannot change its parent's directory
    child.on('close', (code) => resolve({ status: code ?? 137, stdout, stderr, cwd }));
  });

/**
 * Why cmdc does not reach 0 crosstalk yet (work in progress elsewhere); while set, the cmdc
 * side is asserted to be not clean, so the mark cannot outlive its reason.
 */
const PENDING: string | null = null;

const results: Record<string, { bash: Tally; cmdc: Tally }> = {};

test.before(async () => {
  mkdirSync(join(TMP, 'home'), { recursive: true });
  const { bundles } = await bundleFixtureCommands(join(TMP, 'build'));
  const help = spawnSync(process.execPath, [bundles['research']!, '--help'], { encoding: 'utf8' }).stdout;
  const profile = help.includes('--profile') ? ['--profile', 'claude-code'] : [];
  const snapshot = writeSnapshot(TMP);
  for (const spec of SPECS) {
    freshProject(PROJ);
    const bash = await harness(spec, bashRunner(snapshot));
    freshProject(PROJ);
    const cmdc = await harness(spec, cmdcRunner(bundles, profile));
    results[spec.command] = { bash, cmdc };
  }
});

test.after(() => {
  console.log(`\n  project concurrency (${N} instances per command, distinct sessions, no id passed):`);
  for (const [cmd, { bash, cmdc }] of Object.entries(results)) {
    console.log(`    /${cmd}: bash crosstalk ${bash.crosstalk}/${N} (failed ${bash.failed}); cmdc crosstalk ${cmdc.crosstalk}/${N} (failed ${cmdc.failed}, clean ${cmdc.clean})`);
  }
  rmSync(TMP, { recursive: true, force: true });
});

for (const spec of SPECS) {
  test(`/${spec.command}: plain bash with the project's own library shows crosstalk in this harness`, () => {
    const { bash } = results[spec.command]!;
    assert.ok(bash.crosstalk > 0, `no crosstalk seen in bash: the harness cannot see it\n${bash.detail.join('\n')}`);
  });

  test(`/${spec.command}: under cmdc, 0 crosstalk and every block exits 0`, () => {
    const { cmdc } = results[spec.command]!;
    const clean = cmdc.crosstalk === 0 && cmdc.clean === N;
    if (PENDING) {
      assert.not.ok(clean, `cmdc is now clean: remove PENDING ("${PENDING}")`);
      return;
    }
    assert.is(cmdc.crosstalk, 0, cmdc.detail.join('\n'));
    assert.is(cmdc.clean, N, cmdc.detail.join('\n'));
  });
}

test.run();
